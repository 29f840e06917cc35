"""The reporting periods' API list as a file (``?format=csv|xlsx``): its registered exporter, whose queryset,
serializer and FilterSet the viewset (review/api/views.py) takes."""

from django.utils.translation import gettext_lazy as _

from core.api.exporters import SerializerExporter
from core.exporters import register

from ..filtersets import ReportingPeriodFilterSet
from ..models import ReportingPeriod
from . import serializers


@register
class ReportingPeriodApiExporter(SerializerExporter):
    key = "api:reporting-periods"
    verbose_name = _("Reporting periods")
    filename = "reporting-periods"
    queryset = ReportingPeriod.objects.select_related("hub").order_by("-year", "hub__name", "pk")
    serializer_class = serializers.ReportingPeriodSerializer
    filterset_class = ReportingPeriodFilterSet
