"""Evaluation pages. The evaluation logic (issue 3) lives in evaluation/selectors.py and services; these views only
ask for its tables and show them."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.shortcuts import render

from funding.models import FundingRecord
from funding.selectors import ZERO

from .models import ActivityType


@login_required
def index(request):
    rows = (
        FundingRecord.objects.approved()
        .filter(activity_type__isnull=False)
        .order_by()
        .values("activity_type")
        .annotate(amount=Sum("amount"), records=Count("id"))
    )
    by_type = {row["activity_type"]: row for row in rows}
    table = [
        {
            "activity_type": activity_type,
            "amount": by_type.get(activity_type.pk, {}).get("amount") or ZERO,
            "records": by_type.get(activity_type.pk, {}).get("records") or 0,
        }
        for activity_type in ActivityType.objects.order_by("sort_order", "name")
    ]
    return render(request, "evaluation/index.html", {"table": table})
