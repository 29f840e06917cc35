"""Write reference_data/evaluation_measurements.csv (the reference output figures) and
reference_data/evaluation_participations.csv (which illustrative company took part in which fieldlab), deterministically.

Run once by a maintainer (`python scripts/generate_reference_measurements.py`) after funding.csv; the output is
committed and is what `manage.py load_reference_data` reads. No randomness: yearly totals are spread over the
fieldlabs in proportion to their funding for that activity in that year (largest remainder, ties by slug).

Calibration (facts.md):
- companies newly reached through fieldlabs 2015–2019 add up to 600 (about 550 unique companies per Dialogic,
  680+ per the ministerial letter, about 600 per TNO March 2019);
- people trained in fieldlabs add up to 10,200 by 2020 (">10,000 people trained", programme bureau April 2021);
  skills started late (first in 2017), as the evaluation notes;
- SMITZH (hub zuid-holland) reached 2,360 companies in 2018–2019 (">2,350 companies reached");
- BOOST (hub oost) granted 232 vouchers (the year is not published; the 2018/2019 split is illustrative).
- the participations repeat the fieldlab reach company by company: 600 company×fieldlab pairs, of which every
  REUSE_EVERY-th is a company already met in another fieldlab, so about 555 unique companies remain (Dialogic:
  about 550 unique companies; a company in three fieldlabs counts once).
The split by year, fieldlab and hub is not published: every row is illustrative except where it carries a
published total, and even then its yearly split is illustrative, so every row is marked illustrative.
"""

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "reference_data"
NOTE = "Illustrative split; total calibrated to a published figure (facts.md: {})"
PROGRAMME_NOTE = "Illustrative: no published yearly figure"
PARTICIPATION_NOTE = "Illustrative company; reach calibrated to about 550 unique companies in fieldlabs (Dialogic 2021)"
REUSE_EVERY = 13  # one participation in 13 is a company already active in another fieldlab
SIZE_CLASSES = ["small", "micro", "medium", "small", "large", "medium"]

FIELDLAB_REACH = {2015: 40, 2016: 90, 2017: 140, 2018: 160, 2019: 170}  # = 600
PEOPLE_TRAINED = {2017: 600, 2018: 2400, 2019: 3800, 2020: 3400}  # = 10,200
HUB_REACH = {  # hub: {year: companies}
    "zuid-holland": {2018: 900, 2019: 1460},  # SMITZH >2,350
    "noord": {2018: 60, 2019: 150},
    "oost": {2018: 180, 2019: 220},
    "zuid": {2018: 250, 2019: 350},
    "noordwest": {2018: 120, 2019: 190},
}
VOUCHERS = {"oost": {2018: 100, 2019: 132}}  # BOOST: 232
AWARENESS_EVENTS = {2015: 30, 2016: 44, 2017: 46, 2018: 48, 2019: 50}
DATA_STANDARDS = {2018: 1, 2019: 2}


def spread(total: int, weights: dict[str, Decimal]) -> dict[str, int]:
    """Split an integer total over keys in proportion to weights; largest remainder, ties broken by key."""
    weight_sum = sum(weights.values())
    exact = {k: Decimal(total) * w / weight_sum for k, w in weights.items()}
    shares = {k: int(v) for k, v in exact.items()}
    left = total - sum(shares.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - shares[k]), k))[:left]:
        shares[k] += 1
    return shares


def main() -> None:
    funding = defaultdict(Decimal)  # (activity, year, fieldlab) → amount
    with open(DATA / "funding.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["recipient_kind"] == "fieldlab":
                funding[(row["activity_type"], int(row["year"]), row["recipient"])] += Decimal(row["amount"])

    def weights(activity: str, year: int) -> dict[str, Decimal]:
        return {fl: amount for (a, y, fl), amount in funding.items() if a == activity and y == year}

    rows = []

    def add(activity, indicator, year, place_kind, place, value, note):
        rows.append(
            {
                "activity_type": activity,
                "indicator": indicator,
                "year": year,
                "fieldlab": place if place_kind == "fieldlab" else "",
                "hub": place if place_kind == "hub" else "",
                "value": value,
                "provenance": "illustrative",
                "provenance_source": note,
            }
        )

    for year, total in FIELDLAB_REACH.items():
        for fl, n in sorted(spread(total, weights("fieldlab-experimentation", year)).items()):
            add("fieldlab-experimentation", "companies-reached-fieldlabs", year, "fieldlab", fl, n,
                NOTE.format("about 550–680 companies reached through fieldlabs"))  # fmt: skip
    for year, total in PEOPLE_TRAINED.items():
        # No skills funding is recorded after 2019: the 2020 figure goes to the fieldlabs funded in 2019.
        for fl, n in sorted(spread(total, weights("skills-development", min(year, 2019))).items()):
            add("skills-development", "people-trained", year, "fieldlab", fl, n,
                NOTE.format(">10,000 people trained, programme bureau April 2021"))  # fmt: skip
    for hub, years in HUB_REACH.items():
        for year, n in years.items():
            note = NOTE.format("SMITZH >2,350 companies reached") if hub == "zuid-holland" else PROGRAMME_NOTE
            add("regional-activation", "companies-reached-hubs", year, "hub", hub, n, note)
    for hub, years in VOUCHERS.items():
        for year, n in years.items():
            add("regional-activation", "vouchers", year, "hub", hub, n, NOTE.format("BOOST vouchers to 232 companies"))
    for year, n in AWARENESS_EVENTS.items():
        add("awareness-agenda-setting", "awareness-events", year, "", "", n, PROGRAMME_NOTE)
    for year, n in DATA_STANDARDS.items():
        add("ict-preconditions", "data-standards", year, "", "", n, PROGRAMME_NOTE)

    with open(DATA / "evaluation_measurements.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} measurements")

    participations = participations_for(
        [(r["year"], r["fieldlab"], r["value"]) for r in rows if r["indicator"] == "companies-reached-fieldlabs"]
    )
    with open(DATA / "evaluation_participations.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(participations[0]))
        writer.writeheader()
        writer.writerows(participations)
    unique = len({p["company"] for p in participations})
    print(f"wrote {len(participations)} participations of {unique} unique companies")


def participations_for(reach: list[tuple[int, str, int]]) -> list[dict]:
    """One participation per company newly reached by a fieldlab in a year; some companies join a second or third."""
    companies: list[tuple[str, set[str]]] = []  # (name, fieldlabs it is in), in order of first appearance
    out, slot, reuse_from = [], 0, 0
    for year, fieldlab, n in sorted(reach):
        for _ in range(n):
            slot += 1
            chosen = None
            if slot % REUSE_EVERY == 0:
                for index in range(reuse_from, len(companies)):
                    name, labs = companies[index]
                    if fieldlab not in labs and len(labs) < 3:
                        chosen = companies[index]
                        reuse_from = index + 1
                        break
            if chosen is None:
                number = len(companies) + 1
                chosen = (f"Illustratief bedrijf {number:04d}", set())
                companies.append(chosen)
            chosen[1].add(fieldlab)
            size = SIZE_CLASSES[int(chosen[0][-4:]) % len(SIZE_CLASSES)]
            out.append(
                {
                    "company": chosen[0],
                    "size_class": size,
                    "fieldlab": fieldlab,
                    "year": year,
                    "support_type": "experiment",
                    "provenance": "illustrative",
                    "provenance_source": PARTICIPATION_NOTE,
                }
            )
    return out


if __name__ == "__main__":
    main()
