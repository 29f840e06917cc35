"""Tabular renderers: every list and table of the API also answers as CSV and XLSX.

Rows are flat dicts (nested values are flattened to ``parent.child`` columns, lists joined with ``|``).
Two paths lead here:

* ``render()``: DRF's normal path, for any view that returns ``Response(data)`` — a paginated page, a plain list of
  dict rows (the evaluation tables) or a single object. The file is built from ``data`` in memory; fine for pages
  and tables.
* ``stream_response()``: the export path of :class:`core.api.views.ExportListMixin`, which feeds a
  generator of rows straight from a database iterator, so a million-row CSV is never held in memory. XLSX uses
  openpyxl's write-only workbook, which writes rows to a temporary file as they come.

Safety: CSV goes through defusedcsv, which prefixes cells starting with ``= + - @ | %`` (and not a plain number)
with an apostrophe, so a spreadsheet never runs them as formulas. In XLSX every text cell is written with the
string type, so openpyxl never turns ``=…`` into a formula; numbers stay numbers (amounts keep two decimals).
"""

import io
import logging
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

from defusedcsv import csv
from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from rest_framework.renderers import BaseRenderer

from core.constants import EXPORT_FORMATS

logger = logging.getLogger(__name__)

# Every format the API answers in: JSON, and the file formats every list and table exports to.
API_FORMATS = ("json", *EXPORT_FORMATS)

# A value DRF serialised from a DecimalField ("1234.50", "-3.00"): written to XLSX as a number again.
DECIMAL_STRING = re.compile(r"^-?\d+\.\d+$")
LIST_SEPARATOR = "|"
EXPORT_PROGRESS_ROWS = 10_000  # a background export reports its progress this often


def flatten_row(row, prefix: str = "") -> dict:
    """{"a": {"b": 1}, "c": [1, 2]} → {"a.b": 1, "c": "1|2"}: one cell per column, whatever the shape."""
    if not isinstance(row, dict):
        return {prefix or "value": row}
    flat = {}
    for key, value in row.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flatten_row(value, name))
        elif isinstance(value, list | tuple):
            flat[name] = LIST_SEPARATOR.join(
                "" if item is None else (str(item) if not isinstance(item, dict) else repr(item)) for item in value
            )
        else:
            flat[name] = value
    return flat


def rows_from_data(data) -> list[dict]:
    """The rows inside whatever a view returned: a paginated page, a list, or one object."""
    if data is None:
        return []
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]
    if isinstance(data, dict):
        data = [data]
    return [flatten_row(item) for item in data]


def header_of(rows: list[dict]) -> list[str]:
    header: dict[str, None] = {}
    for row in rows:
        header.update(dict.fromkeys(row))
    return list(header)


# The last line of a CSV whose stream broke off (the database went away, the worker was stopped): the file says it is
# incomplete, and the response is then aborted without HTTP's clean end of body, so clients report the transfer as
# failed too (curl: "transfer closed with outstanding read data remaining").
STREAM_FAILED_LINE = "#ERROR: the export failed after {rows} rows; this file is incomplete. Export again.\r\n"


class ExportStreamFailed(Exception):
    """A streamed export broke off; raised after the error line was sent, so the server aborts the response."""


def guarded(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks, and if they fail midway an error line followed by an exception (see STREAM_FAILED_LINE). Never a
    silently shorter file that looks complete."""
    lines = 0
    try:
        for chunk in chunks:
            lines += chunk.count(b"\n")
            yield chunk
    except GeneratorExit:  # the client went away: nothing to tell it
        raise
    except Exception as exc:
        logger.exception("Streamed export failed after %s lines", lines)
        yield STREAM_FAILED_LINE.format(rows=max(lines - 1, 0)).encode()
        raise ExportStreamFailed(str(exc)) from exc


class _Echo:
    """A file-like object whose write() returns what it was given, for streaming the csv module's output."""

    def write(self, value):
        return value


def _cell_text(value) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class TabularRenderer(BaseRenderer):
    """Shared by CSV and XLSX: turns ``data`` into rows, and knows how to stream an export."""

    charset = None
    # Errors are rendered as JSON by the exception handler, never as a spreadsheet.
    render_style = "binary"

    def filename(self, renderer_context) -> str:
        view = (renderer_context or {}).get("view")
        basename = getattr(view, "export_basename", None) or getattr(view, "basename", None) or "export"
        return f"{basename}.{self.format}"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = rows_from_data(data)
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Disposition"] = f'attachment; filename="{self.filename(renderer_context)}"'
        return self.to_bytes(header_of(rows), rows)

    def to_bytes(self, header: list[str], rows: Iterable[dict]) -> bytes:
        raise NotImplementedError

    def stream_response(self, rows: Iterator[dict], *, header: list[str], filename: str, bom: bool = False):
        raise NotImplementedError


class CSVRenderer(TabularRenderer):
    media_type = "text/csv"
    format = "csv"

    @staticmethod
    def iter_lines(header: list[str], rows: Iterable[dict], *, bom: bool = False) -> Iterator[str]:
        writer = csv.writer(_Echo())
        if bom:
            yield "\ufeff"  # for spreadsheet users: Excel then reads the UTF-8 (accented Dutch names) correctly
        yield writer.writerow(header)
        for row in rows:
            flat = flatten_row(row)
            yield writer.writerow([_cell_text(flat.get(name)) for name in header])

    def to_bytes(self, header, rows):
        return "".join(self.iter_lines(header, rows)).encode("utf-8")

    @staticmethod
    def header_line(header: list[str], *, bom: bool = False) -> bytes:
        return ("\ufeff" if bom else "").encode() + csv.writer(_Echo()).writerow(header).encode("utf-8")

    def stream_response(self, rows, *, header, filename, bom: bool = False):
        return self.stream_bytes((line.encode("utf-8") for line in self.iter_lines(header, rows, bom=bom)), filename)

    def stream_bytes(self, chunks: Iterable[bytes], filename: str):
        """A CSV response of ready-made chunks (header first), guarded against breaking off silently."""
        response = StreamingHttpResponse(guarded(chunks), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class XLSXRenderer(TabularRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"

    @staticmethod
    def _cell(sheet, value):
        if isinstance(value, str) and DECIMAL_STRING.match(value):
            value = Decimal(value)
        cell = WriteOnlyCell(sheet, value=None)
        if value is None:
            return cell
        if isinstance(value, bool):
            cell.value = value
        elif isinstance(value, int | float | Decimal):
            cell.value = value
            if isinstance(value, Decimal):
                # Keep the two decimals a reader of the sheet expects for money.
                cell.number_format = "0.00" if -value.as_tuple().exponent == 2 else "General"
        else:
            # Assigning a str that starts with "=" would make openpyxl write a formula; set the string type
            # directly so the text is stored as text, whatever it starts with.
            cell._value = str(value)
            cell.data_type = "s"
        return cell

    def write(self, header, rows, fileobj, *, progress=None) -> int:
        """Write the workbook (write-only: rows go to a temporary file as they come; lxml writes the XML) to
        ``fileobj``; the number of data rows. ``progress(rows)`` is called every EXPORT_PROGRESS_ROWS rows."""
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("data")
        sheet.append([self._cell(sheet, name) for name in header])
        count = 0
        for row in rows:
            flat = flatten_row(row)
            sheet.append([self._cell(sheet, flat.get(name)) for name in header])
            count += 1
            if progress is not None and count % EXPORT_PROGRESS_ROWS == 0:
                progress(count)
        workbook.save(fileobj)
        return count

    def to_bytes(self, header, rows):
        buffer = io.BytesIO()
        self.write(header, rows, buffer)
        return buffer.getvalue()

    def stream_response(self, rows, *, header, filename, bom: bool = False):
        # The XLSX container is a zip with a central directory at the end; it cannot be streamed byte by byte.
        # Write-only mode keeps memory flat while rows are added; the finished file is then sent.
        response = HttpResponse(self.to_bytes(header, rows), content_type=self.media_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# The renderer of each export format, for the portal's "export this view". A new format in EXPORT_FORMATS needs
# its renderer here and in settings' DEFAULT_RENDERER_CLASSES (tests/test_constants.py checks both).
TABULAR_RENDERERS: dict[str, type[TabularRenderer]] = {
    renderer.format: renderer for renderer in (CSVRenderer, XLSXRenderer)
}
