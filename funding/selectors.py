"""Reads that join or aggregate funding. All sums are computed by the database."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from registry.models import Fieldlab, Hub
from smartindustry.constants import EVALUATION_YEAR_MAX, EVALUATION_YEAR_MIN

from .choices import RecipientKind, Source
from .models import FundingRecord

ZERO = Decimal("0.00")


def approved_fieldlab_funding(*, year_min: int | None = None, year_max: int | None = None):
    qs = FundingRecord.objects.approved().for_recipient_kind(RecipientKind.FIELDLAB)
    if year_min is not None:
        qs = qs.filter(year__gte=year_min)
    if year_max is not None:
        qs = qs.filter(year__lte=year_max)
    return qs


def funding_overview(*, year_min: int = EVALUATION_YEAR_MIN, year_max: int = EVALUATION_YEAR_MAX) -> dict:
    """Headline figures: approved fieldlab funding in the window, by source and by year."""
    qs = approved_fieldlab_funding(year_min=year_min, year_max=year_max)
    labels = dict(Source.choices)
    by_source = [
        {"source": row["source"], "label": labels[row["source"]], "amount": row["amount"]}
        for row in qs.values("source").annotate(amount=Sum("amount")).order_by("source")
    ]
    by_year = list(qs.values("year").annotate(amount=Sum("amount"), fieldlabs=Count("fieldlab", distinct=True)))
    return {
        "year_min": year_min,
        "year_max": year_max,
        "total": qs.aggregate(total=Sum("amount", default=ZERO))["total"],
        "by_source": by_source,
        "by_year": sorted(by_year, key=lambda row: row["year"]),
        "hub_count": Hub.objects.count(),
        "fieldlab_count": Fieldlab.objects.count(),
    }


def funding_records_visible_to(user, queryset=None):
    """user_may_view_record's rule as one SQL filter: drafts and returned records are the hub's own business.

    The bureau sees everything; a coordinator also sees the unsubmitted records of their hub (its own records and
    its fieldlabs'); every other role sees submitted and approved records only.
    """
    from django.db.models import Q

    from .services import COORDINATOR_EDITABLE_STATUSES

    queryset = FundingRecord.objects.all() if queryset is None else queryset
    if user is None or not user.is_authenticated:
        return queryset.none()
    if user.is_bureau:
        return queryset
    visible = ~Q(status__in=COORDINATOR_EDITABLE_STATUSES)
    if user.is_coordinator and user.hub_id:
        visible |= Q(hub_id=user.hub_id) | Q(fieldlab__hub_id=user.hub_id)
    return queryset.filter(visible)


# --- portal reads ----------------------------------------------------------------------------------------------


def funding_by_source_and_year(*, queryset) -> dict:
    """A source × year matrix of the given records' amounts, summed by the database.

    Returns {"years": [...], "sources": [{"code", "label", "amounts": [per year], "total"}], "year_totals": [...],
    "total"}; the pivot only arranges the already aggregated rows.
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
        sources.append({"code": code, "label": label, "amounts": amounts, "total": sum(amounts, ZERO)})
    year_totals = [sum((cell.get((code, year), ZERO) for code in Source.values), ZERO) for year in years]
    return {"years": years, "sources": sources, "year_totals": year_totals, "total": sum(year_totals, ZERO)}


def hub_reporting_status(*, years) -> list[dict]:
    """Per hub and year: how many of its records (its own and its fieldlabs') are in each status, and whether the
    reporting period is closed. One grouped query for the records, one for the periods, one for the hubs."""
    from django.db.models.functions import Coalesce

    from .choices import RecordStatus
    from .models import ReportingPeriod

    years = list(years)
    counts = (
        FundingRecord.objects.filter(year__in=years)
        .filter(Q(hub__isnull=False) | Q(fieldlab__hub__isnull=False))
        .annotate(report_hub=Coalesce("hub_id", "fieldlab__hub_id"))
        .order_by()
        .values("report_hub", "year", "status")
        .annotate(n=Count("id"))
    )
    by_cell: dict[tuple, dict] = {}
    for row in counts:
        by_cell.setdefault((row["report_hub"], row["year"]), {})[row["status"]] = row["n"]
    closed = set(ReportingPeriod.objects.filter(year__in=years, status="closed").values_list("hub_id", "year"))
    order = [RecordStatus.RETURNED, RecordStatus.SUBMITTED, RecordStatus.DRAFT, RecordStatus.APPROVED]
    result = []
    for hub in Hub.objects.order_by("name").only("id", "name", "slug"):
        cells = []
        for year in years:
            status_counts = by_cell.get((hub.id, year), {})
            # The cell's headline: the least advanced status present (what still needs someone's attention).
            headline = next((s for s in order if status_counts.get(s)), None)
            cells.append(
                {
                    "year": year,
                    "counts": status_counts,
                    "status": headline,
                    "label": dict(RecordStatus.choices).get(headline, "") if headline else "",
                    "closed": (hub.id, year) in closed,
                }
            )
        result.append({"hub": hub, "cells": cells})
    return result
