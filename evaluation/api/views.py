"""The evaluation API: declarations that parse input and call selectors/services.

Tables answer flat rows (lists of dicts of scalars) so the project-wide CSV/XLSX renderers write them unchanged.
Bad parameters answer 400 with a JSON body naming the parameter; never a 500.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core import policy
from core.api.exporters import export_response
from core.api.renderers import TabularRenderer
from core.api.views import ApiViewMixin, ReadOnlyApiViewSet, RestrictedQuerysetMixin
from core.constants import EVALUATION_YEAR_MAX, EVALUATION_YEAR_MIN
from core.exporters import ExportInvalid
from funding.selectors import GROUP_KEYS

from .. import selectors
from ..checks import recommendation_checks
from ..comparison import evaluation_run_comparison
from ..filters import FILTER_KEYS
from ..filtersets import (
    EvaluationRunFilterSet,
)
from ..models import (
    EvaluationRun,
    Recommendation,
)
from ..services import evaluation_run_start, follow_up_action_overdue
from . import exporters, serializers


def _bad_request(exc: DjangoValidationError):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
    return ValidationError(detail)


class TableView(ApiViewMixin, APIView):
    """An evaluation table: its ``exporter`` (evaluation/api/exporters.py) makes the rows from the query; JSON answers
    them as they are, CSV/XLSX are the exporter's file (or a job, or a refusal: core.exporters decides). Only the
    year window and ``query_params_allowed`` are accepted."""

    query_params_allowed = frozenset({"year_min", "year_max"})
    exporter: type[exporters.EvaluationTable] = exporters.EvaluationTable

    def table(self, request):
        exporter = self.exporter(user=request.user, query=request.query_params, fmt=request.accepted_renderer.format)
        if isinstance(request.accepted_renderer, TabularRenderer):
            return export_response(request, exporter)
        try:
            return Response(exporter.table_rows())
        except ExportInvalid as exc:
            raise ValidationError(exc.errors) from exc

    def window(self, request) -> tuple[int, int]:
        try:
            return self.exporter(user=request.user, query=request.query_params, fmt="json").window()
        except ExportInvalid as exc:
            raise ValidationError(exc.errors) from exc


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


class FundingTotalsView(TableView):
    """Approved funding summed per group (`group_by`: comma-separated keys), with filters."""

    query_params_allowed = frozenset({"group_by", *FILTER_KEYS})
    exporter = exporters.FundingTotalsTable

    @extend_schema(
        parameters=[GROUP_BY_PARAM, *FUNDING_FILTER_PARAMS],
        responses={200: serializers.FundingTotalsRowSerializer(many=True)},
    )
    def get(self, request):
        return self.table(request)


class FundingCumulativeView(TableView):
    """Approved funding per year with its running total; years without funding appear with zero. The same filters
    as funding-totals (the window defaults to the evaluation's years)."""

    query_params_allowed = frozenset(FILTER_KEYS)
    exporter = exporters.FundingCumulativeTable

    @extend_schema(
        parameters=FUNDING_FILTER_PARAMS, responses={200: serializers.FundingCumulativeRowSerializer(many=True)}
    )
    def get(self, request):
        return self.table(request)


class LeverageView(TableView):
    """Leverage per group: private euro (companies) and public euro (the other sources), their total, the private
    share and private euro per public euro, computed from the sums (never averaged). The filters and group keys of
    funding-totals; without group_by one row for the whole selection."""

    query_params_allowed = frozenset({"group_by", *FILTER_KEYS})
    exporter = exporters.LeverageTable

    @extend_schema(
        parameters=[GROUP_BY_PARAM, *FUNDING_FILTER_PARAMS],
        responses={200: serializers.LeverageRowSerializer(many=True)},
    )
    def get(self, request):
        return self.table(request)


class ActivityTypesView(TableView):
    """One row per activity type: its lead level(s), funding, effectiveness and efficiency verdicts."""

    exporter = exporters.ActivityTypesTable

    @extend_schema(
        operation_id="evaluation_activity_types_list",
        parameters=YEAR_PARAMS,
        responses={200: serializers.ActivityTypeRowSerializer(many=True)},
    )
    def get(self, request):
        return self.table(request)


class ActivityTypeDetailView(TableView):
    """One activity type: its row of activity-types/, effectiveness per year and per goal, and cost per output."""

    @extend_schema(parameters=YEAR_PARAMS, responses={200: serializers.ActivityTypeDetailSerializer})
    def get(self, request, code):
        year_min, year_max = self.window(request)
        row = exporters.activity_type_rows(year_min, year_max, code=code)[0]
        tables = selectors.effectiveness_tables(year_min=year_min, year_max=year_max)
        row["by_year"] = [r for r in tables["by_year"] if r["activity_type"] == code]
        row["goals_by_year"] = [r for r in tables["goals"] if r["activity_type"] == code]
        row["cost_per_output"] = [
            r for r in selectors.cost_per_output(year_min=year_min, year_max=year_max) if r["activity_type"] == code
        ]
        return Response(selectors.jsonable(row))


class EffectivenessView(TableView):
    """Per activity type and year: measurable goals, mean actual/target and the verdict."""

    exporter = exporters.EffectivenessTable

    @extend_schema(parameters=YEAR_PARAMS, responses={200: serializers.EffectivenessRowSerializer(many=True)})
    def get(self, request):
        return self.table(request)


class CompaniesReachedView(TableView):
    """Companies reached (unique companies that took part at a fieldlab or a hub): one row per year, then one for the
    whole window (year empty). A company counts once however many fieldlabs and hubs it took part in;
    `company_fieldlab_pairs` is what adding up the fieldlabs gives."""

    query_params_allowed = frozenset({"year_min", "year_max", "hub"})
    exporter = exporters.CompaniesReachedTable

    @extend_schema(
        parameters=[
            *YEAR_PARAMS,
            OpenApiParameter("hub", str, description="Hub slug: the hub's own activities and its fieldlabs'"),
        ],
        responses={200: serializers.CompaniesReachedRowSerializer(many=True)},
    )
    def get(self, request):
        return self.table(request)


class CostPerOutputView(TableView):
    """Per activity type and indicator: approved funding over approved output, against the norm (efficiency)."""

    exporter = exporters.CostPerOutputTable

    @extend_schema(parameters=YEAR_PARAMS, responses={200: serializers.CostPerOutputRowSerializer(many=True)})
    def get(self, request):
        return self.table(request)


class RegionalCostPerOutputView(TableView):
    """The regions' view: per hub, regional euro over the output in that region, against the regional norm."""

    exporter = exporters.RegionalCostPerOutputTable

    @extend_schema(parameters=YEAR_PARAMS, responses={200: serializers.RegionalCostPerOutputRowSerializer(many=True)})
    def get(self, request):
        return self.table(request)


class RecommendationsView(TableView):
    """The five recommendation checks, one flat row each (the causes joined into one text column)."""

    exporter = exporters.RecommendationsTable

    @extend_schema(
        operation_id="evaluation_recommendations_list",
        parameters=YEAR_PARAMS,
        responses={200: serializers.RecommendationRowSerializer(many=True)},
    )
    def get(self, request):
        return self.table(request)


class RecommendationDetailView(TableView):
    """One check in full: figures, the records that cause its status, and its follow-up actions."""

    @extend_schema(parameters=YEAR_PARAMS, responses={200: serializers.RecommendationDetailSerializer})
    def get(self, request, code):
        year_min, year_max = self.window(request)
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

    exporter = exporters.IndicatorApiExporter


class OutputGoalViewSet(ReadOnlyApiViewSet):
    """Output goals per activity type; a goal with an indicator is measurable (its targets are in output-targets)."""

    exporter = exporters.OutputGoalApiExporter


class OutputTargetViewSet(ReadOnlyApiViewSet):
    """The target of an output goal in a year."""

    exporter = exporters.OutputTargetApiExporter


class MeasurementViewSet(ReadOnlyApiViewSet):
    """Measured output per indicator, year and hub or fieldlab. Reviewable like funding records: what a role may see
    is the policy's (drafts and returned figures only for the bureau and the hub's own); only approved figures count
    in the evaluation (filter status=approved to recompute it)."""

    exporter = exporters.MeasurementApiExporter


class VerdictBandViewSet(ReadOnlyApiViewSet):
    """The effectiveness verdict bands: a mean actual/target at or above min_ratio earns the verdict (highest band
    that fits)."""

    exporter = exporters.VerdictBandApiExporter


class EfficiencyNormViewSet(ReadOnlyApiViewSet):
    """The efficiency norms: the highest cost per unit of output (national and regional view) still within norm."""

    exporter = exporters.EfficiencyNormApiExporter
