"""Reads that join or aggregate funding. All sums are computed by the database."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from core.constants import EVALUATION_YEAR_MAX, EVALUATION_YEAR_MIN
from registry.models import Fieldlab, Hub

from .choices import RecipientKind, RecordStatus, Source, source_colour
from .models import FundingRecord, FundingRollupTotal, FundingStatusCount

ZERO = Decimal("0.00")


def approved_fieldlab_funding(*, year_min: int | None = None, year_max: int | None = None):
    qs = FundingRecord.objects.approved().for_recipient_kind(RecipientKind.FIELDLAB)
    if year_min is not None:
        qs = qs.filter(year__gte=year_min)
    if year_max is not None:
        qs = qs.filter(year__lte=year_max)
    return qs


def funding_overview(*, year_min: int = EVALUATION_YEAR_MIN, year_max: int = EVALUATION_YEAR_MAX) -> dict:
    """Headline figures: approved fieldlab funding in the window, by source and by year.

    Read from the rollups (funding/rollups.py), never the records: by source and the total from the coarse level (a
    few thousand rows at most), the yearly sums with their number of fieldlabs from the status counts (one row per
    fieldlab, year and status)."""
    window = {"recipient_kind": RecipientKind.FIELDLAB, "year__gte": year_min, "year__lte": year_max}
    labels = dict(Source.choices)
    by_source = [
        {"source": row["source"], "label": labels[row["source"]], "amount": row["amount"]}
        for row in FundingRollupTotal.objects.filter(**window)
        .values("source")
        .annotate(amount=Sum("amount"))
        .order_by("source")
    ]
    by_year = list(
        FundingStatusCount.objects.filter(
            fieldlab__isnull=False, status=RecordStatus.APPROVED, year__gte=year_min, year__lte=year_max
        )
        .values("year")
        .annotate(amount=Sum("amount"), fieldlabs=Count("fieldlab", distinct=True))
        .order_by("year")
    )
    return {
        "year_min": year_min,
        "year_max": year_max,
        "total": FundingRollupTotal.objects.filter(**window).aggregate(total=Sum("amount", default=ZERO))["total"],
        "by_source": by_source,
        "by_year": sorted(by_year, key=lambda row: row["year"]),
        "hub_count": Hub.objects.count(),
        "fieldlab_count": Fieldlab.objects.count(),
    }


# --- portal reads ----------------------------------------------------------------------------------------------


def funding_by_source_and_year(*, queryset) -> dict:
    """A source × year matrix of the given records' amounts, summed by the database.

    Returns {"years": [...], "sources": [{"code", "label", "colour", "amounts": [per year], "total"}],
    "year_totals": [...], "total"}; the pivot only arranges the already aggregated rows.
    """
    return source_year_matrix(queryset.order_by().values("year", "source").annotate(amount=Sum("amount")))


def source_year_matrix(rows) -> dict:
    """Arrange already aggregated rows ({"source", "year", "amount"}) as the matrix described above."""
    rows = list(rows)
    years = sorted({row["year"] for row in rows})
    cell = {(row["source"], row["year"]): row["amount"] for row in rows}
    sources = []
    for code, label in Source.choices:
        amounts = [cell.get((code, year), ZERO) for year in years]
        sources.append(
            {
                "code": code,
                "label": label,
                "colour": source_colour(code),
                "amounts": amounts,
                "total": sum(amounts, ZERO),
            }
        )
    year_totals = [sum((cell.get((code, year), ZERO) for code in Source.values), ZERO) for year in years]
    return {"years": years, "sources": sources, "year_totals": year_totals, "total": sum(year_totals, ZERO)}


def with_approved_total(fieldlabs):
    """Fieldlab rows with ``approved_total``: the sum of their approved funding records (``ZERO`` for none)."""
    return fieldlabs.annotate(
        approved_total=Sum(
            "funding_records__amount", filter=Q(funding_records__status=RecordStatus.APPROVED), default=ZERO
        )
    )
