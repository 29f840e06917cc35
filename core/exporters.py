"""“Export this view” for the portal's lists: a table's columns over the list's own queryset, written by the API's
renderers.

Rows come from the list's filtered, sorted queryset, so the file is exactly the view the user sees. The columns are
the list's table (core/tables.py); ``export_response`` takes loose ``ExportColumn``s for tables that are
not lists (the evaluation downloads). The CSV and XLSX writing (streaming, write-only XLSX, numbers kept as
numbers, formula injection blocked) is the REST API's (core/api/renderers.py), so both interfaces export
the same way. Portal CSVs start with a BOM, because the people who click “export” open them in Excel; the API's do
not, because pandas and R read them.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.api.renderers import EXPORT_PROGRESS_ROWS, TABULAR_RENDERERS
from core.constants import XLSX_MAX_DATA_ROWS
from core.tables import Table


@dataclass(frozen=True)
class ExportColumn:
    key: str  # the column header in the file; also the import column name
    value: Callable[[object], object]


def _cell(value):
    if isinstance(value, Decimal) and value.as_tuple().exponent > -2:
        # Money keeps two decimals; a ratio keeps the places it was quantised to (0.3000 stays 0.3000).
        return value.quantize(Decimal("0.01"))
    return value


def grouped(number: int) -> str:
    """1,048,575 in English, 1.048.575 in Dutch."""
    return number_format(number, force_grouping=True)


def stream_max_rows(fmt: str) -> int:
    """The most rows an export of ``fmt`` sends in the request; above it, a job (or a refusal). docs/operations.md"""
    if fmt == "xlsx":
        return min(settings.EXPORT_STREAM_MAX_ROWS, settings.EXPORT_XLSX_STREAM_MAX_ROWS)
    return settings.EXPORT_STREAM_MAX_ROWS


def too_many_rows(count: int, limit: int) -> str:
    """The message for an export above its list's bound where no background job exists for it."""
    return _(
        "This selection has %(count)s rows; this list exports at most %(max)s at once. Narrow the selection with the "
        "filters."
    ) % {"count": grouped(count), "max": grouped(limit)}


def xlsx_refusal(count: int) -> str | None:
    """Why an XLSX of ``count`` data rows cannot be made (an Excel sheet's limit), or None. The API answers it as a
    400, the portal as a message on the list."""
    if count <= XLSX_MAX_DATA_ROWS:
        return None
    return _(
        "This selection has %(count)s rows; an Excel sheet holds at most %(max)s. Export it as CSV, or narrow the "
        "selection with the list's filters."
    ) % {"count": grouped(count), "max": grouped(XLSX_MAX_DATA_ROWS)}


def _cells(rows: Iterable[dict]) -> Iterable[dict]:
    return ({key: _cell(value) for key, value in row.items()} for row in rows)


def rows_write(fmt: str, *, header: Sequence[str], rows: Iterable[dict], fileobj, progress=None) -> int:
    """The file ``rows_response`` would send, written to ``fileobj`` (a background export job); the number of data
    rows. ``progress(rows)`` every EXPORT_PROGRESS_ROWS rows."""
    renderer = TABULAR_RENDERERS[fmt]()
    if fmt != "csv":
        return renderer.write(list(header), _cells(rows), fileobj, progress=progress)
    lines = renderer.iter_lines(list(header), _cells(rows), bom=True)
    fileobj.write(next(lines).encode("utf-8") + next(lines).encode("utf-8"))  # the BOM, the header
    count = 0
    for line in lines:
        fileobj.write(line.encode("utf-8"))
        count += 1
        if progress is not None and count % EXPORT_PROGRESS_ROWS == 0:
            progress(count)
    return count


def rows_response(fmt: str, *, header: Sequence[str], rows: Iterable[dict], filename: str):
    """A file of ``fmt`` (one of EXPORT_FORMATS) with these columns, streamed as the rows come."""
    renderer = TABULAR_RENDERERS[fmt]()
    return renderer.stream_response(
        _cells(rows), header=list(header), filename=f"{filename}.{renderer.format}", bom=True
    )


def table_response(fmt: str, *, table: type[Table], objects: Iterable, filename: str):
    """A table's export columns over ``objects``; with no objects, the table's (import) template."""
    return rows_response(fmt, header=table.export_keys(), rows=table.export_rows(objects), filename=filename)


def export_response(fmt: str, *, columns: Sequence[ExportColumn], objects: Iterable, filename: str):
    header = [c.key for c in columns]
    rows = ({c.key: c.value(obj) for c in columns} for obj in objects)
    return rows_response(fmt, header=header, rows=rows, filename=filename)
