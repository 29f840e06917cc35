"""Synthetic volume for benchmarks: fieldlabs and funding records spread like real data, bulk-loaded, illustrative.

The records spread over every year from ``start_year`` to ``end_year``, every source, every recipient kind (the
fieldlabs, the hubs and the bureau: funding/fields.py ``RECIPIENT_MODELS``), funders of the record's own source, cash
and in kind, planned and realised, a mix of workflow statuses (mostly approved) and the activity types. The order is
scrambled but deterministic (devtools/spread.py): two runs on equal databases give equal data. Rows go in with
``COPY`` on PostgreSQL (devtools/bulk.py), history rows included; every database constraint holds.
"""

from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from core.models import Provenance
from devtools.bulk import bulk_load
from devtools.spread import Spread, mix
from funding.choices import FundingKind, Realisation, RecordStatus, Source
from funding.fields import RECIPIENT_MODELS
from funding.models import Funder, FundingRecord
from funding.rollups import funding_rollups_rebuild
from registry.models import Fieldlab, Hub, ProgrammeBureau

SYNTHETIC = "Synthetic scale data from `manage.py generate_scale_data`, for benchmarks only"
FUNDERS_PER_SOURCE = 20
BATCH = 5000
BIG_LOAD = 100_000  # from this many records on, the plain indexes are built after the load (devtools/bulk.py)
START_YEAR, END_YEAR = 2015, 2026
# Workflow statuses by share in percent: most records are approved, the rest are on their way or sent back.
STATUS_SHARES = (
    (RecordStatus.APPROVED, 80),
    (RecordStatus.SUBMITTED, 9),
    (RecordStatus.DRAFT, 7),
    (RecordStatus.RETURNED, 4),
)
ACTIVITY_TYPE_SHARE = 85  # percent of records that name an activity type (when any exist)


def status_of(draw: int) -> str:
    draw %= 100
    for status, share in STATUS_SHARES:
        if draw < share:
            return status
        draw -= share
    return RecordStatus.APPROVED


def review_fields(status: str, now) -> dict:
    """The review fields a record in this status has after going through the workflow."""
    fields = {"status": status}
    if status != RecordStatus.DRAFT:
        fields["submitted_at"] = now
    if status in (RecordStatus.APPROVED, RecordStatus.RETURNED):
        fields["reviewed_at"] = now
    if status == RecordStatus.RETURNED:
        fields["review_comment"] = "Synthetic: please check the amount."
    return fields


def _fieldlabs_create(count: int, hubs: list, start_year: int) -> list:
    offset = Fieldlab.objects.filter(slug__startswith="scale-").count()
    new = [
        Fieldlab(
            name=f"Synthetic fieldlab {offset + i:06d}",
            slug=f"scale-{offset + i:06d}",
            theme="Synthetic",
            hub=hubs[i % len(hubs)],
            start_year=start_year,
            tno_type=1 + i % 4,
            provenance=Provenance.ILLUSTRATIVE,
            provenance_source=SYNTHETIC,
        )
        for i in range(count)
    ]
    bulk_create_with_history(new, Fieldlab, batch_size=BATCH)
    return list(Fieldlab.objects.filter(slug__in=[f.slug for f in new]).order_by("slug"))


def _funders_create(run: int) -> dict[str, list[int]]:
    """FUNDERS_PER_SOURCE new funders per source for this run: a run's records never collide with an earlier run's,
    because the funder is part of a record's unique key."""
    by_source = {}
    for source in Source.values:
        funders = [
            Funder(
                slug=f"scale-r{run}-{source}-{n:02d}",
                name=f"Synthetic {source} funder r{run}-{n:02d}",
                source=source,
                provenance_source=SYNTHETIC,
            )
            for n in range(FUNDERS_PER_SOURCE)
        ]
        bulk_create_with_history(funders, Funder, batch_size=BATCH)
        by_source[source] = list(
            Funder.objects.filter(slug__startswith=f"scale-r{run}-{source}-")
            .order_by("slug")
            .values_list("pk", flat=True)
        )
    return by_source


@transaction.atomic
def scale_data_generate(
    *, fieldlabs: int, records: int, start_year: int = START_YEAR, end_year: int = END_YEAR
) -> dict[str, int]:
    """Add ``fieldlabs`` synthetic fieldlabs and ``records`` funding records spread over every recipient.

    Raises ValueError when the request is impossible (no fieldlab, or more records than distinct keys).
    """
    if fieldlabs < 1 or records < 0:
        raise ValueError("Need at least one fieldlab and a non-negative number of records.")
    if end_year < start_year:
        raise ValueError("The end year comes before the start year.")
    hubs = list(Hub.objects.order_by("slug")) or [
        Hub.objects.create(name="Synthetic hub", slug="synthetic-hub", founded_year=2018, provenance_source=SYNTHETIC)
    ]
    bureau = ProgrammeBureau.objects.first() or ProgrammeBureau.objects.create(
        name="Synthetic programme bureau", slug="synthetic-bureau", founded_year=2018, provenance_source=SYNTHETIC
    )
    created_fieldlabs = _fieldlabs_create(fieldlabs, hubs, start_year)
    run = Funder.objects.filter(slug__startswith="scale-r", provenance_source=SYNTHETIC).count() // (
        FUNDERS_PER_SOURCE * len(Source.values)
    )
    funders = _funders_create(run)

    # Every recipient the model allows, each with the foreign key that names it.
    all_fieldlabs = list(Fieldlab.objects.order_by("pk").values_list("pk", flat=True))
    recipients = [("fieldlab_id", pk) for pk in all_fieldlabs] + [("hub_id", hub.pk) for hub in hubs]
    recipients.append(("bureau_id", bureau.pk))
    assert {name.removesuffix("_id") for name, _pk in recipients} == set(map(str, RECIPIENT_MODELS)), recipients
    activity_types = list(
        FundingRecord.activity_type.field.related_model.objects.order_by("pk").values_list("pk", flat=True)
    )
    years = list(range(start_year, end_year + 1))
    sources = Source.values
    kinds, realisations = FundingKind.values, Realisation.values
    spread = Spread([len(years), len(sources), len(recipients), len(kinds), len(realisations), FUNDERS_PER_SOURCE])
    if records > spread.capacity:
        raise ValueError(
            f"Only {spread.capacity} unique records fit {len(recipients)} recipients; ask for more fieldlabs."
        )
    now = created_fieldlabs[0].created_at

    def rows():
        for index in range(records):
            year, source, recipient, kind, realisation, funder = spread.key(index)
            draw = mix(index)
            source_code = sources[source]
            field, pk = recipients[recipient]
            row = {
                field: pk,
                "year": years[year],
                "source": source_code,
                "funder_id": funders[source_code][funder],
                "amount": Decimal(1000 + draw % 250_000),
                "kind": kinds[kind],
                "realisation": realisations[realisation],
                "provenance": Provenance.ILLUSTRATIVE,
                "provenance_source": SYNTHETIC,
                **review_fields(status_of(draw >> 8), now),
            }
            if activity_types and (draw >> 16) % 100 < ACTIVITY_TYPE_SHARE:
                row["activity_type_id"] = activity_types[(draw >> 20) % len(activity_types)]
            yield row

    made = bulk_load(FundingRecord, rows(), big=records >= BIG_LOAD)
    # The load sends no save signals, so the rollups of approved funding (funding/rollups.py) are rebuilt from the
    # records, in this transaction, as `manage.py rebuild_rollups` does.
    funding_rollups_rebuild()
    return {"fieldlabs": len(created_fieldlabs), "records": made, "recipients": len(recipients)}
