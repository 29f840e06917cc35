from django.db.models import Count
from rest_framework import viewsets

from ..filtersets import CompanyFilterSet, FieldlabFilterSet, HubFilterSet, PartnerFilterSet, ProvinceFilterSet
from ..models import Company, Fieldlab, Hub, Partner, Province
from . import serializers


class PartnerViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Partner.objects.all()
    serializer_class = serializers.PartnerSerializer
    filterset_class = PartnerFilterSet
    lookup_field = "slug"
    ordering_fields = ["name", "joined_year"]


class ProvinceViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Province.objects.all()
    serializer_class = serializers.ProvinceSerializer
    filterset_class = ProvinceFilterSet
    lookup_field = "slug"
    ordering_fields = ["name"]


class HubViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = (
        Hub.objects.prefetch_related("provinces")
        .annotate(fieldlab_count=Count("fieldlabs", distinct=True))
        .order_by("name")
    )
    serializer_class = serializers.HubSerializer
    filterset_class = HubFilterSet
    lookup_field = "slug"
    ordering_fields = ["name", "founded_year"]


class FieldlabViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Fieldlab.objects.select_related("hub", "province")
    serializer_class = serializers.FieldlabSerializer
    filterset_class = FieldlabFilterSet
    lookup_field = "slug"
    ordering_fields = ["name", "start_year", "city"]


class CompanyViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Company.objects.select_related("province")
    serializer_class = serializers.CompanySerializer
    filterset_class = CompanyFilterSet
    ordering_fields = ["name"]
