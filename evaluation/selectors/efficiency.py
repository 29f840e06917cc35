"""Efficiency (doelmatigheid): cost per unit of output against a norm, for the programme as a whole and from the
regions' perspective (regional euro per unit of regional output), and a verdict per activity type."""

from __future__ import annotations

__all__ = ["cost_per_output", "efficiency_by_activity_type", "regional_cost_per_output"]

from collections import defaultdict
from decimal import Decimal

from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from core.constants import EVALUATION_YEAR_MAX, EVALUATION_YEAR_MIN
from core.numbers import ZERO, money, per_unit
from funding.choices import Source
from funding.selectors import FundingFilters, funding_totals
from registry.models import Hub

from ..choices import EfficiencyVerdict
from ..models import ActivityType, EfficiencyNorm, Indicator
from .measurements import approved_measurements


def _efficiency_verdict(cost_per_unit: Decimal | None, norm: Decimal | None) -> str:
    if cost_per_unit is None or norm is None:
        return EfficiencyVerdict.NOT_ASSESSABLE.value
    return EfficiencyVerdict.WITHIN_NORM.value if cost_per_unit <= norm else EfficiencyVerdict.ABOVE_NORM.value


def cost_per_output(*, year_min: int = EVALUATION_YEAR_MIN, year_max: int = EVALUATION_YEAR_MAX) -> list[dict]:
    """Per activity type and indicator: approved funding of the activity type (all sources, all recipients) over
    approved output of that indicator, against the norm. An activity type with two indicators carries its whole
    cost in each (cost per company reached, cost per person trained), as the evaluation does. Four queries."""
    codes = dict(ActivityType.objects.values_list("id", "code"))
    indicators = dict(Indicator.objects.values_list("id", "code"))
    # Approved funding per activity type code (funding's selector; records without a type fall out below).
    window = FundingFilters(year_min=year_min, year_max=year_max)
    cost = {row["activity_type"]: row["amount"] for row in funding_totals(group_by=["activity_type"], filters=window)}
    output = {
        (row["activity_type_id"], row["indicator_id"]): row["value"]
        for row in approved_measurements(year_min=year_min, year_max=year_max)
        .values("activity_type_id", "indicator_id")
        .annotate(value=Sum("value"))
    }
    norms = {
        (n["activity_type_id"], n["indicator_id"]): n
        for n in EfficiencyNorm.objects.values(
            "activity_type_id", "indicator_id", "max_cost_per_unit", "max_regional_cost_per_unit"
        )
    }
    pairs = sorted(set(output) | set(norms), key=lambda p: (codes[p[0]], indicators[p[1]]))
    rows = []
    for type_id, indicator_id in pairs:
        amount = money(cost.get(codes[type_id]))
        units = money(output.get((type_id, indicator_id)))
        norm = norms.get((type_id, indicator_id), {}).get("max_cost_per_unit")
        unit_cost = per_unit(amount, units)
        rows.append(
            {
                "activity_type": codes[type_id],
                "indicator": indicators[indicator_id],
                "cost": amount,
                "output": units,
                "cost_per_unit": unit_cost,
                "norm": money(norm) if norm is not None else None,
                "verdict": _efficiency_verdict(unit_cost, norm),
            }
        )
    return rows


def regional_cost_per_output(*, year_min: int = EVALUATION_YEAR_MIN, year_max: int = EVALUATION_YEAR_MAX) -> list[dict]:
    """The regions' view: per hub, activity type and indicator, the regional euro (source `regional`, to the hub or
    its fieldlabs) over the output measured at the hub or its fieldlabs, against the regional norm. Five queries."""
    hubs = dict(Hub.objects.values_list("id", "slug"))
    codes = dict(ActivityType.objects.values_list("id", "code"))
    indicators = dict(Indicator.objects.values_list("id", "code"))
    hub_of = Coalesce(F("hub_id"), F("fieldlab__hub_id"))
    # Approved regional funding per hub (to the hub or its fieldlabs) and activity type, from funding's selector by
    # slug and code, keyed here by id like the measurements; the bureau's and untyped funding have no place here.
    hub_ids = {slug: pk for pk, slug in hubs.items()}
    type_ids = {code: pk for pk, code in codes.items()}
    window = FundingFilters(year_min=year_min, year_max=year_max, sources=(Source.REGIONAL,))
    regional = {
        (hub_ids[row["hub"]], type_ids[row["activity_type"]]): row["amount"]
        for row in funding_totals(group_by=["hub", "activity_type"], filters=window)
        if row["hub"] is not None and row["activity_type"] is not None
    }
    output = {
        (row["region"], row["activity_type_id"], row["indicator_id"]): row["value"]
        for row in approved_measurements(year_min=year_min, year_max=year_max)
        .annotate(region=hub_of)
        .filter(region__isnull=False)
        .values("region", "activity_type_id", "indicator_id")
        .annotate(value=Sum("value"))
    }
    norm_rows = EfficiencyNorm.objects.values_list("activity_type_id", "indicator_id", "max_regional_cost_per_unit")
    norms = {(type_id, indicator_id): norm for type_id, indicator_id, norm in norm_rows}
    normed_indicators: dict[int, list[int]] = defaultdict(list)
    for type_id, indicator_id in norms:
        normed_indicators[type_id].append(indicator_id)
    # A region that pays for an activity but reports no output for a normed indicator must show (as not assessable).
    keys = set(output) | {
        (hub_id, type_id, indicator_id)
        for hub_id, type_id in regional
        for indicator_id in normed_indicators.get(type_id, [])
    }
    rows = []
    for hub_id, type_id, indicator_id in sorted(keys, key=lambda k: (hubs[k[0]], codes[k[1]], indicators[k[2]])):
        amount = money(regional.get((hub_id, type_id)))
        units = money(output.get((hub_id, type_id, indicator_id)))
        unit_cost = per_unit(amount, units)
        norm = norms.get((type_id, indicator_id))
        rows.append(
            {
                "hub": hubs[hub_id],
                "activity_type": codes[type_id],
                "indicator": indicators[indicator_id],
                "regional_amount": amount,
                "output": units,
                "cost_per_unit": unit_cost,
                "norm": money(norm) if norm is not None else None,
                "verdict": _efficiency_verdict(unit_cost, norm),
            }
        )
    return rows


def efficiency_by_activity_type(
    *, year_min: int = EVALUATION_YEAR_MIN, year_max: int = EVALUATION_YEAR_MAX, cost_rows=None, regional_rows=None
) -> list[dict]:
    """One verdict per activity type, overall and from the regions' view: above the norm if any normed indicator is
    above it, within the norm if all assessable ones are within it, not assessable otherwise."""
    cost_rows = cost_per_output(year_min=year_min, year_max=year_max) if cost_rows is None else cost_rows
    if regional_rows is None:
        regional_rows = regional_cost_per_output(year_min=year_min, year_max=year_max)
    codes = list(ActivityType.objects.order_by("sort_order", "name").values_list("code", flat=True))

    # Regions' perspective per activity type: all regions together (regional euro / regional output).
    # Each hub row carries that hub's regional euro for the activity type and its output of one indicator.
    regional_sum: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    regional_norm: dict[tuple[str, str], Decimal | None] = {}
    for row in regional_rows:  # aggregated rows (hub × activity type × indicator), not records
        key = (row["activity_type"], row["indicator"])
        regional_sum[key][0] += row["regional_amount"]
        regional_sum[key][1] += row["output"]
        regional_norm[key] = row["norm"]

    rows = []
    for code in codes:
        mine = [r for r in cost_rows if r["activity_type"] == code]
        regional_verdicts = []
        for (activity_code, indicator), (amount, units) in sorted(regional_sum.items()):
            if activity_code == code:
                regional_verdicts.append(_efficiency_verdict(per_unit(amount, units), regional_norm[(code, indicator)]))
        rows.append(
            {
                "activity_type": code,
                "verdict": _combine([r["verdict"] for r in mine]),
                "regional_verdict": _combine(regional_verdicts),
            }
        )
    return rows


def _combine(verdicts: list[str]) -> str:
    assessable = [v for v in verdicts if v != EfficiencyVerdict.NOT_ASSESSABLE]
    if not assessable:
        return EfficiencyVerdict.NOT_ASSESSABLE.value
    if EfficiencyVerdict.ABOVE_NORM in assessable:
        return EfficiencyVerdict.ABOVE_NORM.value
    return EfficiencyVerdict.WITHIN_NORM.value
