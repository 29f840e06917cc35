"""The registry lists' "export this view" (core/exporters): one registered class per list, its columns its table's
(registry/tables.py). The list pages (registry/views.py) take their queryset, FilterSet, table and order from here."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from core.exporters import TableExporter, register

from .filtersets import CompanyFilterSet, FieldlabFilterSet, HubFilterSet, PartnerFilterSet
from .models import Company, Fieldlab, Hub, Partner
from .tables import CompanyTable, FieldlabTable, HubTable, PartnerTable

ZERO = Decimal("0.00")  # the fieldlab list's approved funding when it has none (registry sits below funding)


@register
class HubListExporter(TableExporter):
    key = "portal:hubs"
    verbose_name = _("Hubs")
    filename = "hubs"
    queryset = Hub.objects.prefetch_related("provinces").annotate(fieldlab_count=Count("fieldlabs", distinct=True))
    filterset_class = HubFilterSet
    table = HubTable


@register
class FieldlabListExporter(TableExporter):
    key = "portal:fieldlabs"
    verbose_name = _("Fieldlabs")
    filename = "fieldlabs"
    queryset = Fieldlab.objects.select_related("hub", "province").annotate(
        approved_total=Sum("funding_records__amount", filter=Q(funding_records__status="approved"), default=ZERO)
    )
    filterset_class = FieldlabFilterSet
    table = FieldlabTable


@register
class PartnerListExporter(TableExporter):
    key = "portal:partners"
    verbose_name = _("Coalition partners")
    filename = "partners"
    queryset = Partner.objects.all()
    filterset_class = PartnerFilterSet
    table = PartnerTable
    default_ordering = ("joined_year", "short_name")


@register
class CompanyListExporter(TableExporter):
    key = "portal:companies"
    verbose_name = _("Companies")
    filename = "companies"
    queryset = Company.objects.select_related("province").annotate(
        fieldlab_count=Count("participations__fieldlab", distinct=True)
    )
    filterset_class = CompanyFilterSet
    table = CompanyTable
