"""The evaluation API's tables and input lists as registered exporters (core/exporters): each answers JSON (the
view's ``Response``) and CSV/XLSX (the exporter's file, or a job for a large one) from the same rows.

Tables answer flat rows (lists of dicts of scalars) so the writers write them unchanged; their columns are the
selector's row keys, in order. Bad parameters are ExportInvalid naming the parameter (a 400 from the views).
"""

from dataclasses import replace

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import NotFound

from core.api.exporters import SerializerExporter
from core.api.views import PASSIVE_QUERY_PARAMS
from core.constants import EVALUATION_YEAR_MAX, EVALUATION_YEAR_MIN
from core.exporters import ExportInvalid, RowsExporter, register
from funding import selectors as funding_selectors
from registry.models import Hub
from registry.selectors import companies_reached, companies_reached_by_year

from .. import selectors
from ..checks import recommendation_checks
from ..filters import MULTI_VALUED_KEYS, parse_funding_totals, parse_year_window
from ..filtersets import (
    EfficiencyNormFilterSet,
    IndicatorFilterSet,
    MeasurementFilterSet,
    OutputGoalFilterSet,
    OutputTargetFilterSet,
    VerdictBandFilterSet,
)
from ..models import (
    ActivityType,
    EfficiencyNorm,
    FollowUpAction,
    Indicator,
    Measurement,
    OutputGoal,
    OutputTarget,
    VerdictBand,
)
from ..services import follow_up_action_overdue
from . import serializers


def _invalid(exc: DjangoValidationError) -> ExportInvalid:
    return ExportInvalid(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


# --- tables -------------------------------------------------------------------------------------------------------


class EvaluationTable(RowsExporter):
    """A table of the evaluation over the query's parameters (unknown names were refused by the view). Its JSON is
    the view's answer (``table_rows()``); its files are CSV and XLSX."""

    def params(self) -> dict:
        """The table's parameters: a multi-valued one's repeated values joined into its comma list, a single-valued
        one given twice refused rather than silently taking the last."""
        data = {}
        for key, values in self.query.items():
            if key in PASSIVE_QUERY_PARAMS:
                continue
            if key in MULTI_VALUED_KEYS:
                data[key] = ",".join(values)
            elif len(set(values)) > 1:
                raise ExportInvalid({key: [_("Give %(name)s once; it takes a single value.") % {"name": key}]})
            else:
                data[key] = values[-1]
        return data

    def window(self) -> tuple[int, int]:
        try:
            return parse_year_window(self.params())
        except DjangoValidationError as exc:
            raise _invalid(exc) from exc

    def funding_request(self) -> tuple[tuple[str, ...], funding_selectors.FundingFilters]:
        try:
            return parse_funding_totals(self.params())
        except DjangoValidationError as exc:
            raise _invalid(exc) from exc


@register
class FundingTotalsTable(EvaluationTable):
    key = "api:evaluation-funding-totals"
    verbose_name = gettext_lazy("Approved funding per group")
    filename = "funding-totals"

    def compute(self):
        group_by, filters = self.funding_request()
        return selectors.jsonable(funding_selectors.funding_totals(group_by=group_by, filters=filters))


@register
class FundingCumulativeTable(EvaluationTable):
    key = "api:evaluation-funding-cumulative"
    verbose_name = gettext_lazy("Cumulative funding per year")
    filename = "funding-cumulative"

    def compute(self):
        _keys, filters = self.funding_request()
        filters = replace(
            filters,
            year_min=EVALUATION_YEAR_MIN if filters.year_min is None else filters.year_min,
            year_max=EVALUATION_YEAR_MAX if filters.year_max is None else filters.year_max,
        )
        if filters.year_min > filters.year_max:
            raise ExportInvalid({"year_max": [_("year_max must not be before year_min.")]})
        return selectors.jsonable(funding_selectors.funding_cumulative(filters=filters))


@register
class LeverageTable(EvaluationTable):
    key = "api:evaluation-leverage"
    verbose_name = gettext_lazy("Leverage")
    filename = "leverage"

    def compute(self):
        group_by, filters = self.funding_request()
        return selectors.jsonable(funding_selectors.funding_leverage_by(group_by=group_by, filters=filters))


def activity_type_rows(year_min: int, year_max: int, code: str | None = None) -> list[dict]:
    """One row per activity type (or the one of ``code``: NotFound when there is none)."""
    types = ActivityType.objects.order_by("sort_order", "name")
    if code is not None:
        types = types.filter(code=code)
    types = list(types)
    if code is not None and not types:
        raise NotFound()
    effectiveness = {
        r["activity_type"]: r for r in selectors.effectiveness_tables(year_min=year_min, year_max=year_max)["overall"]
    }
    efficiency = {
        r["activity_type"]: r for r in selectors.efficiency_by_activity_type(year_min=year_min, year_max=year_max)
    }
    funding = {
        r["activity_type"]: r
        for r in funding_selectors.funding_totals(
            group_by=["activity_type"], filters=funding_selectors.FundingFilters(year_min=year_min, year_max=year_max)
        )
    }
    rows = []
    for t in types:  # the handful of activity types, each joined to rows the database aggregated
        eff = effectiveness.get(t.code, {})
        rows.append(
            {
                "code": t.code,
                "name": t.name,
                "lead_level": t.lead_level,
                "shared_lead_level": t.shared_lead_level,
                "demand_steered": t.demand_steered,
                "target_groups": t.target_groups,
                "funding": funding.get(t.code, {}).get("amount", selectors.ZERO),
                "goals": eff.get("goals", 0),
                "measurable_goals": eff.get("measurable_goals", 0),
                "effectiveness_ratio": eff.get("ratio"),
                "effectiveness": eff.get("verdict"),
                "efficiency": efficiency.get(t.code, {}).get("verdict"),
                "regional_efficiency": efficiency.get(t.code, {}).get("regional_verdict"),
                "provenance": t.provenance,
                "year_min": year_min,
                "year_max": year_max,
            }
        )
    return rows


@register
class ActivityTypesTable(EvaluationTable):
    key = "api:evaluation-activity-types"
    verbose_name = capfirst(ActivityType._meta.verbose_name_plural)
    filename = "activity-types"

    def compute(self):
        return selectors.jsonable(activity_type_rows(*self.window()))


@register
class EffectivenessTable(EvaluationTable):
    key = "api:evaluation-effectiveness"
    verbose_name = gettext_lazy("Effectiveness per activity type and year")
    filename = "effectiveness"

    def compute(self):
        year_min, year_max = self.window()
        return selectors.jsonable(selectors.effectiveness_tables(year_min=year_min, year_max=year_max)["by_year"])


@register
class CompaniesReachedTable(EvaluationTable):
    key = "api:evaluation-companies-reached"
    verbose_name = gettext_lazy("Companies reached")
    filename = "companies-reached"

    def compute(self):
        year_min, year_max = self.window()
        hubs = [part.strip() for part in self.params().get("hub", "").split(",") if part.strip()]
        if len(hubs) > 1:
            raise ExportInvalid({"hub": [_("Give one hub; unique companies are counted per hub.")]})
        hub = hubs[0] if hubs else None
        if hub and not Hub.objects.filter(slug=hub).exists():
            raise ExportInvalid({"hub": [_("Unknown hub(s): %(value)s.") % {"value": hub}]})
        rows = companies_reached_by_year(year_min=year_min, year_max=year_max, hub=hub)
        total = companies_reached(year_min=year_min, year_max=year_max, hub=hub)
        rows.append({"year": None, **total})
        return rows


@register
class CostPerOutputTable(EvaluationTable):
    key = "api:evaluation-cost-per-output"
    verbose_name = gettext_lazy("Cost per unit of output")
    filename = "cost-per-output"

    def compute(self):
        year_min, year_max = self.window()
        return selectors.jsonable(selectors.cost_per_output(year_min=year_min, year_max=year_max))


@register
class RegionalCostPerOutputTable(EvaluationTable):
    key = "api:evaluation-regional-cost-per-output"
    verbose_name = gettext_lazy("Regional cost per unit of output")
    filename = "regional-cost-per-output"

    def compute(self):
        year_min, year_max = self.window()
        return selectors.jsonable(selectors.regional_cost_per_output(year_min=year_min, year_max=year_max))


@register
class RecommendationsTable(EvaluationTable):
    key = "api:evaluation-recommendations"
    verbose_name = gettext_lazy("Recommendations")
    filename = "recommendations"

    def compute(self):
        year_min, year_max = self.window()
        checks = recommendation_checks(year_min=year_min, year_max=year_max)
        actions = {}
        for a in FollowUpAction.objects.order_by("recommendation_id", "due_date", "id").select_related(
            "recommendation"
        ):
            actions.setdefault(a.recommendation.code, []).append(a)
        rows = []
        for check in checks:
            mine = actions.get(check["code"], [])
            rows.append(
                {
                    "number": check["number"],
                    "code": check["code"],
                    "title": check["title"],
                    "status": check["status"],
                    "compliant": check["compliant"],
                    "total": check["total"],
                    "share": check["share"],
                    "causes": "; ".join(f"{r['code']}: {r['problem']}" for r in check["records"]),
                    "actions": len(mine),
                    "actions_open": sum(1 for a in mine if a.status in ("open", "in_progress")),
                    "actions_overdue": sum(1 for a in mine if follow_up_action_overdue(a)),
                }
            )
        return selectors.jsonable(rows)


# --- the evaluation's inputs (read-only lists) ----------------------------------------------------------------------


@register
class IndicatorApiExporter(SerializerExporter):
    key = "api:evaluation-indicators"
    verbose_name = capfirst(Indicator._meta.verbose_name_plural)
    filename = "indicators"
    queryset = Indicator.objects.order_by("code", "pk")
    serializer_class = serializers.IndicatorSerializer
    filterset_class = IndicatorFilterSet


@register
class OutputGoalApiExporter(SerializerExporter):
    key = "api:evaluation-output-goals"
    verbose_name = capfirst(OutputGoal._meta.verbose_name_plural)
    filename = "output-goals"
    queryset = OutputGoal.objects.select_related("activity_type", "indicator").order_by("code", "pk")
    serializer_class = serializers.OutputGoalSerializer
    filterset_class = OutputGoalFilterSet


@register
class OutputTargetApiExporter(SerializerExporter):
    key = "api:evaluation-output-targets"
    verbose_name = capfirst(OutputTarget._meta.verbose_name_plural)
    filename = "output-targets"
    queryset = OutputTarget.objects.select_related("goal").order_by("goal__code", "year", "pk")
    serializer_class = serializers.OutputTargetSerializer
    filterset_class = OutputTargetFilterSet


@register
class MeasurementApiExporter(SerializerExporter):
    key = "api:evaluation-measurements"
    verbose_name = capfirst(Measurement._meta.verbose_name_plural)
    filename = "measurements"
    queryset = Measurement.objects.select_related("activity_type", "indicator", "fieldlab", "hub").order_by(
        "year", "indicator__code", "pk"
    )
    serializer_class = serializers.MeasurementSerializer
    filterset_class = MeasurementFilterSet


@register
class VerdictBandApiExporter(SerializerExporter):
    key = "api:evaluation-verdict-bands"
    verbose_name = capfirst(VerdictBand._meta.verbose_name_plural)
    filename = "verdict-bands"
    queryset = VerdictBand.objects.order_by("min_ratio", "pk")
    serializer_class = serializers.VerdictBandSerializer
    filterset_class = VerdictBandFilterSet


@register
class EfficiencyNormApiExporter(SerializerExporter):
    key = "api:evaluation-efficiency-norms"
    verbose_name = capfirst(EfficiencyNorm._meta.verbose_name_plural)
    filename = "efficiency-norms"
    queryset = EfficiencyNorm.objects.select_related("activity_type", "indicator").order_by(
        "activity_type__code", "indicator__code", "pk"
    )
    serializer_class = serializers.EfficiencyNormSerializer
    filterset_class = EfficiencyNormFilterSet
