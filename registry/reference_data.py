"""Load the registry's part of the committed reference dataset: partners, the bureau, provinces, hubs and
fieldlabs.

The shared reading and writing helpers live in core.reference_data. The funding and evaluation loaders
build on this one; it imports neither. `manage.py load_reference_data` runs them all, in order, in one transaction
(evaluation.reference_data.reference_data_load).
"""

__all__ = ["registry_reference_load"]

from core.reference_data import LoadReport, ensure, provenance, read_csv, read_yaml

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
