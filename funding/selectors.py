"""Reads that join or aggregate funding. All sums are computed by the database."""

from decimal import Decimal

from django.db.models import Count, Sum

from registry.models import Fieldlab, Hub

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


def funding_overview(*, year_min: int = 2015, year_max: int = 2019) -> dict:
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
