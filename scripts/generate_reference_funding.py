"""Write reference_data/funding.csv: the reference funding records, deterministically.

Run once by a maintainer (`python scripts/generate_reference_funding.py`); the output is committed and is what
`manage.py load_reference_data` reads. Nothing random happens at load time. The split of the €314M by source,
year and fieldlab is not published (facts.md), so every generated amount is marked illustrative; the generator
calibrates them to the public figures:

- fieldlab funding 2015–2019 over all five sources totals exactly €314M (Dialogic 2021);
- fieldlabs are funded only in the years they exist (10 in 2015 … 41 in 2019, from fieldlabs.csv);
- the private share (companies) is near the published 42% (TNO 2017); knowledge institutions about 9–10%;
- cumulative totals follow TNO's counts (€163M by 2017, €240M by early 2019) as far as the year counts allow;
- EU money goes mainly to the first call (co-financed by ERDF), national money grows with the 2017 EZK scheme.

Published anchors are written as they are: Smart Bending Factory €2M ERDF and SMITZH's EZK €0.7M,
MRDH €0.75M and The Hague €1M.
"""

import csv
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "reference_data"
TOTAL = Decimal("314000000.00")
YEARS = range(2015, 2020)
SEED = 2021  # the year of the evaluation; any fixed value would do
BASE_SHARES = {"companies": 0.42, "national": 0.19, "regional": 0.20, "knowledge": 0.095, "eu": 0.095}
COMPANY_CASH_SHARE = 0.55  # the rest of the companies' contribution is in kind
ILLUSTRATIVE = "Illustrative: the split of the €314M (Dialogic 2021) by source, year and fieldlab is not published"
SKILLS_WORDS = ("skill", "learning", "vakmanschap", "leven lang")

ANCHORS = [
    # recipient_kind, recipient, year, source, funder, amount, kind, activity, provenance_source
    (
        "fieldlab",
        "smart-bending-factory",
        2015,
        "eu",
        "erdf",
        "2000000.00",
        "cash",
        "fieldlab-experimentation",
        "facts.md: among the first ten fieldlabs, €2M ERDF; booked in 2015, the year of the first call",
    ),
    (
        "hub",
        "zuid-holland",
        2018,
        "national",
        "ezk",
        "700000.00",
        "cash",
        "regional-activation",
        "facts.md, hubs table: SMITZH, EZK €0.7M; booked in 2018, the first year after its founding end 2017",
    ),
    (
        "hub",
        "zuid-holland",
        2018,
        "regional",
        "mrdh",
        "750000.00",
        "cash",
        "regional-activation",
        "facts.md, hubs table: SMITZH, MRDH €0.75M; booked in 2018, the first year after its founding end 2017",
    ),
    (
        "hub",
        "zuid-holland",
        2018,
        "regional",
        "gemeente-den-haag",
        "1000000.00",
        "cash",
        "regional-activation",
        "facts.md, hubs table: SMITZH, The Hague €1M; booked in 2018, the first year after its founding end 2017",
    ),
]


def euros(value) -> Decimal:
    return Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP).quantize(Decimal("0.01"))


def fieldlab_cells(rng: random.Random) -> dict:
    """(slug, year, source, funder, kind, activity) -> raw weight, for every fieldlab-year 2015–2019."""
    with open(DATA / "fieldlabs.csv", newline="") as f:
        fieldlabs = list(csv.DictReader(f))
    cells = {}
    for fl in fieldlabs:
        start = int(fl["start_year"])
        scale = rng.lognormvariate(0, 0.45) * (3.0 if fl["slug"] == "region-of-smart-factories" else 1.0)
        if start == 2015:
            scale *= 1.4  # the first call: larger, ERDF co-financed projects
        shares = {s: v * rng.uniform(0.7, 1.3) for s, v in BASE_SHARES.items()}
        if start > 2015 and rng.random() < 0.5:
            shares["eu"] = 0.0  # ERDF co-financed the first call; later fieldlabs only sometimes
        skills = any(w in (fl["theme"] + fl["name"]).lower() for w in SKILLS_WORDS) or fl["tno_type"] == "3"
        activity = "skills-development" if skills else "fieldlab-experimentation"
        regional_funder = f"provincie-{fl['province']}" if fl["province"] else "regionale-overheden"
        knowledge_funder = "tno" if fl["tno_type"] == "1" else "kennisinstellingen"
        for year in YEARS:
            if year < start:
                continue
            age = year - start
            ramp = (0.9, 1.1, 1.0, 0.9, 0.8)[min(age, 4)]
            for source, share in shares.items():
                weight = scale * ramp * share
                if source == "national" and year < 2017:
                    weight *= 0.5  # the EZK fieldlab scheme started in 2017
                if weight == 0:
                    continue
                if source == "companies":
                    cells[(fl["slug"], year, source, "bedrijven", "cash", activity)] = weight * COMPANY_CASH_SHARE
                    cells[(fl["slug"], year, source, "bedrijven", "in_kind", activity)] = weight * (
                        1 - COMPANY_CASH_SHARE
                    )
                elif source == "knowledge":
                    cells[(fl["slug"], year, source, knowledge_funder, "in_kind", activity)] = weight
                elif source == "regional":
                    cells[(fl["slug"], year, source, regional_funder, "cash", activity)] = weight
                elif source == "national":
                    cells[(fl["slug"], year, source, "ezk", "cash", activity)] = weight
                else:
                    cells[(fl["slug"], year, source, "erdf", "cash", activity)] = weight
    return cells


def main() -> None:
    rng = random.Random(SEED)
    rows = []
    anchor_keys = {(a[1], a[2], a[3], a[4], a[6]) for a in ANCHORS if a[0] == "fieldlab"}
    anchored_total = sum(Decimal(a[5]) for a in ANCHORS if a[0] == "fieldlab")
    cells = {k: v for k, v in fieldlab_cells(rng).items() if (k[0], k[1], k[2], k[3], k[4]) not in anchor_keys}
    factor = float(TOTAL - anchored_total) / sum(cells.values())
    amounts = {k: euros(v * factor) for k, v in cells.items()}
    # Rounding leaves a few euros over or short: put them on the largest cell so the total is exact.
    largest = max(amounts, key=amounts.get)
    amounts[largest] += TOTAL - anchored_total - sum(amounts.values())
    for (slug, year, source, funder, kind, activity), amount in sorted(amounts.items()):
        rows.append(["fieldlab", slug, year, source, funder, amount, kind, activity, "illustrative", ILLUSTRATIVE])

    # Hubs (from 2018) and the bureau: small illustrative budgets beside the published SMITZH anchors.
    hub_regional = {
        "noord": "provincie-groningen",
        "oost": "provincie-gelderland",
        "zuid-holland": "provincie-zuid-holland",
        "zuid": "provincie-noord-brabant",
        "noordwest": "provincie-noord-holland",
    }
    hub_note = "Illustrative: hub budgets per source and year are not published"
    for hub, regional_funder in hub_regional.items():
        for year in (2018, 2019):
            if not (hub == "zuid-holland" and year == 2018):  # published anchors cover SMITZH's first year
                rows.append(
                    [
                        "hub",
                        hub,
                        year,
                        "national",
                        "ezk",
                        euros(rng.uniform(4e5, 8e5)),
                        "cash",
                        "regional-activation",
                        "illustrative",
                        hub_note,
                    ]
                )
                rows.append(
                    [
                        "hub",
                        hub,
                        year,
                        "regional",
                        regional_funder,
                        euros(rng.uniform(4e5, 9e5)),
                        "cash",
                        "regional-activation",
                        "illustrative",
                        hub_note,
                    ]
                )
            rows.append(
                [
                    "hub",
                    hub,
                    year,
                    "companies",
                    "bedrijven",
                    euros(rng.uniform(1e5, 3e5)),
                    "in_kind",
                    "regional-activation",
                    "illustrative",
                    hub_note,
                ]
            )
    bureau_note = "Illustrative: the programme bureau's budget per year is not published"
    for year in YEARS:
        rows.append(
            [
                "bureau",
                "programmabureau",
                year,
                "national",
                "ezk",
                euros(rng.uniform(1.8e6, 2.6e6)),
                "cash",
                "programme-coordination",
                "illustrative",
                bureau_note,
            ]
        )
        rows.append(
            [
                "bureau",
                "programmabureau",
                year,
                "companies",
                "coalitiepartners-bedrijfsleven",
                euros(rng.uniform(2e5, 4e5)),
                "in_kind",
                "awareness-agenda-setting",
                "illustrative",
                bureau_note,
            ]
        )
        if year >= 2018:  # action line 5, data sharing, from the 2018 implementation agenda
            rows.append(
                [
                    "bureau",
                    "programmabureau",
                    year,
                    "knowledge",
                    "tno",
                    euros(rng.uniform(3e5, 6e5)),
                    "cash",
                    "ict-preconditions",
                    "illustrative",
                    bureau_note,
                ]
            )
    for kind_, recipient, year, source, funder, amount, cash, activity, note in ANCHORS:
        rows.append([kind_, recipient, year, source, funder, Decimal(amount), cash, activity, "published", note])

    header = [
        "recipient_kind",
        "recipient",
        "year",
        "source",
        "funder",
        "amount",
        "kind",
        "activity_type",
        "provenance",
        "provenance_source",
    ]
    with open(DATA / "funding.csv", "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)

    per_source = defaultdict(Decimal)
    for row in rows:
        if row[0] == "fieldlab":
            per_source[row[3]] += row[5]
    fieldlab_total = sum(per_source.values())
    print(f"{len(rows)} records; fieldlab total {fieldlab_total}")
    for source, amount in sorted(per_source.items()):
        print(f"  {source:10} {amount:>16} {amount / fieldlab_total:6.1%}")


if __name__ == "__main__":
    main()
