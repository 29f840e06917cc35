"""Registry endpoints. Reads for every role; writes for the bureau, through the generic record services
(core/services.py)."""

from django.db.models import Count

from core.api.views import ServiceModelViewSet
from core.services import record_create, record_delete, record_update

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


class RegistryViewSet(ServiceModelViewSet):
    """Bureau-only writes (RolePermission refuses everyone else before the service is reached)."""

    def service_create(self, *, actor, data):
        return record_create(model=self.queryset.model, actor=actor, data=data)

    def service_update(self, *, instance, actor, data):
        return record_update(instance=instance, actor=actor, data=data)

    def service_delete(self, *, instance, actor):
        record_delete(instance=instance, actor=actor)


class PartnerViewSet(RegistryViewSet):
    """Coalition partners of the programme."""

    queryset = Partner.objects.order_by("joined_year", "short_name", "pk")
    serializer_class = serializers.PartnerSerializer
    filterset_class = PartnerFilterSet
    lookup_field = "slug"


class ProvinceViewSet(RegistryViewSet):
    """The Dutch provinces hubs cover and fieldlabs sit in."""

    queryset = Province.objects.order_by("name", "pk")
    serializer_class = serializers.ProvinceSerializer
    filterset_class = ProvinceFilterSet
    lookup_field = "slug"


class HubViewSet(RegistryViewSet):
    """The regional hubs (from 2018), with the provinces they cover and their number of fieldlabs."""

    queryset = (
        Hub.objects.prefetch_related("provinces")
        .annotate(fieldlab_count=Count("fieldlabs", distinct=True))
        .order_by("name", "pk")
    )
    serializer_class = serializers.HubSerializer
    filterset_class = HubFilterSet
    lookup_field = "slug"


class FieldlabViewSet(RegistryViewSet):
    """Fieldlabs: practice environments where companies develop, test and roll out Smart Industry solutions."""

    queryset = Fieldlab.objects.select_related("hub", "province").order_by("name", "pk")
    serializer_class = serializers.FieldlabSerializer
    filterset_class = FieldlabFilterSet
    lookup_field = "slug"


class CompanyViewSet(RegistryViewSet):
    """Participating companies, counted once however many fieldlabs they join."""

    queryset = Company.objects.select_related("province").order_by("name", "pk")
    serializer_class = serializers.CompanySerializer
    filterset_class = CompanyFilterSet


class ParticipationViewSet(RegistryViewSet):
    """A company taking part in a fieldlab's or hub's activity in a year."""

    queryset = Participation.objects.select_related("company", "fieldlab", "hub").order_by(
        "year", "company__name", "pk"
    )
    serializer_class = serializers.ParticipationSerializer
    filterset_class = ParticipationFilterSet
