"""The five recommendations of the 2021 evaluation as checks over the data.

Every check looks at a set of items (activity types, output goals, the reach trend), decides for each whether it
complies, and names the ones that do not ("the records that cause it"). The share of complying items gives the
status through the thresholds stored on the Recommendation row: share ≥ met_share → met, ≥ partly_share → partly,
otherwise (or with nothing to check) not met. Each check uses a fixed number of queries.
"""

from __future__ import annotations

__all__ = ["CHECKS", "recommendation_checks"]

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext as _

from core.constants import EVALUATION_YEAR_MAX, EVALUATION_YEAR_MIN
from funding.choices import Source
from funding.selectors import activity_type_funding
from registry.selectors import companies_reached

from .choices import CheckStatus, LeadLevel, RecommendationCode, ScopeDecision
from .models import ActivityType, OutputGoal, OutputTarget, Recommendation
from .selectors import measured_reach_by_year, money, ratio


def _status(compliant: int, total: int, recommendation: Recommendation) -> str:
    if total == 0:
        return CheckStatus.NOT_MET.value
    share = Decimal(compliant) / Decimal(total)
    if share >= recommendation.met_share:
        return CheckStatus.MET.value
    if share >= recommendation.partly_share:
        return CheckStatus.PARTLY.value
    return CheckStatus.NOT_MET.value


def _item(kind: str, code: str, name: str, problem: str) -> dict:
    return {"kind": kind, "code": code, "name": name, "problem": problem}


def _activity_types_with_measurable_goal(year_min: int, year_max: int):
    """Activity types annotated with `has_measurable_goal`: a goal with an indicator and a target in the window."""
    measurable = OutputTarget.objects.filter(
        goal__activity_type=OuterRef("pk"), goal__indicator__isnull=False, year__gte=year_min, year__lte=year_max
    )
    return ActivityType.objects.annotate(has_measurable_goal=Exists(measurable)).order_by("sort_order", "name")


def check_national_modules(*, year_min: int, year_max: int) -> dict:
    """1. Clear modules, filled in and financed together with the regions: every activity type (module) should have
    approved regional co-financing in the window."""
    rows = list(
        # Each type's approved funding, by funding's selector (one query with the list).
        ActivityType.objects.order_by("sort_order", "name").annotate(
            regional=activity_type_funding(year_min=year_min, year_max=year_max, source=Source.REGIONAL),
            total=activity_type_funding(year_min=year_min, year_max=year_max),
        )
    )
    records = [
        _item("activity_type", t.code, t.name, _("no regional co-financing")) for t in rows if not (t.regional or 0)
    ]
    regional = sum((money(t.regional) for t in rows), Decimal("0.00"))
    total = sum((money(t.total) for t in rows), Decimal("0.00"))
    return {
        "compliant": len(rows) - len(records),
        "total": len(rows),
        "figures": {
            "modules": len(rows),
            "modules_with_regional_cofinancing": len(rows) - len(records),
            "regional_amount": str(regional),
            "total_amount": str(total),
            "regional_share": str(ratio(regional, total)) if total else None,
        },
        "records": records,
    }


def check_skills_scope(*, year_min: int, year_max: int) -> dict:
    """2. Redefine the skills ambition: every skills activity needs a scope decision and, when kept in the programme,
    a measurable target."""
    rows = list(_activity_types_with_measurable_goal(year_min, year_max).filter(concerns_skills=True))
    records = []
    for t in rows:  # the few skills activity types, already annotated by the database
        if t.scope_decision == ScopeDecision.UNDECIDED:
            records.append(_item("activity_type", t.code, t.name, _("no decision whether it belongs in the programme")))
        elif t.scope_decision == ScopeDecision.IN_PROGRAMME and not t.has_measurable_goal:
            records.append(
                _item("activity_type", t.code, t.name, _("kept in the programme without a measurable target"))
            )
    failing = {r["code"] for r in records}
    return {
        "compliant": sum(1 for t in rows if t.code not in failing),
        "total": len(rows),
        "figures": {
            "skills_activity_types": len(rows),
            "with_scope_decision": sum(1 for t in rows if t.scope_decision),
            "with_measurable_target": sum(1 for t in rows if t.has_measurable_goal),
        },
        "records": records,
    }


def check_target_groups(*, year_min: int, year_max: int) -> dict:
    """3. Clear target groups, and broaden: every activity type names its target groups, and measured reach grows
    (the last year with figures above the one before)."""
    rows = list(ActivityType.objects.order_by("sort_order", "name").only("code", "name", "target_groups"))
    records = [
        _item("activity_type", t.code, t.name, _("no target groups defined"))
        for t in rows
        if not t.target_groups.strip()
    ]
    reach = measured_reach_by_year(year_min=year_min, year_max=year_max)
    grew = len(reach) >= 2 and reach[-1]["companies"] > reach[-2]["companies"]
    if not grew:
        records.append(_item("reach", "reach", _("Reach over the years"), _("reach did not grow in the last year")))
    reached = companies_reached(year_min=year_min, year_max=year_max)
    with_groups = len(rows) - sum(1 for r in records if r["kind"] == "activity_type")
    return {
        "compliant": with_groups + (1 if grew else 0),
        "total": len(rows) + 1,
        "figures": {
            "activity_types": len(rows),
            "with_target_groups": with_groups,
            "reach_by_year": {str(r["year"]): str(r["companies"]) for r in reach},
            "reach_grew": grew,
            "companies_reached": reached["unique_companies"],
        },
        "records": records,
    }


def check_lead_levels(*, year_min: int, year_max: int) -> dict:
    """4. A clear division of roles: exactly one lead level (bureau, hub or fieldlab) per activity type, and demand
    steering built in."""
    rows = list(ActivityType.objects.order_by("sort_order", "name"))
    records = []
    for t in rows:
        if t.lead_level_count == 0:
            records.append(_item("activity_type", t.code, t.name, _("no lead level")))
        elif t.lead_level_count == 2:
            records.append(
                _item(
                    "activity_type",
                    t.code,
                    t.name,
                    _("two lead levels: %(a)s and %(b)s")
                    % {"a": LeadLevel(t.lead_level).label, "b": LeadLevel(t.shared_lead_level).label},
                )
            )
        if not t.demand_steered:
            records.append(_item("activity_type", t.code, t.name, _("no demand steering")))
    failing = {r["code"] for r in records}
    return {
        "compliant": sum(1 for t in rows if t.code not in failing),
        "total": len(rows),
        "figures": {
            "activity_types": len(rows),
            "one_lead_level": sum(1 for t in rows if t.lead_level_count == 1),
            "demand_steered": sum(1 for t in rows if t.demand_steered),
        },
        "records": records,
    }


def check_intervention_logic(*, year_min: int, year_max: int) -> dict:
    """5. An intervention logic whose measurable output goals rest on entrepreneurs' bottlenecks: every activity
    type has a measurable goal, and every goal is linked to at least one bottleneck."""
    types = list(_activity_types_with_measurable_goal(year_min, year_max))
    goals = list(
        OutputGoal.objects.annotate(bottleneck_count=Count("bottlenecks"))
        .order_by("activity_type__sort_order", "code")
        .values("code", "name", "bottleneck_count", "indicator_id")
    )
    records = [
        _item("activity_type", t.code, t.name, _("no measurable output goal"))
        for t in types
        if not t.has_measurable_goal
    ]
    records += [
        _item("output_goal", g["code"], g["name"], _("not linked to any bottleneck"))
        for g in goals
        if not g["bottleneck_count"]
    ]
    return {
        "compliant": len(types) + len(goals) - len(records),
        "total": len(types) + len(goals),
        "figures": {
            "activity_types": len(types),
            "with_measurable_goal": sum(1 for t in types if t.has_measurable_goal),
            "output_goals": len(goals),
            "goals_without_indicator": sum(1 for g in goals if g["indicator_id"] is None),
            "goals_linked_to_bottlenecks": sum(1 for g in goals if g["bottleneck_count"]),
        },
        "records": records,
    }


CHECKS = {
    RecommendationCode.NATIONAL_MODULES: check_national_modules,
    RecommendationCode.SKILLS_SCOPE: check_skills_scope,
    RecommendationCode.TARGET_GROUPS: check_target_groups,
    RecommendationCode.LEAD_LEVELS: check_lead_levels,
    RecommendationCode.INTERVENTION_LOGIC: check_intervention_logic,
}


def recommendation_checks(*, year_min: int = EVALUATION_YEAR_MIN, year_max: int = EVALUATION_YEAR_MAX) -> list[dict]:
    """Each stored recommendation with its check: status, share, figures and the records that cause it."""
    results = []
    for rec in Recommendation.objects.order_by("number"):
        outcome = CHECKS[rec.code](year_min=year_min, year_max=year_max)
        results.append(
            {
                "number": rec.number,
                "code": rec.code,
                "title": rec.title,
                "status": _status(outcome["compliant"], outcome["total"], rec),
                "compliant": outcome["compliant"],
                "total": outcome["total"],
                "share": ratio(outcome["compliant"], outcome["total"]),
                "figures": outcome["figures"],
                "records": outcome["records"],
            }
        )
    return results
