"""The registry lists' "export this view" (core/exporters): one registered class per list, its columns its table's
(registry/tables.py). The list pages (registry/views.py) take their queryset, FilterSet, table and order from here."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core import extensions
from core.exporters import TableExporter, register

from .filtersets import CompanyFilterSet, FieldlabFilterSet, HubFilterSet, PartnerFilterSet
from .models import Company, Fieldlab, Hub, Partner
from .tables import CompanyTable, FieldlabTable, HubTable, PartnerTable


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
    queryset = Fieldlab.objects.select_related("hub", "province")
    filterset_class = FieldlabFilterSet
    table = FieldlabTable

    def get_queryset(self):
        # A fieldlab's figures from the apps above (funding: its approved total, funding.selectors), through the
        # extension point the hub page's rows use too; added when asked, after every app is ready.
        return extensions.annotate("registry.fieldlab_rows", super().get_queryset())


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
