"""Effectiveness (doeltreffendheid): approved output against target per output goal and year, and a verdict per
activity type from the verdict bands stored as data."""

from __future__ import annotations

__all__ = ["effectiveness_tables", "verdict_bands", "verdict_for"]

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Sum

from core.constants import EVALUATION_YEAR_MAX, EVALUATION_YEAR_MIN
from core.numbers import ONE, RATIO, ZERO, exact_ratio, money, ratio

from ..choices import Verdict
from ..models import ActivityType, OutputGoal, OutputTarget, VerdictBand
from .measurements import approved_measurements


def verdict_bands() -> list[tuple[Decimal, str]]:
    """(min_ratio, verdict) from high to low. One query."""
    return list(VerdictBand.objects.order_by("-min_ratio").values_list("min_ratio", "verdict"))


def verdict_for(value: Decimal | None, bands: list[tuple[Decimal, str]]) -> str:
    """The band with the highest threshold not above the ratio; below every band: the lowest band."""
    if value is None or not bands:
        return Verdict.NOT_ASSESSABLE.value
    for min_ratio, verdict in bands:
        if value >= min_ratio:
            return verdict
    return bands[-1][1]


def _goal_ratio(actual: Decimal, target: Decimal) -> Decimal:
    # Over-achieving one goal must not hide another that fails: each goal counts at most 100% in the mean. Exact:
    # the mean is rounded once (in _mean), never averaged from rounded ratios.
    return min(exact_ratio(actual, target), ONE)


def effectiveness_tables(*, year_min: int = EVALUATION_YEAR_MIN, year_max: int = EVALUATION_YEAR_MAX) -> dict:
    """Actual against target per output goal and year, and the verdict per activity type (per year and overall).

    A goal is measurable in a year when it has an indicator and a target for that year. The activity type's ratio
    is the mean of its measurable goals' ratios (each capped at 1); its verdict comes from the bands stored as data.
    With no measurable goal the activity type is "not assessable". Five queries.
    """
    activity_types = list(ActivityType.objects.order_by("sort_order", "name").values("id", "code", "name"))
    goals = {
        g["id"]: g
        for g in OutputGoal.objects.values(
            "id", "code", "name", "activity_type_id", "indicator_id", indicator_code=F("indicator__code")
        )
    }
    targets = list(
        OutputTarget.objects.filter(year__gte=year_min, year__lte=year_max, goal__indicator__isnull=False)
        .order_by("goal_id", "year")
        .values("goal_id", "year", "value")
    )
    actuals = {
        (row["activity_type_id"], row["indicator_id"], row["year"]): row["value"]
        for row in approved_measurements(year_min=year_min, year_max=year_max)
        .values("activity_type_id", "indicator_id", "year")
        .annotate(value=Sum("value"))
    }
    bands = verdict_bands()

    goal_rows = []
    by_type_year: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    goal_sums: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])  # goal id → [actual, target]
    for target in targets:  # one row per goal and year (aggregated data, not records)
        goal = goals[target["goal_id"]]
        actual = money(actuals.get((goal["activity_type_id"], goal["indicator_id"], target["year"])))
        goal_ratio = ratio(actual, target["value"])
        goal_rows.append(
            {
                "activity_type": None,  # filled below from the activity type id
                "goal": goal["code"],
                "indicator": goal["indicator_code"],
                "year": target["year"],
                "target": money(target["value"]),
                "actual": actual,
                "ratio": goal_ratio,
                "_type_id": goal["activity_type_id"],
            }
        )
        by_type_year[(goal["activity_type_id"], target["year"])].append(_goal_ratio(actual, target["value"]))
        goal_sums[goal["id"]][0] += actual
        goal_sums[goal["id"]][1] += target["value"]

    codes = {t["id"]: t["code"] for t in activity_types}
    for row in goal_rows:
        row["activity_type"] = codes[row.pop("_type_id")]

    per_type_goal_ratios: dict[int, list[Decimal]] = defaultdict(list)
    for goal_id, (actual, target) in goal_sums.items():
        per_type_goal_ratios[goals[goal_id]["activity_type_id"]].append(_goal_ratio(actual, target))

    by_year, overall = [], []
    for activity_type in activity_types:
        type_id = activity_type["id"]
        for year in range(year_min, year_max + 1):
            ratios = by_type_year.get((type_id, year), [])
            mean = _mean(ratios)
            by_year.append(
                {
                    "activity_type": activity_type["code"],
                    "year": year,
                    "measurable_goals": len(ratios),
                    "ratio": mean,
                    "verdict": verdict_for(mean, bands),
                }
            )
        ratios = per_type_goal_ratios.get(type_id, [])
        mean = _mean(ratios)
        overall.append(
            {
                "activity_type": activity_type["code"],
                "name": activity_type["name"],
                "measurable_goals": len(ratios),
                "goals": sum(1 for g in goals.values() if g["activity_type_id"] == type_id),
                "ratio": mean,
                "verdict": verdict_for(mean, bands),
            }
        )
    return {"goals": goal_rows, "by_year": by_year, "overall": overall}


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, ZERO) / len(values)).quantize(RATIO, rounding=ROUND_HALF_UP)
