"""Load the committed reference dataset (reference_data/*.yaml, *.csv) into the database.

Idempotent: a record that exists already (by its natural key) is left as it is, so a second run changes nothing
and a bureau's later edits survive; `update=True` overwrites differing fields from the files instead. Every row
goes through full validation and is written with its history entry, like any other write.
"""

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.db import models, transaction

from smartindustry.services import audited_save

REFERENCE_DIR = Path(settings.BASE_DIR) / "reference_data"
REASON = "reference data"


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: str, model: type[models.Model]) -> None:
        counts = getattr(self, bucket)
        name = model._meta.object_name
        counts[name] = counts.get(name, 0) + 1

    def merge(self, bucket: str, counts: dict[str, int]) -> None:
        target = getattr(self, bucket)
        for name, n in counts.items():
            target[name] = target.get(name, 0) + n

    @property
    def changed_anything(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))


def read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_yaml(name: str) -> dict:
    with open(REFERENCE_DIR / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


def ensure(
    model: type[models.Model],
    key: dict,
    values: dict,
    *,
    existing: dict | None = None,
    report: LoadReport,
    actor=None,
    update: bool = False,
) -> models.Model:
    """Create the record with this natural key, or (with update) bring an existing one in line with the file."""
    instance = existing.get(tuple(key.values())) if existing is not None else model.objects.filter(**key).first()
    if instance is None:
        # The database enforces every constraint on insert; previewing each in Python costs a query apiece.
        instance = audited_save(model(**key, **values), actor=actor, reason=REASON, validate_constraints=False)
        report.count("created", model)
        return instance
    differing = {name: value for name, value in values.items() if getattr(instance, name) != value}
    if update and differing:
        for name, value in differing.items():
            setattr(instance, name, value)
        audited_save(instance, actor=actor, reason=REASON + " (updated)", validate_constraints=False)
        report.count("updated", model)
    else:
        report.count("unchanged", model)
    return instance


def _provenance(row: dict) -> dict:
    return {"provenance": row["provenance"], "provenance_source": row.get("provenance_source", "") or ""}


def registry_reference_load(*, report: LoadReport, actor=None, update: bool = False) -> None:
    from evaluation.models import ActivityType

    from .models import Fieldlab, Hub, Partner, ProgrammeBureau, Province

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
                **_provenance(row),
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
            **_provenance(bureau),
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
                **_provenance(row),
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
                **_provenance(row),
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
                **_provenance(row),
            },
            existing=existing,
            report=report,
            actor=actor,
            update=update,
        )


def funding_reference_load(*, report: LoadReport, actor=None, update: bool = False) -> None:
    from evaluation.models import ActivityType
    from funding.choices import Realisation, RecordStatus
    from funding.fields import RECIPIENT_MODELS
    from funding.models import Funder, FundingRecord

    from .models import Province

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
                **_provenance(row),
            },
            report=report,
            actor=actor,
            update=update,
        )

    # Every recipient by kind and slug, read once (funding.fields names the kinds and their models).
    recipients = {kind: {r.slug: r for r in model.objects.all()} for kind, model in RECIPIENT_MODELS.items()}
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
                **_provenance(row),
            },
            existing=existing,
            report=report,
            actor=actor,
            update=update,
        )


@transaction.atomic
def reference_data_load(*, actor=None, update: bool = False) -> LoadReport:
    """Load everything, all or nothing."""
    from evaluation.reference_data import evaluation_reference_load

    report = LoadReport()
    registry_reference_load(report=report, actor=actor, update=update)
    funding_reference_load(report=report, actor=actor, update=update)
    report.merge("created", evaluation_reference_load(actor=actor))
    return report
