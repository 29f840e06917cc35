"""The registry's API lists as files (``?format=csv|xlsx``): one registered exporter per list, its columns the
serializer's. The viewsets (registry/api/views.py) take their queryset, serializer and FilterSet from here."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.api.exporters import SerializerExporter
from core.exporters import register

from ..filtersets import (
    CompanyFilterSet,
    FieldlabFilterSet,
    HubFilterSet,
    ParticipationFilterSet,
    PartnerFilterSet,
    ProvinceFilterSet,
)
from ..models import Company, Fieldlab, Hub, Participation, Partner, Province
from . import serializers


@register
class PartnerApiExporter(SerializerExporter):
    key = "api:partners"
    verbose_name = _("Coalition partners")
    filename = "partners"
    queryset = Partner.objects.order_by("joined_year", "short_name", "pk")
    serializer_class = serializers.PartnerSerializer
    filterset_class = PartnerFilterSet


@register
class ProvinceApiExporter(SerializerExporter):
    key = "api:provinces"
    verbose_name = _("Provinces")
    filename = "provinces"
    queryset = Province.objects.order_by("name", "pk")
    serializer_class = serializers.ProvinceSerializer
    filterset_class = ProvinceFilterSet


@register
class HubApiExporter(SerializerExporter):
    key = "api:hubs"
    verbose_name = _("Hubs")
    filename = "hubs"
    queryset = (
        Hub.objects.prefetch_related("provinces")
        .annotate(fieldlab_count=Count("fieldlabs", distinct=True))
        .order_by("name", "pk")
    )
    serializer_class = serializers.HubSerializer
    filterset_class = HubFilterSet


@register
class FieldlabApiExporter(SerializerExporter):
    key = "api:fieldlabs"
    verbose_name = _("Fieldlabs")
    filename = "fieldlabs"
    queryset = Fieldlab.objects.select_related("hub", "province").order_by("name", "pk")
    serializer_class = serializers.FieldlabSerializer
    filterset_class = FieldlabFilterSet


@register
class CompanyApiExporter(SerializerExporter):
    key = "api:companies"
    verbose_name = _("Companies")
    filename = "companies"
    queryset = Company.objects.select_related("province").order_by("name", "pk")
    serializer_class = serializers.CompanySerializer
    filterset_class = CompanyFilterSet


@register
class ParticipationApiExporter(SerializerExporter):
    key = "api:participations"
    verbose_name = _("Participations")
    filename = "participations"
    queryset = Participation.objects.select_related("company", "fieldlab", "hub").order_by(
        "year", "company__name", "pk"
    )
    serializer_class = serializers.ParticipationSerializer
    filterset_class = ParticipationFilterSet
