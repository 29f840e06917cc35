"""Funding endpoints. Writes go through funding/services.py, which holds the workflow and its permission rules."""

from django.http import StreamingHttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core import policy
from core.api.renderers import TabularRenderer
from core.api.serializers import requested_field_names
from core.api.views import EXPORT_CHUNK_SIZE, ExportTooLarge, ServiceModelViewSet
from core.exporters import stream_max_rows, xlsx_refusal
from core.services import record_create, record_delete, record_update
from jobs.api.serializers import JobSerializer
from jobs.api.views import job_accepted_response
from jobs.choices import JobKind
from jobs.services import job_create

from .. import services, threesixtygiving
from ..choices import RecordStatus
from ..exports import API_EXPORT, FUNDING_RECORD_EXPORT, FUNDING_RECORD_ORDERING, THREESIXTYGIVING_EXPORT
from ..fields import KEY_OF_MODEL_FIELD
from ..filtersets import FunderFilterSet, FundingRecordFilterSet
from ..models import Funder, FundingRecord
from ..serializers import FundingRecordSerializer
from . import serializers


class FunderViewSet(ServiceModelViewSet):
    """Organisations that put money in, each with its source category. Bureau-only writes."""

    queryset = Funder.objects.select_related("province").order_by("name", "pk")
    serializer_class = serializers.FunderSerializer
    filterset_class = FunderFilterSet
    lookup_field = "slug"

    def service_create(self, *, actor, data):
        return record_create(model=Funder, actor=actor, data=data)

    def service_update(self, *, instance, actor, data):
        return record_update(instance=instance, actor=actor, data=data)

    def service_delete(self, *, instance, actor):
        record_delete(instance=instance, actor=actor)


WORKFLOW_RESPONSES = {200: FundingRecordSerializer}


@extend_schema_view(
    submit=extend_schema(
        summary=_("Submit a draft or returned record for approval"),
        description=_("The record's hub coordinator or the bureau; the reporting period must be open."),
        request=None,
        responses=WORKFLOW_RESPONSES,
    ),
    approve=extend_schema(
        summary=_("Approve a submitted record (bureau)"),
        request=serializers.WorkflowCommentSerializer,
        responses=WORKFLOW_RESPONSES,
    ),
    return_=extend_schema(
        summary=_("Return a submitted record to its hub with a comment (bureau)"),
        request=serializers.WorkflowCommentSerializer,
        responses=WORKFLOW_RESPONSES,
    ),
    three_sixty_giving=extend_schema(
        summary=_("Approved funding records in the 360Giving data standard"),
        description=_(
            'JSON: a 360Giving package {"grants": [...]} with the standard\'s field names (id, title, description, '
            "currency, amountAwarded, awardDate, plannedDates, recipientOrganization, fundingOrganization, "
            "grantProgramme, dateModified). CSV/XLSX: one row per grant with the standard's spreadsheet column "
            "titles (Identifier, Title, Description, Currency, Amount Awarded, Award Date, Planned Dates:Start "
            "Date, Planned Dates:End Date, Recipient Org:Identifier, Recipient Org:Name, Funding Org:Identifier, "
            "Funding Org:Name, Grant Programme:Code, Grant Programme:Title, Last Modified). Only approved records; "
            "the list filters apply. Identifiers use the registry's own prefix 360G-smartindustry (not issued by "
            "360Giving). Streamed, never paginated."
        ),
        responses={
            200: OpenApiResponse(serializers.ThreeSixtyGivingPackageSerializer),
            202: OpenApiResponse(
                JobSerializer,
                description=(
                    "Above the export bounds: the background job that writes the file (Location names it; fetch its "
                    "download_url once it is done)."
                ),
            ),
        },
        filters=True,
    ),
)
class FundingRecordViewSet(ServiceModelViewSet):
    """Funding records: one amount from one source to one recipient in one year.

    Drafts and returned records are visible only to the bureau and the coordinators of the record's hub.
    """

    queryset = FundingRecord.objects.select_related(
        "fieldlab__hub", "hub", "bureau", "funder", "activity_type"
    ).order_by(*FUNDING_RECORD_ORDERING)
    serializer_class = FundingRecordSerializer
    filterset_class = FundingRecordFilterSet
    policy_actions = {
        "submit": policy.Action.SUBMIT,
        "approve": policy.Action.APPROVE,
        "return_": policy.Action.RETURN,
    }
    # The service validates model fields; the API names them by their machine keys (the recipient's three foreign
    # keys are "recipient"), as the import does.
    service_error_field_map = {**KEY_OF_MODEL_FIELD, "review_comment": "comment"}
    # CSV/XLSX straight from the database (funding/exports.py); above EXPORT_STREAM_MAX_ROWS rows, a job.
    export_table = FUNDING_RECORD_EXPORT

    def export_job_start(self, request, count: int, filename: str):
        parameters = {
            "list": API_EXPORT,
            "format": request.accepted_renderer.format,
            "query": {key: values for key, values in request.query_params.lists() if key != "format"},
            "fields": requested_field_names(request, self.serializer_class),
            "language": get_language(),
            "rows": count,
        }
        job = job_create(kind=JobKind.EXPORT, owner=request.user, filename=filename, parameters=parameters)
        return job_accepted_response(request, job)

    # What a row of the list reads of its related rows: their keys and slugs. The rest (names, descriptions, time
    # stamps …) is not fetched: at 50 rows a page, converting six related rows' columns was most of the page's
    # database time after planning (docs/benchmarks.md).
    LIST_RELATED_FIELDS = (
        "fieldlab__slug",
        "fieldlab__hub__slug",
        "hub__slug",
        "bureau__slug",
        "funder__slug",
        "activity_type__code",
    )

    def get_queryset(self):
        queryset = super().get_queryset()  # the rows the policy lets this user see (RestrictedQuerysetMixin)
        if getattr(self, "action", None) == "list":
            own = [field.name for field in FundingRecord._meta.concrete_fields]
            queryset = queryset.only(*own, *self.LIST_RELATED_FIELDS)
        return queryset

    def service_create(self, *, actor, data):
        return services.funding_record_create(actor=actor, **data)

    def service_update(self, *, instance, actor, data):
        return services.funding_record_update(record=instance, actor=actor, data=data)

    def service_delete(self, *, instance, actor):
        services.funding_record_delete(record=instance, actor=actor)

    def _respond(self, record):
        return Response(self.get_serializer(self._reload(record)).data)

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._respond(services.funding_record_submit(record=self.get_object(), actor=request.user))

    def _comment(self, request) -> str:
        body = serializers.WorkflowCommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data.get("comment", "")

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        record = self.get_object()
        comment = self._comment(request)
        return self._respond(services.funding_record_approve(record=record, actor=request.user, comment=comment))

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        record = self.get_object()
        comment = self._comment(request)
        return self._respond(services.funding_record_return(record=record, actor=request.user, comment=comment))

    @action(detail=False, methods=["get"], url_path="360giving", url_name="360giving", pagination_class=None)
    def three_sixty_giving(self, request):
        approved = self.filter_queryset(self.get_queryset()).filter(status=RecordStatus.APPROVED)
        renderer = request.accepted_renderer
        count = approved.count()
        refusal = xlsx_refusal(count) if renderer.format == "xlsx" else None
        if refusal:
            raise ExportTooLarge(refusal)
        if count > stream_max_rows(renderer.format):
            # Too long for one request (the worker's timeout would cut it): written by a background job, as the
            # list's big exports are; 202 with the job's Location, then its download.
            parameters = {
                "list": THREESIXTYGIVING_EXPORT,
                "format": renderer.format,
                "query": {key: values for key, values in request.query_params.lists() if key != "format"},
                "language": get_language(),
                "rows": count,
            }
            filename = f"360giving-grants.{renderer.format}"
            job = job_create(kind=JobKind.EXPORT, owner=request.user, filename=filename, parameters=parameters)
            return job_accepted_response(request, job)
        if not isinstance(renderer, TabularRenderer) and not count:
            # The 360Giving package schema requires at least one grant ("grants": minItems 1), so an empty
            # selection has no valid JSON package: say so with a 404 instead of serving an invalid {"grants": []}.
            # (A spreadsheet of no rows is still a valid sheet: its header.)
            raise NotFound(
                _("No approved funding records match this selection; a 360Giving package holds at least one grant.")
            )
        records = approved.iterator(chunk_size=EXPORT_CHUNK_SIZE)
        if isinstance(renderer, TabularRenderer):
            rows = (threesixtygiving.spreadsheet_row(record) for record in records)
            return renderer.stream_response(
                rows, header=threesixtygiving.CSV_HEADER, filename=f"360giving-grants.{renderer.format}"
            )
        response = StreamingHttpResponse(
            threesixtygiving.iter_json_package(records), content_type="application/json", status=status.HTTP_200_OK
        )
        response["Content-Disposition"] = 'inline; filename="360giving-grants.json"'
        return response
