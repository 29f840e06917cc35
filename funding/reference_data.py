"""Load funding's part of the committed reference dataset: funders (funders.csv) and funding records
(funding.csv, loaded as approved: they are the evaluation's accepted figures).

Runs after the registry's loader (recipients must exist) and after the activity types, which the caller hands in:
activity types are the evaluation's, and funding does not import the evaluation. The records are written with the
shared loader's audited saves (core.reference_data.ensure), past funding's services: the loader moves the
approved-funding rollups itself, once for everything it created or changed, in the same transaction.
"""

__all__ = ["funding_reference_load"]

from decimal import Decimal

from django.db import transaction

from core.reference_data import LoadReport, ensure, provenance, read_csv
from registry.models import Province

from .choices import Realisation, RecordStatus
from .fields import RECIPIENT_MODELS
from .models import Funder, FundingRecord
from .rollups import funding_rollup_apply


@transaction.atomic
def funding_reference_load(*, report: LoadReport, activity_types: dict, actor=None, update: bool = False) -> None:
    """Funders and funding records; ``activity_types`` maps the codes in funding.csv to ActivityType rows."""
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

    # Every recipient by kind and slug, read once (funding.fields names the kinds and their models).
    recipients = {kind: {r.slug: r for r in model.objects.all()} for kind, model in RECIPIENT_MODELS.items()}
    existing = {
        (r.fieldlab_id, r.hub_id, r.bureau_id, r.year, r.source, r.funder_id, r.kind, r.realisation): r
        for r in FundingRecord.objects.all()
    }
    counted_before = {r.pk: r.rollup_contribution() for r in existing.values()}
    written: dict[int, FundingRecord] = {}  # by pk: a record the files name twice counts once
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
        record = ensure(
            FundingRecord,
            key,
            {
                "amount": Decimal(row["amount"]),
                "activity_type": activity_types[row["activity_type"]] if row["activity_type"] else None,
                # Reference records are the evaluation's accepted figures: they load as approved.
                "status": RecordStatus.APPROVED,
                **provenance(row),
            },
            existing=existing,
            report=report,
            actor=actor,
            update=update,
        )
        written[record.pk] = record
    # An unchanged record takes out what it puts in: only what the load created or changed moves a rollup.
    funding_rollup_apply(removed=[counted_before.get(pk) for pk in written], added=written.values())
