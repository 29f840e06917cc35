"""The funding lists' "export this view" (core/exporters): one registered class per list, its columns its table's
(funding/tables.py). The list pages (funding/views.py) take their queryset, FilterSet, table and order from here."""

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from core.exporters import TableExporter, register

from .filtersets import FunderFilterSet, FundingRecordFilterSet
from .models import Funder, FundingRecord
from .selectors import ZERO
from .tables import FunderTable, FundingRecordTable


@register
class FunderListExporter(TableExporter):
    key = "portal:funders"
    verbose_name = _("Funders")
    filename = "funders"
    queryset = Funder.objects.select_related("province").annotate(
        approved_total=Sum("funding_records__amount", filter=Q(funding_records__status="approved"), default=ZERO)
    )
    filterset_class = FunderFilterSet
    table = FunderTable


@register
class FundingRecordListExporter(TableExporter):
    """The funding list's file: the import's columns (funding/fields.py), so an export can be edited and imported."""

    key = "portal:funding-records"
    verbose_name = _("Funding records")
    filename = "funding-records"
    queryset = FundingRecord.objects.select_related("fieldlab", "hub", "bureau", "funder", "activity_type")
    filterset_class = FundingRecordFilterSet
    table = FundingRecordTable
    default_ordering = ("year", "source")


class FundingRecordImportTemplate(FundingRecordListExporter):
    """The import's template (funding/views.py, import_upload): the funding list's file with its columns and no
    rows. Not registered: nothing runs it as a job."""

    filename = "funding-records-template"

    def count(self):
        return 0

    def rows(self):
        return iter(())
