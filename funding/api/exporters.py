"""The funding API's files: its lists' ``?format=csv|xlsx`` and the 360Giving export, one registered exporter each.

The funding records' list is exported straight from the database (core/exporters/database.py): no model instances,
no serializer per row, COPY on PostgreSQL. It writes exactly what the serializer (funding/serializers.py) writes
through the generic path: the same columns in the same order, the same numbers and dates, the same formula-injection
escaping; a test compares the two byte for byte (tests/api/test_fast_export.py), and the class refuses columns that
are not the serializer's fields.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.api.exporters import DatabaseApiExporter, SerializerExporter
from core.exporters import ExportRefused, QuerysetExporter, register, writers
from core.exporters.database import (
    DatabaseColumn,
    choice,
    choices_need_no_escaping,
    datetime,
    number,
    related,
    sql_escaped,
    text,
)

from .. import threesixtygiving
from ..choices import RecipientKind, RecordStatus
from ..filtersets import FunderFilterSet, FundingRecordFilterSet
from ..models import Funder, FundingRecord
from ..serializers import AmountField, FundingRecordSerializer
from . import serializers

# The funding records' default order, in the API's list and in its files.
FUNDING_RECORD_ORDERING = ("year", "source", "pk")

_AMOUNT = AmountField()


@register
class FunderApiExporter(SerializerExporter):
    key = "api:funders"
    verbose_name = gettext_lazy("Funders")
    filename = "funders"
    queryset = Funder.objects.select_related("province").order_by("name", "pk")
    serializer_class = serializers.FunderSerializer
    filterset_class = FunderFilterSet


def _recipient_kind(fieldlab, hub, bureau):
    if fieldlab is not None:
        return str(RecipientKind.FIELDLAB)
    if hub is not None:
        return str(RecipientKind.HUB)
    if bureau is not None:
        return str(RecipientKind.BUREAU)
    return None


def _first(*values):
    return next((value for value in values if value is not None), None)


def _recipient_hub(hub_id, hub_slug, fieldlab_id, fieldlab_hub_slug):
    if hub_id is not None:
        return hub_slug
    if fieldlab_id is not None:
        return fieldlab_hub_slug
    return None


FUNDING_RECORD_COLUMNS = (
    number("id"),
    number("year"),
    DatabaseColumn(
        "recipient_kind",
        ("fieldlab_id", "hub_id", "bureau_id"),
        _recipient_kind,
        lambda f, h, b: (
            f"CASE WHEN {f} IS NOT NULL THEN 'fieldlab' WHEN {h} IS NOT NULL THEN 'hub' "
            f"WHEN {b} IS NOT NULL THEN 'bureau' END"
        ),
    ),
    DatabaseColumn(
        "recipient",
        ("fieldlab__slug", "hub__slug", "bureau__slug"),
        _first,
        lambda f, h, b: sql_escaped(f"COALESCE({f}, {h}, {b})"),
    ),
    choice("source"),
    related("funder", "funder__slug"),
    DatabaseColumn("amount", ("amount",), _AMOUNT.to_representation, lambda c: f"{c}::text"),
    choice("kind"),
    choice("realisation"),
    related("activity_type", "activity_type__code"),
    choice("status"),
    choice("provenance"),
    text("provenance_source"),
    text("evidence_note"),
    DatabaseColumn(
        "recipient_hub",
        ("hub_id", "hub__slug", "fieldlab_id", "fieldlab__hub__slug"),
        _recipient_hub,
        lambda h, hs, f, fhs: sql_escaped(f"CASE WHEN {h} IS NOT NULL THEN {hs} WHEN {f} IS NOT NULL THEN {fhs} END"),
    ),
    text("review_comment"),
    datetime("submitted_at"),
    datetime("reviewed_at"),
    datetime("created_at"),
    datetime("updated_at"),
)


def stored_as_is() -> list[DatabaseColumn]:
    """The columns written as they are stored (``choice``)."""
    return [column for column in FUNDING_RECORD_COLUMNS if column.stored_as_is]


def choice_columns_need_no_escaping() -> bool:
    """Every value the CHECK constraints allow in a ``choice`` column is non-empty and safe as it is."""
    return choices_need_no_escaping(FundingRecord, FUNDING_RECORD_COLUMNS)


@register
class FundingRecordApiExporter(DatabaseApiExporter):
    key = "api:funding-records"
    verbose_name = gettext_lazy("Funding records")
    filename = "funding-records"
    queryset = FundingRecord.objects.select_related(
        "fieldlab__hub", "hub", "bureau", "funder", "activity_type"
    ).order_by(*FUNDING_RECORD_ORDERING)
    serializer_class = FundingRecordSerializer
    filterset_class = FundingRecordFilterSet
    columns = FUNDING_RECORD_COLUMNS
    # The whole list's file comes in record order (id) unless ``ordering`` asks for another: read through the
    # primary key's index, which follows the table's physical order, the rows leave at about the speed of a bare
    # COPY of the table, where the list's own order (year, source, id) visits the table at random and tripled it
    # (docs/benchmarks.md). Pages keep the list's order; a file is sorted by whoever reads it.
    ordering = ("pk",)


@register
class ThreeSixtyGivingExporter(QuerysetExporter):
    """The approved records of the list's selection in the 360Giving data standard (funding/threesixtygiving.py): a
    JSON package, or the standard's spreadsheet columns in CSV/XLSX."""

    key = "360giving"
    verbose_name = gettext_lazy("Approved funding records in the 360Giving data standard")
    filename = "360giving-grants"
    formats = ("json", "csv", "xlsx")
    queryset = FundingRecord.objects.select_related(
        "fieldlab__hub", "hub", "bureau", "funder", "activity_type"
    ).order_by(*FUNDING_RECORD_ORDERING)
    filterset_class = FundingRecordFilterSet

    def get_queryset(self):
        return super().get_queryset().filter(status=RecordStatus.APPROVED)

    def refusal(self, count):
        if self.format == "json" and not count:
            # The 360Giving package schema requires at least one grant ("grants": minItems 1), so an empty selection
            # has no valid JSON package: say so instead of serving an invalid {"grants": []}. (A spreadsheet of no
            # rows is still a valid sheet: its header.)
            return ExportRefused(
                _("No approved funding records match this selection; a 360Giving package holds at least one grant."),
                code="empty",
            )
        return super().refusal(count)

    def header(self):
        return list(threesixtygiving.CSV_HEADER)

    def rows(self):
        return (threesixtygiving.spreadsheet_row(record) for record in self.objects())

    def chunks(self):
        if self.format != "json":
            yield from super().chunks()
            return
        yield from writers.batched(threesixtygiving.iter_json_package(self.counter.counted(self.objects())))


__all__ = [
    "FUNDING_RECORD_COLUMNS",
    "FUNDING_RECORD_ORDERING",
    "FunderApiExporter",
    "FundingRecordApiExporter",
    "ThreeSixtyGivingExporter",
    "choice_columns_need_no_escaping",
    "stored_as_is",
]
