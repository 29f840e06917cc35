"""Reporting periods over the API: read by every role; closed and reopened by the bureau (the policy decides)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from core import policy
from core.api.views import ReadOnlyApiViewSet

from .. import services
from . import serializers
from .exporters import ReportingPeriodApiExporter

__all__ = ["ReportingPeriodViewSet"]


@extend_schema_view(
    close=extend_schema(
        summary=_("Close a hub's reporting year (bureau)"),
        request=serializers.ReportingPeriodActionSerializer,
        responses={200: serializers.ReportingPeriodSerializer},
    ),
    reopen=extend_schema(
        summary=_("Reopen a hub's reporting year (bureau)"),
        request=serializers.ReportingPeriodActionSerializer,
        responses={200: serializers.ReportingPeriodSerializer},
    ),
)
class ReportingPeriodViewSet(ReadOnlyApiViewSet):
    """A hub's reporting year, open or closed; a closed period refuses changes to that year's records."""

    exporter = ReportingPeriodApiExporter
    policy_actions = {"close": policy.Action.MANAGE_PERIODS, "reopen": policy.Action.MANAGE_PERIODS}

    def _period_action(self, request, service):
        body = serializers.ReportingPeriodActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        period = service(hub=body.validated_data["hub"], year=body.validated_data["year"], actor=request.user)
        return Response(serializers.ReportingPeriodSerializer(period, context=self.get_serializer_context()).data)

    @action(detail=False, methods=["post"])
    def close(self, request):
        return self._period_action(request, services.reporting_period_close)

    @action(detail=False, methods=["post"])
    def reopen(self, request):
        return self._period_action(request, services.reporting_period_reopen)
