"""Synthetic volume for benchmarks: many fieldlabs and funding records, bulk-loaded and marked illustrative."""

import itertools
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from registry.models import Fieldlab, Hub
from smartindustry.models import Provenance

from .choices import FundingKind, Realisation, RecordStatus, Source
from .models import Funder, FundingRecord
from .rollups import funding_rollup_apply

SYNTHETIC = "Synthetic scale data from `manage.py generate_scale_data`, for benchmarks only"
FUNDERS_PER_SOURCE = 20
BATCH = 5000


def _insert(batch: list[FundingRecord]) -> None:
    # bulk_create sends no signals: the rollups are kept by hand, in this transaction, once per batch.
    bulk_create_with_history(batch, FundingRecord, batch_size=BATCH)
    funding_rollup_apply(added=batch)


@transaction.atomic
def scale_data_generate(*, fieldlabs: int, records: int, start_year: int = 2015) -> dict[str, int]:
    """Add `fieldlabs` synthetic fieldlabs and `records` approved funding records spread over them.

    Deterministic (amounts follow a fixed pattern), so two runs on empty databases give the same data.
    """
    if fieldlabs < 1 or records < 0:
        raise ValueError("Need at least one fieldlab and a non-negative number of records.")
    hubs = list(Hub.objects.order_by("slug")) or [
        Hub.objects.create(name="Synthetic hub", slug="synthetic-hub", founded_year=2018, provenance_source=SYNTHETIC)
    ]
    offset = Fieldlab.objects.filter(slug__startswith="scale-").count()
    new_fieldlabs = [
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
        for i in range(fieldlabs)
    ]
    created_fieldlabs = bulk_create_with_history(new_fieldlabs, Fieldlab, batch_size=BATCH)
    if not created_fieldlabs[0].pk:  # backends without RETURNING on bulk insert
        created_fieldlabs = list(Fieldlab.objects.filter(slug__in=[f.slug for f in new_fieldlabs]).order_by("slug"))

    funders = []
    for source in Source.values:
        for n in range(FUNDERS_PER_SOURCE):
            funder, _created = Funder.objects.get_or_create(
                slug=f"scale-{source}-{n:02d}",
                defaults={
                    "name": f"Synthetic {source} funder {n:02d}",
                    "source": source,
                    "provenance_source": SYNTHETIC,
                },
            )
            funders.append(funder)

    # Walk the unique key space (funder × kind × realisation × year) per fieldlab, so no row collides.
    combos = itertools.product(
        range(2040 - start_year + 1), funders, FundingKind.values, Realisation.values, created_fieldlabs
    )
    batch, made = [], 0
    for index, (year_offset, funder, kind, realisation, fieldlab) in enumerate(combos):
        if made >= records:
            break
        batch.append(
            FundingRecord(
                fieldlab=fieldlab,
                year=start_year + year_offset,
                source=funder.source,
                funder=funder,
                amount=Decimal(1000 + (index * 7919) % 250000),
                kind=kind,
                realisation=realisation,
                status=RecordStatus.APPROVED,
                provenance=Provenance.ILLUSTRATIVE,
                provenance_source=SYNTHETIC,
            )
        )
        made += 1
        if len(batch) >= BATCH:
            _insert(batch)
            batch = []
    if batch:
        _insert(batch)
    if made < records:
        raise ValueError(f"Only {made} unique records fit {fieldlabs} fieldlabs; ask for more fieldlabs.")
    return {"fieldlabs": len(created_fieldlabs), "records": made}
