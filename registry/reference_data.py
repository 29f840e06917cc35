"""Load the registry's and funding's part of the committed reference dataset: partners, the bureau, provinces,
hubs, activity types, fieldlabs, funders and funding records.

The shared reading and writing helpers live in smartindustry.reference_data. The evaluation's loader
(evaluation/reference_data.py) runs after this one and builds on it; this module does not import it.
`manage.py load_reference_data` runs them all, in order, in one transaction
(evaluation.reference_data.reference_data_load).
"""

__all__ = ["funding_reference_load", "registry_reference_load"]

from decimal import Decimal

from evaluation.models import ActivityType
from funding.choices import Realisation, RecordStatus
from funding.models import Funder, FundingRecord
from smartindustry.reference_data import LoadReport, ensure, provenance, read_csv, read_yaml

from .models import Fieldlab, Hub, Partner, ProgrammeBureau, Province


def registry_reference_load(*, report: LoadReport, actor=None, update: bool = False) -> None:
    data = read_yaml("organisations.yaml")
    for row in data["partners"]:
        ensure(
            Partner,
            {"slug": row["slug"]},
            {
                "short_name": row["short_name"],
                "name": row["name"],
                "kind": row["kind"],
                "joined_year": row["joined_year"],
                **provenance(row),
            },
            report=report,
            actor=actor,
            update=update,
        )
    bureau = data["bureau"]
    ensure(
        ProgrammeBureau,
        {"slug": bureau["slug"]},
        {
            "name": bureau["name"],
            "founded_year": bureau["founded_year"],
            "description": bureau.get("description", ""),
            **provenance(bureau),
        },
        report=report,
        actor=actor,
        update=update,
    )
    provinces = {}
    for name, slug, code in data["provinces"]:
        provinces[slug] = ensure(
            Province, {"slug": slug}, {"name": name, "code": code}, report=report, actor=actor, update=update
        )
    hubs = {}
    for row in data["hubs"]:
        hub = ensure(
            Hub,
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "short_name": row.get("short_name", ""),
                "founded_year": row["founded_year"],
                "coordinating_organisation": row.get("coordinating_organisation", ""),
                **provenance(row),
            },
            report=report,
            actor=actor,
            update=update,
        )
        wanted = {provinces[slug].pk for slug in row["provinces"]}
        if set(hub.provinces.values_list("pk", flat=True)) != wanted and (update or not hub.provinces.exists()):
            hub.provinces.set(wanted)
        hubs[row["slug"]] = hub

    for row in read_csv("activity_types.csv"):
        ensure(
            ActivityType,
            {"code": row["code"]},
            {
                "name": row["name"],
                "lead_level": row["lead_level"],
                "sort_order": int(row["sort_order"]),
                "target_groups": row["target_groups"],
                **provenance(row),
            },
            report=report,
            actor=actor,
            update=update,
        )

    existing = {(f.slug,): f for f in Fieldlab.objects.all()}
    for row in read_csv("fieldlabs.csv"):
        ensure(
            Fieldlab,
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "theme": row["theme"],
                "tno_type": int(row["tno_type"]) if row["tno_type"] else None,
                "city": row["city"],
                "province": provinces[row["province"]] if row["province"] else None,
                "hub": hubs[row["hub"]] if row["hub"] else None,
                "start_year": int(row["start_year"]),
                "end_year": int(row["end_year"]) if row["end_year"] else None,
                "status": row["status"],
                **provenance(row),
            },
            existing=existing,
            report=report,
            actor=actor,
            update=update,
        )


def funding_reference_load(*, report: LoadReport, actor=None, update: bool = False) -> None:
    provinces = {p.slug: p for p in Province.objects.all()}
    funders = {}
    for row in read_csv("funders.csv"):
        funders[row["slug"]] = ensure(
            Funder,
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "source": row["source"],
                "kind": row["kind"],
                "province": provinces[row["province"]] if row["province"] else None,
                **provenance(row),
            },
            report=report,
            actor=actor,
            update=update,
        )

    recipients = {
        "fieldlab": {f.slug: f for f in Fieldlab.objects.all()},
        "hub": {h.slug: h for h in Hub.objects.all()},
        "bureau": {b.slug: b for b in ProgrammeBureau.objects.all()},
    }
    activities = {a.code: a for a in ActivityType.objects.all()}
    existing = {
        (r.fieldlab_id, r.hub_id, r.bureau_id, r.year, r.source, r.funder_id, r.kind, r.realisation): r
        for r in FundingRecord.objects.all()
    }
    for row in read_csv("funding.csv"):
        recipient = recipients[row["recipient_kind"]][row["recipient"]]
        funder = funders[row["funder"]] if row["funder"] else None
        ids = {
            kind: (recipient.pk if kind == row["recipient_kind"] else None) for kind in ("fieldlab", "hub", "bureau")
        }
        key = {
            "fieldlab_id": ids["fieldlab"],
            "hub_id": ids["hub"],
            "bureau_id": ids["bureau"],
            "year": int(row["year"]),
            "source": row["source"],
            "funder_id": funder.pk if funder else None,
            "kind": row["kind"],
            "realisation": row.get("realisation") or Realisation.REALISED,
        }
        ensure(
            FundingRecord,
            key,
            {
                "amount": Decimal(row["amount"]),
                "activity_type": activities[row["activity_type"]] if row["activity_type"] else None,
                # Reference records are the evaluation's accepted figures: they load as approved.
                "status": RecordStatus.APPROVED,
                **provenance(row),
            },
            existing=existing,
            report=report,
            actor=actor,
            update=update,
        )
