"""The evaluation API: declarations that parse input and call selectors/services.

Tables answer flat rows (lists of dicts of scalars) so the project-wide CSV/XLSX renderers write them unchanged.
Bad parameters answer 400 with a JSON body naming the parameter; never a 500.
"""

from dataclasses import replace

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core import policy
from core.api.views import PASSIVE_QUERY_PARAMS, ApiViewMixin, ReadOnlyApiViewSet, RestrictedQuerysetMixin
from core.constants import EVALUATION_YEAR_MAX, EVALUATION_YEAR_MIN
from funding.selectors import GROUP_KEYS, FundingFilters, funding_cumulative, funding_leverage_by, funding_totals
from registry.models import Hub
from registry.selectors import companies_reached, companies_reached_by_year

from .. import selectors
from ..checks import recommendation_checks
from ..comparison import evaluation_run_comparison
from ..filters import FILTER_KEYS, MULTI_VALUED_KEYS, parse_funding_totals, parse_year_window
from ..filtersets import (
    EfficiencyNormFilterSet,
    EvaluationRunFilterSet,
    IndicatorFilterSet,
    MeasurementFilterSet,
    OutputGoalFilterSet,
    OutputTargetFilterSet,
    VerdictBandFilterSet,
)
from ..models import (
    ActivityType,
    EfficiencyNorm,
    EvaluationRun,
    FollowUpAction,
    Indicator,
    Measurement,
    OutputGoal,
    OutputTarget,
    Recommendation,
    VerdictBand,
)
from ..services import evaluation_run_start, follow_up_action_overdue
from . import serializers


def _bad_request(exc: DjangoValidationError):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
    return ValidationError(detail)


def _params(request) -> dict:
    """The table's parameters (unknown names were refused by ApiViewMixin): a multi-valued one's repeated values
    joined into its comma list, a single-valued one given twice refused rather than silently taking the last."""
    data = {}
    for key, values in request.query_params.lists():
        if key in PASSIVE_QUERY_PARAMS:
            continue
        if key in MULTI_VALUED_KEYS:
            data[key] = ",".join(values)
        elif len(set(values)) > 1:
            raise ValidationError({key: [_("Give %(name)s once; it takes a single value.") % {"name": key}]})
        else:
            data[key] = values[-1]
    return data


class TableView(ApiViewMixin, APIView):
    """An evaluation table: the year window and ``query_params_allowed``; nothing else is accepted."""

    query_params_allowed = frozenset({"year_min", "year_max"})


def _window(request) -> tuple[int, int, dict]:
    data = _params(request)
    try:
        year_min, year_max = parse_year_window(data)
    except DjangoValidationError as exc:
        raise _bad_request(exc) from exc
    return year_min, year_max, data


YEAR_PARAMS = [
    OpenApiParameter("year_min", int, description=f"First year (default {EVALUATION_YEAR_MIN})"),
    OpenApiParameter("year_max", int, description=f"Last year (default {EVALUATION_YEAR_MAX})"),
]


FUNDING_FILTER_PARAMS = [
    OpenApiParameter("year_min", int, description="First year counted (inclusive)"),
    OpenApiParameter("year_max", int, description="Last year counted (inclusive)"),
    OpenApiParameter(
        "recipient_kind", str, enum=["fieldlab", "hub", "bureau"], description="Only records to this kind"
    ),
    OpenApiParameter(
        "hub", str, many=True, explode=True, description="Hub slug(s): the hubs' records and their fieldlabs'"
    ),
    OpenApiParameter("source", str, many=True, explode=True, description="Source code(s)"),
    OpenApiParameter("activity_type", str, many=True, explode=True, description="Activity type code(s)"),
    OpenApiParameter("kind", str, enum=["cash", "in_kind"], description="Cash or in kind"),
    OpenApiParameter("realisation", str, enum=["planned", "realised"], description="Planned or realised"),
]
GROUP_BY_PARAM = OpenApiParameter(
    "group_by", str, many=True, explode=True, description="Group keys: " + ", ".join(GROUP_KEYS)
)


def _funding_request(request) -> tuple[tuple[str, ...], FundingFilters]:
    try:
        return parse_funding_totals(_params(request))
    except DjangoValidationError as exc:
        raise _bad_request(exc) from exc


class FundingTotalsView(TableView):
    """Approved funding summed per group (`group_by`: comma-separated keys), with filters."""

    query_params_allowed = frozenset({"group_by", *FILTER_KEYS})

    @extend_schema(
        parameters=[GROUP_BY_PARAM, *FUNDING_FILTER_PARAMS],
        responses={200: serializers.FundingTotalsRowSerializer(many=True)},
    )
    def get(self, request):
        group_by, filters = _funding_request(request)
        return Response(selectors.jsonable(funding_totals(group_by=group_by, filters=filters)))


class FundingCumulativeView(TableView):
    """Approved funding per year with its running total; years without funding appear with zero. The same filters
    as funding-totals (the window defaults to the evaluation's years)."""

    query_params_allowed = frozenset(FILTER_KEYS)

    @extend_schema(
        parameters=FUNDING_FILTER_PARAMS, responses={200: serializers.FundingCumulativeRowSerializer(many=True)}
    )
    def get(self, request):
        _keys, filters = _funding_request(request)
        filters = replace(
            filters,
            year_min=EVALUATION_YEAR_MIN if filters.year_min is None else filters.year_min,
            year_max=EVALUATION_YEAR_MAX if filters.year_max is None else filters.year_max,
        )
        if filters.year_min > filters.year_max:
            raise ValidationError({"year_max": [_("year_max must not be before year_min.")]})
        return Response(selectors.jsonable(funding_cumulative(filters=filters)))


class LeverageView(TableView):
    """Leverage per group: private euro (companies) and public euro (the other sources), their total, the private
    share and private euro per public euro, computed from the sums (never averaged). The filters and group keys of
    funding-totals; without group_by one row for the whole selection."""

    query_params_allowed = frozenset({"group_by", *FILTER_KEYS})

    @extend_schema(
        parameters=[GROUP_BY_PARAM, *FUNDING_FILTER_PARAMS],
        responses={200: serializers.LeverageRowSerializer(many=True)},
    )
    def get(self, request):
        group_by, filters = _funding_request(request)
        return Response(selectors.jsonable(funding_leverage_by(group_by=group_by, filters=filters)))


class ActivityTypesView(TableView):
    """One row per activity type: its lead level(s), funding, effectiveness and efficiency verdicts."""

    @extend_schema(
        operation_id="evaluation_activity_types_list",
        parameters=YEAR_PARAMS,
        responses={200: serializers.ActivityTypeRowSerializer(many=True)},
    )
    def get(self, request):
        year_min, year_max, _data = _window(request)
        return Response(selectors.jsonable(_activity_type_rows(year_min, year_max)))


def _activity_type_rows(year_min: int, year_max: int, code: str | None = None) -> list[dict]:
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
        for r in funding_totals(
            group_by=["activity_type"], filters=FundingFilters(year_min=year_min, year_max=year_max)
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


class ActivityTypeDetailView(TableView):
    """One activity type: its row of activity-types/, effectiveness per year and per goal, and cost per output."""

    @extend_schema(parameters=YEAR_PARAMS, responses={200: serializers.ActivityTypeDetailSerializer})
    def get(self, request, code):
        year_min, year_max, _data = _window(request)
        row = _activity_type_rows(year_min, year_max, code=code)[0]
        tables = selectors.effectiveness_tables(year_min=year_min, year_max=year_max)
        row["by_year"] = [r for r in tables["by_year"] if r["activity_type"] == code]
        row["goals_by_year"] = [r for r in tables["goals"] if r["activity_type"] == code]
        row["cost_per_output"] = [
            r for r in selectors.cost_per_output(year_min=year_min, year_max=year_max) if r["activity_type"] == code
        ]
        return Response(selectors.jsonable(row))


class EffectivenessView(TableView):
    """Per activity type and year: measurable goals, mean actual/target and the verdict."""

    @extend_schema(parameters=YEAR_PARAMS, responses={200: serializers.EffectivenessRowSerializer(many=True)})
    def get(self, request):
        year_min, year_max, _data = _window(request)
        return Response(
            selectors.jsonable(selectors.effectiveness_tables(year_min=year_min, year_max=year_max)["by_year"])
        )


class CompaniesReachedView(TableView):
    """Companies reached (unique companies that took part at a fieldlab or a hub): one row per year, then one for the
    whole window (year empty). A company counts once however many fieldlabs and hubs it took part in;
    `company_fieldlab_pairs` is what adding up the fieldlabs gives."""

    query_params_allowed = frozenset({"year_min", "year_max", "hub"})

    @extend_schema(
        parameters=[
            *YEAR_PARAMS,
            OpenApiParameter("hub", str, description="Hub slug: the hub's own activities and its fieldlabs'"),
        ],
        responses={200: serializers.CompaniesReachedRowSerializer(many=True)},
    )
    def get(self, request):
        year_min, year_max, data = _window(request)
        hubs = [part.strip() for part in data.get("hub", "").split(",") if part.strip()]
        if len(hubs) > 1:
            raise ValidationError({"hub": [_("Give one hub; unique companies are counted per hub.")]})
        hub = hubs[0] if hubs else None
        if hub and not Hub.objects.filter(slug=hub).exists():
            raise ValidationError({"hub": [_("Unknown hub(s): %(value)s.") % {"value": hub}]})
        rows = companies_reached_by_year(year_min=year_min, year_max=year_max, hub=hub)
        total = companies_reached(year_min=year_min, year_max=year_max, hub=hub)
        rows.append({"year": None, **total})
        return Response(rows)


class CostPerOutputView(TableView):
    """Per activity type and indicator: approved funding over approved output, against the norm (efficiency)."""

    @extend_schema(parameters=YEAR_PARAMS, responses={200: serializers.CostPerOutputRowSerializer(many=True)})
    def get(self, request):
        year_min, year_max, _data = _window(request)
        return Response(selectors.jsonable(selectors.cost_per_output(year_min=year_min, year_max=year_max)))


class RegionalCostPerOutputView(TableView):
    """The regions' view: per hub, regional euro over the output in that region, against the regional norm."""

    @extend_schema(parameters=YEAR_PARAMS, responses={200: serializers.RegionalCostPerOutputRowSerializer(many=True)})
    def get(self, request):
        year_min, year_max, _data = _window(request)
        return Response(selectors.jsonable(selectors.regional_cost_per_output(year_min=year_min, year_max=year_max)))


def _recommendation_rows(year_min: int, year_max: int) -> list[dict]:
    checks = recommendation_checks(year_min=year_min, year_max=year_max)
    actions = {}
    for a in FollowUpAction.objects.order_by("recommendation_id", "due_date", "id").select_related("recommendation"):
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
    return rows


class RecommendationsView(TableView):
    """The five recommendation checks, one flat row each (the causes joined into one text column)."""

    @extend_schema(
        operation_id="evaluation_recommendations_list",
        parameters=YEAR_PARAMS,
        responses={200: serializers.RecommendationRowSerializer(many=True)},
    )
    def get(self, request):
        year_min, year_max, _data = _window(request)
        return Response(selectors.jsonable(_recommendation_rows(year_min, year_max)))


class RecommendationDetailView(TableView):
    """One check in full: figures, the records that cause its status, and its follow-up actions."""

    @extend_schema(parameters=YEAR_PARAMS, responses={200: serializers.RecommendationDetailSerializer})
    def get(self, request, code):
        year_min, year_max, _data = _window(request)
        recommendation = get_object_or_404(Recommendation, code=code)
        check = next(c for c in recommendation_checks(year_min=year_min, year_max=year_max) if c["code"] == code)
        check["text"] = recommendation.text
        check["provenance"] = recommendation.provenance
        check["provenance_source"] = recommendation.provenance_source
        check["actions"] = [
            {
                "id": a.pk,
                "title": a.title,
                "owner": a.owner,
                "due_date": a.due_date.isoformat() if a.due_date else None,
                "status": a.status,
                "evidence": a.evidence,
                "overdue": follow_up_action_overdue(a),
            }
            for a in recommendation.actions.order_by("due_date", "id")
        ]
        return Response(selectors.jsonable(check))


class EvaluationRunViewSet(
    ApiViewMixin, RestrictedQuerysetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Frozen evaluation runs. Everyone reads; the bureau starts one with POST (a job: the worker runs it)."""

    queryset = EvaluationRun.objects.select_related("job__owner").order_by("-created_at", "-id")
    policy_actions = {"create": policy.Action.RUN_EVALUATION}
    filterset_class = EvaluationRunFilterSet
    filter_backends = [DjangoFilterBackend]
    query_params_allowed = frozenset({"with"})  # compare/

    def get_serializer_class(self):
        if self.action == "create":
            return serializers.RunCreateSerializer
        if self.action == "list":
            return serializers.RunListSerializer
        return serializers.RunDetailSerializer

    @extend_schema(request=serializers.RunCreateSerializer, responses={201: serializers.RunDetailSerializer})
    def create(self, request, *args, **kwargs):
        incoming = serializers.RunCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            run = evaluation_run_start(actor=request.user, parameters=dict(incoming.validated_data))
        except DjangoValidationError as exc:
            raise _bad_request(exc) from exc
        # With no broker the task has run on commit already; re-read so the answer shows the outcome. The run is
        # created either way (its status says whether the worker is done): 201 with the run, as documented.
        run.refresh_from_db()
        body = serializers.RunDetailSerializer(run).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": f"{request.path}{run.pk}/"})

    @extend_schema(
        parameters=[OpenApiParameter("with", int, required=True, description="The other run's id")],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"])
    def compare(self, request, pk=None):
        run = self.get_object()
        other_id = request.query_params.get("with", "")
        if not other_id.isdigit():
            raise ValidationError({"with": _("Give the id of the run to compare with: ?with=<id>.")})
        other = EvaluationRun.objects.select_related("job").filter(pk=int(other_id)).first()
        if other is None:
            raise ValidationError({"with": _("No evaluation run %(id)s.") % {"id": other_id}})
        return Response(evaluation_run_comparison(run=run, other=other))


class IndicatorViewSet(ReadOnlyApiViewSet):
    """Indicators: what the output goals and measurements count, and in which unit."""

    queryset = Indicator.objects.order_by("code", "pk")
    serializer_class = serializers.IndicatorSerializer
    filterset_class = IndicatorFilterSet


class OutputGoalViewSet(ReadOnlyApiViewSet):
    """Output goals per activity type; a goal with an indicator is measurable (its targets are in output-targets)."""

    queryset = OutputGoal.objects.select_related("activity_type", "indicator").order_by("code", "pk")
    serializer_class = serializers.OutputGoalSerializer
    filterset_class = OutputGoalFilterSet


class OutputTargetViewSet(ReadOnlyApiViewSet):
    """The target of an output goal in a year."""

    queryset = OutputTarget.objects.select_related("goal").order_by("goal__code", "year", "pk")
    serializer_class = serializers.OutputTargetSerializer
    filterset_class = OutputTargetFilterSet


class MeasurementViewSet(ReadOnlyApiViewSet):
    """Measured output per indicator, year and hub or fieldlab. Reviewable like funding records: what a role may see
    is the policy's (drafts and returned figures only for the bureau and the hub's own); only approved figures count
    in the evaluation (filter status=approved to recompute it)."""

    queryset = Measurement.objects.select_related("activity_type", "indicator", "fieldlab", "hub").order_by(
        "year", "indicator__code", "pk"
    )
    serializer_class = serializers.MeasurementSerializer
    filterset_class = MeasurementFilterSet


class VerdictBandViewSet(ReadOnlyApiViewSet):
    """The effectiveness verdict bands: a mean actual/target at or above min_ratio earns the verdict (highest band
    that fits)."""

    queryset = VerdictBand.objects.order_by("min_ratio", "pk")
    serializer_class = serializers.VerdictBandSerializer
    filterset_class = VerdictBandFilterSet


class EfficiencyNormViewSet(ReadOnlyApiViewSet):
    """The efficiency norms: the highest cost per unit of output (national and regional view) still within norm."""

    queryset = EfficiencyNorm.objects.select_related("activity_type", "indicator").order_by(
        "activity_type__code", "indicator__code", "pk"
    )
    serializer_class = serializers.EfficiencyNormSerializer
    filterset_class = EfficiencyNormFilterSet
