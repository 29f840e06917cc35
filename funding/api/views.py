"""Funding endpoints. Writes go through funding/services.py, which holds the workflow and its permission rules."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from core import policy
from core.api.exporters import export_response
from core.api.views import ServiceModelViewSet
from core.services import record_create, record_delete, record_update
from jobs.api.serializers import JobSerializer

from .. import services
from ..fields import KEY_OF_MODEL_FIELD
from ..models import Funder, FundingRecord
from ..serializers import FundingRecordSerializer
from . import serializers
from .exporters import FunderApiExporter, FundingRecordApiExporter, ThreeSixtyGivingExporter


class FunderViewSet(ServiceModelViewSet):
    """Organisations that put money in, each with its source category. Bureau-only writes."""

    exporter = FunderApiExporter
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

    # Its queryset, serializer and FilterSet; CSV/XLSX straight from the database (funding/api/exporters.py).
    exporter = FundingRecordApiExporter
    policy_actions = {
        "submit": policy.Action.SUBMIT,
        "approve": policy.Action.APPROVE,
        "return_": policy.Action.RETURN,
    }
    # The service validates model fields; the API names them by their machine keys (the recipient's three foreign
    # keys are "recipient"), as the import does.
    service_error_field_map = {**KEY_OF_MODEL_FIELD, "review_comment": "comment"}
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

    @action(
        detail=False,
        methods=["get"],
        url_path="360giving",
        url_name="360giving",
        pagination_class=None,
        exporter=ThreeSixtyGivingExporter,
    )
    def three_sixty_giving(self, request):
        """Streamed below the export bounds, a background job above them (202, then its download); the JSON package
        of an empty selection is a 404 (no valid package has no grant)."""
        exporter = self.exporter(user=request.user, query=request.query_params, fmt=request.accepted_renderer.format)
        return export_response(request, exporter)
