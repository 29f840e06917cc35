"""The whole evaluation of a window of years as plain, JSON-ready data, and a fingerprint of the data it reads.

It sits above the selectors and the recommendation checks (it combines both), so neither of them imports it: an
evaluation run (services.evaluation_run_execute) freezes what this module answers.
"""

from __future__ import annotations

__all__ = ["evaluation_data_fingerprint", "evaluation_results"]

import hashlib
import json

from django.db.models import Count, Max, Sum

from core.constants import EVALUATION_YEAR_MAX, EVALUATION_YEAR_MIN
from funding.choices import RecipientKind
from funding.selectors import FundingFilters, approved_funding, funding_cumulative, funding_leverage, funding_totals
from registry.models import Participation
from registry.selectors import companies_reached

from .checks import recommendation_checks
from .models import (
    ActivityType,
    Bottleneck,
    EfficiencyNorm,
    Indicator,
    OutputGoal,
    OutputTarget,
    Recommendation,
    VerdictBand,
)
from .selectors import (
    ZERO,
    approved_measurements,
    cost_per_output,
    effectiveness_tables,
    efficiency_by_activity_type,
    jsonable,
    measured_reach_by_year,
    money,
    regional_cost_per_output,
)


def evaluation_results(*, year_min: int = EVALUATION_YEAR_MIN, year_max: int = EVALUATION_YEAR_MAX) -> dict:
    """Every table of the evaluation for a window of years, as plain JSON-ready data (Decimals as strings)."""
    window = FundingFilters(year_min=year_min, year_max=year_max)
    fieldlabs = FundingFilters(year_min=year_min, year_max=year_max, recipient_kind=RecipientKind.FIELDLAB)
    cost_rows = cost_per_output(year_min=year_min, year_max=year_max)
    regional_rows = regional_cost_per_output(year_min=year_min, year_max=year_max)
    results = {
        "parameters": {"year_min": year_min, "year_max": year_max},
        "funding_total": funding_totals(filters=window)[0],
        "fieldlab_funding_by_source": funding_totals(group_by=["source"], filters=fieldlabs),
        "funding_by_source_year": funding_totals(group_by=["source", "year"], filters=window),
        "funding_by_activity_type": funding_totals(group_by=["activity_type"], filters=window),
        "funding_by_hub": funding_totals(group_by=["hub"], filters=window),
        "funding_cumulative": funding_cumulative(filters=window),
        "leverage": funding_leverage(filters=window),
        "fieldlab_leverage": funding_leverage(filters=fieldlabs),
        "companies_reached": companies_reached(year_min=year_min, year_max=year_max),
        "measured_reach_by_year": measured_reach_by_year(year_min=year_min, year_max=year_max),
        "effectiveness": effectiveness_tables(year_min=year_min, year_max=year_max),
        "cost_per_output": cost_rows,
        "regional_cost_per_output": regional_rows,
        "efficiency": efficiency_by_activity_type(
            year_min=year_min, year_max=year_max, cost_rows=cost_rows, regional_rows=regional_rows
        ),
        "recommendations": recommendation_checks(year_min=year_min, year_max=year_max),
    }
    return jsonable(results)


def _table_summary(qs, value_field: str | None = None, stamp: bool = True) -> dict:
    """count, sum of ids, sum of a value column, latest update: enough that any insert, delete, status change or
    audited edit (which moves updated_at) alters the summary. One query, computed by the database."""
    aggregates = {"count": Count("pk"), "id_sum": Sum("pk", default=0)}
    if value_field:
        aggregates["value_sum"] = Sum(value_field, default=ZERO)
    if stamp:
        aggregates["updated_max"] = Max("updated_at")
    row = qs.aggregate(**aggregates)
    row["id_sum"] = int(row["id_sum"])  # PostgreSQL sums bigint into numeric
    if row.get("updated_max") is not None:
        row["updated_max"] = row["updated_max"].isoformat()
    if "value_sum" in row:
        row["value_sum"] = str(money(row["value_sum"]))
    return row


def evaluation_data_fingerprint(*, year_min: int = EVALUATION_YEAR_MIN, year_max: int = EVALUATION_YEAR_MAX):
    """(sha256 hex, per-table summary) of everything an evaluation over the window reads. Fixed number of queries."""
    summary = {
        "funding_records": _table_summary(
            approved_funding(FundingFilters(year_min=year_min, year_max=year_max)), "amount"
        ),
        "measurements": _table_summary(approved_measurements(year_min=year_min, year_max=year_max), "value"),
        "output_targets": _table_summary(OutputTarget.objects.filter(year__gte=year_min, year__lte=year_max), "value"),
        "output_goals": _table_summary(OutputGoal.objects.all()),
        "goal_bottleneck_links": _table_summary(OutputGoal.bottlenecks.through.objects.all(), stamp=False),
        "bottlenecks": _table_summary(Bottleneck.objects.all()),
        "activity_types": _table_summary(ActivityType.objects.all()),
        "indicators": _table_summary(Indicator.objects.all()),
        "verdict_bands": _table_summary(VerdictBand.objects.all(), "min_ratio"),
        "efficiency_norms": _table_summary(EfficiencyNorm.objects.all(), "max_cost_per_unit"),
        "recommendations": _table_summary(Recommendation.objects.all()),
        # Every participation, at a fieldlab or a hub: companies_reached counts both.
        "participations": _table_summary(Participation.objects.filter(year__gte=year_min, year__lte=year_max)),
    }
    digest = hashlib.sha256(json.dumps(summary, sort_keys=True).encode()).hexdigest()
    return digest, summary
