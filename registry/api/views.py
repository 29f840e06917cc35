"""Registry endpoints. Reads for every role; writes for the bureau, through the generic record services
(core/services.py). Each list's queryset, serializer and FilterSet are its exporter's (registry/api/exporters.py)."""

from core.api.views import ServiceModelViewSet
from core.services import record_create, record_delete, record_update

from . import exporters


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

    exporter = exporters.PartnerApiExporter
    lookup_field = "slug"


class ProvinceViewSet(RegistryViewSet):
    """The Dutch provinces hubs cover and fieldlabs sit in."""

    exporter = exporters.ProvinceApiExporter
    lookup_field = "slug"


class HubViewSet(RegistryViewSet):
    """The regional hubs (from 2018), with the provinces they cover and their number of fieldlabs."""

    exporter = exporters.HubApiExporter
    lookup_field = "slug"


class FieldlabViewSet(RegistryViewSet):
    """Fieldlabs: practice environments where companies develop, test and roll out Smart Industry solutions."""

    exporter = exporters.FieldlabApiExporter
    lookup_field = "slug"


class CompanyViewSet(RegistryViewSet):
    """Participating companies, counted once however many fieldlabs they join."""

    exporter = exporters.CompanyApiExporter


class ParticipationViewSet(RegistryViewSet):
    """A company taking part in a fieldlab's or hub's activity in a year."""

    exporter = exporters.ParticipationApiExporter
