"""The evaluation API: declarations that parse input and call selectors/services.

Tables answer flat rows (lists of dicts of scalars) so the project-wide CSV/XLSX renderers write them unchanged.
Bad parameters answer 400 with a JSON body naming the parameter; never a 500.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import policy
from registry.selectors import companies_reached, companies_reached_by_year
from smartindustry.constants import EVALUATION_YEAR_MAX, EVALUATION_YEAR_MIN

from .. import selectors
from ..checks import recommendation_checks
from ..comparison import evaluation_run_comparison
from ..filters import FILTER_KEYS, parse_funding_totals, parse_year_window
from ..filtersets import EvaluationRunFilterSet
from ..models import ActivityType, EvaluationRun, FollowUpAction, Recommendation
from ..services import evaluation_run_start, follow_up_action_overdue
from . import serializers

# Query parameters every table view accepts without treating them as filters (rendering and paging).
PASSIVE_PARAMS = {"format", "page", "page_size", "lang"}


def _bad_request(exc: DjangoValidationError):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
    return ValidationError(detail)


def _params(request, allowed: set[str]) -> dict:
    data = {k: request.query_params.get(k) for k in request.query_params if k not in PASSIVE_PARAMS}
    unknown = sorted(set(data) - allowed)
    if unknown:
        message = _("Unknown parameter; allowed: %(allowed)s.") % {"allowed": ", ".join(sorted(allowed))}
        raise ValidationError({name: [message] for name in unknown})
    return data


def _window(request, extra: set[str] = frozenset()) -> tuple[int, int, dict]:
    data = _params(request, {"year_min", "year_max", *extra})
    try:
        year_min, year_max = parse_year_window(data)
    except DjangoValidationError as exc:
        raise _bad_request(exc) from exc
    return year_min, year_max, data


YEAR_PARAMS = [
    OpenApiParameter("year_min", int, description=f"First year (default {EVALUATION_YEAR_MIN})"),
    OpenApiParameter("year_max", int, description=f"Last year (default {EVALUATION_YEAR_MAX})"),
]


class FundingTotalsView(APIView):
    """Approved funding summed per group (`group_by`: comma-separated keys), with filters."""

    @extend_schema(
        parameters=[
            OpenApiParameter("group_by", str, description="Comma-separated: " + ", ".join(selectors.GROUP_KEYS)),
            OpenApiParameter("year_min", int, description="First year counted (inclusive)"),
            OpenApiParameter("year_max", int, description="Last year counted (inclusive)"),
            OpenApiParameter(
                "recipient_kind", str, enum=["fieldlab", "hub", "bureau"], description="Only records to this kind"
            ),
            OpenApiParameter("hub", str, description="Hub slug: the hub's records and its fieldlabs'"),
            OpenApiParameter("source", str, description="Source code(s), comma-separated"),
            OpenApiParameter("activity_type", str, description="Activity type code"),
            OpenApiParameter("kind", str, enum=["cash", "in_kind"], description="Cash or in kind"),
            OpenApiParameter("realisation", str, enum=["planned", "realised"], description="Planned or realised"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        data = _params(request, {"group_by", *FILTER_KEYS})
        try:
            group_by, filters = parse_funding_totals(data)
        except DjangoValidationError as exc:
            raise _bad_request(exc) from exc
        return Response(selectors.jsonable(selectors.funding_totals(group_by=group_by, filters=filters)))


class FundingCumulativeView(APIView):
    """Approved funding per year with its running total; years without funding appear with zero."""

    @extend_schema(parameters=YEAR_PARAMS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        year_min, year_max, _data = _window(request)
        rows = selectors.funding_cumulative(filters=selectors.FundingFilters(year_min=year_min, year_max=year_max))
        return Response(selectors.jsonable(rows))


class ActivityTypesView(APIView):
    """One row per activity type: its lead level(s), funding, effectiveness and efficiency verdicts."""

    @extend_schema(
        operation_id="evaluation_activity_types_list", parameters=YEAR_PARAMS, responses={200: OpenApiTypes.OBJECT}
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
        for r in selectors.funding_totals(
            group_by=["activity_type"], filters=selectors.FundingFilters(year_min=year_min, year_max=year_max)
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


class ActivityTypeDetailView(APIView):
    """One activity type: its row of activity-types/, effectiveness per year and per goal, and cost per output."""

    @extend_schema(parameters=YEAR_PARAMS, responses={200: OpenApiTypes.OBJECT})
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


class EffectivenessView(APIView):
    """Per activity type and year: measurable goals, mean actual/target and the verdict."""

    @extend_schema(parameters=YEAR_PARAMS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        year_min, year_max, _data = _window(request)
        return Response(
            selectors.jsonable(selectors.effectiveness_tables(year_min=year_min, year_max=year_max)["by_year"])
        )


class CompaniesReachedView(APIView):
    """Companies reached (unique companies that took part at a fieldlab or a hub): one row per year, then one for the
    whole window (year empty). A company counts once however many fieldlabs and hubs it took part in;
    `company_fieldlab_pairs` is what adding up the fieldlabs gives."""

    @extend_schema(
        parameters=[
            *YEAR_PARAMS,
            OpenApiParameter("hub", str, description="Hub slug: the hub's own activities and its fieldlabs'"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        year_min, year_max, data = _window(request, extra={"hub"})
        hub = data.get("hub") or None
        rows = companies_reached_by_year(year_min=year_min, year_max=year_max, hub=hub)
        total = companies_reached(year_min=year_min, year_max=year_max, hub=hub)
        rows.append({"year": None, **total})
        return Response(rows)


class CostPerOutputView(APIView):
    """Per activity type and indicator: approved funding over approved output, against the norm (efficiency)."""

    @extend_schema(parameters=YEAR_PARAMS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        year_min, year_max, _data = _window(request)
        return Response(selectors.jsonable(selectors.cost_per_output(year_min=year_min, year_max=year_max)))


class RegionalCostPerOutputView(APIView):
    """The regions' view: per hub, regional euro over the output in that region, against the regional norm."""

    @extend_schema(parameters=YEAR_PARAMS, responses={200: OpenApiTypes.OBJECT})
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


class RecommendationsView(APIView):
    """The five recommendation checks, one flat row each (the causes joined into one text column)."""

    @extend_schema(
        operation_id="evaluation_recommendations_list", parameters=YEAR_PARAMS, responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request):
        year_min, year_max, _data = _window(request)
        return Response(selectors.jsonable(_recommendation_rows(year_min, year_max)))


class RecommendationDetailView(APIView):
    """One check in full: figures, the records that cause its status, and its follow-up actions."""

    @extend_schema(parameters=YEAR_PARAMS, responses={200: OpenApiTypes.OBJECT})
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


class EvaluationRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Frozen evaluation runs. Everyone reads; the bureau starts one with POST (it runs in the worker)."""

    queryset = EvaluationRun.objects.select_related("created_by").order_by("-created_at", "-id")
    policy_actions = {"create": policy.Action.RUN_EVALUATION}
    filterset_class = EvaluationRunFilterSet
    ordering_fields = ["created_at", "id"]
    search_fields = []

    def get_serializer_class(self):
        if self.action == "create":
            return serializers.RunCreateSerializer
        if self.action == "list":
            return serializers.RunListSerializer
        return serializers.RunDetailSerializer

    @extend_schema(request=serializers.RunCreateSerializer, responses={202: serializers.RunDetailSerializer})
    def create(self, request, *args, **kwargs):
        incoming = serializers.RunCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            run = evaluation_run_start(actor=request.user, parameters=dict(incoming.validated_data))
        except DjangoValidationError as exc:
            raise _bad_request(exc) from exc
        # With no broker the task has run on commit already; re-read so the answer shows the outcome.
        run.refresh_from_db()
        body = serializers.RunDetailSerializer(run).data
        return Response(body, status=status.HTTP_201_CREATED if run.status == "done" else status.HTTP_202_ACCEPTED)

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
        other = EvaluationRun.objects.filter(pk=int(other_id)).first()
        if other is None:
            raise ValidationError({"with": _("No evaluation run %(id)s.") % {"id": other_id}})
        return Response(evaluation_run_comparison(run=run, other=other))
