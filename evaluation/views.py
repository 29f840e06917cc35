"""Evaluation pages.

The evaluation logic (effectiveness, efficiency, recommendation checks, runs) belongs to the evaluation module
(issue 3), which is not on main yet; until it is, this page shows the evaluation's funding tables built from what
exists: approved funding by source and year, by activity type, and the public/private split — all summed by the
database. The page reads only approved records, as the evaluation does.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import render

from funding.choices import PRIVATE_SOURCES, RecipientKind
from funding.models import FundingRecord
from funding.selectors import ZERO, funding_by_source_and_year
from registry.selectors import companies_reached

from .models import ActivityType

DEFAULT_WINDOW = (2015, 2019)


def _year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 2010 <= year <= 2040 else default


@login_required
def index(request):
    year_min = _year(request.GET.get("year_min"), DEFAULT_WINDOW[0])
    year_max = _year(request.GET.get("year_max"), DEFAULT_WINDOW[1])
    if year_max < year_min:
        year_min, year_max = year_max, year_min
    approved = (
        FundingRecord.objects.approved()
        .for_recipient_kind(RecipientKind.FIELDLAB)
        .filter(year__gte=year_min, year__lte=year_max)
    )
    rows = approved.order_by().values("activity_type").annotate(amount=Sum("amount"), records=Count("id"))
    by_type = {row["activity_type"]: row for row in rows}
    activity_table = [
        {
            "name": activity_type.name,
            "lead_level": activity_type.get_lead_level_display(),
            "amount": by_type.get(activity_type.pk, {}).get("amount") or ZERO,
            "records": by_type.get(activity_type.pk, {}).get("records") or 0,
        }
        for activity_type in ActivityType.objects.order_by("sort_order", "name")
    ]
    unassigned = by_type.get(None)
    split = approved.aggregate(
        private=Sum("amount", filter=Q(source__in=PRIVATE_SOURCES), default=ZERO),
        public=Sum("amount", filter=~Q(source__in=PRIVATE_SOURCES), default=ZERO),
    )
    leverage = (split["public"] / split["private"]).quantize(ZERO) if split["private"] else None
    context = {
        "year_min": year_min,
        "year_max": year_max,
        "matrix": funding_by_source_and_year(queryset=approved),
        "activity_table": activity_table,
        "unassigned": unassigned,
        "split": split,
        "leverage": leverage,
        "companies": companies_reached(year_min=year_min, year_max=year_max),
    }
    return render(request, "evaluation/index.html", context)
