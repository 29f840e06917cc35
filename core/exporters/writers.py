"""The file writers every export uses: CSV (defusedcsv) and XLSX (openpyxl's write-only workbook), row by row.

The portal's files, the API's files and the files a background job writes all go through here, so a file reads the
same whichever way it was asked for. Rows are dicts; a nested value (the API's) is flattened to ``parent.child``
columns and lists are joined with ``|``.

Safety: CSV goes through defusedcsv, which prefixes cells starting with ``= + - @ | %`` (and not a plain number)
with an apostrophe, so a spreadsheet never runs them as formulas. In XLSX every text cell is written with the
string type, so openpyxl never turns ``=…`` into a formula; numbers stay numbers (amounts keep two decimals).
"""

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal

from defusedcsv import csv
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

logger = logging.getLogger(__name__)

# A value DRF serialised from a DecimalField ("1234.50", "-3.00"): written to XLSX as a number again.
DECIMAL_STRING = re.compile(r"^-?\d+\.\d+$")
LIST_SEPARATOR = "|"
CHUNK_BYTES = 64 * 1024  # bytes per streamed chunk (and per write of a job's file)
BOM = "\ufeff"  # for spreadsheet users: Excel then reads the UTF-8 (accented Dutch names) correctly

CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def header_of(rows: Iterable[dict]) -> list[str]:
    """Every column of the rows, in the order they first appear (rows of computed tables declare no header)."""
    header: dict[str, None] = {}
    for row in rows:
        header.update(dict.fromkeys(flatten_row(row)))
    return list(header)


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


def csv_header_line(header: Sequence[str], *, bom: bool = False) -> bytes:
    return ((BOM if bom else "") + csv.writer(_Echo()).writerow(list(header))).encode("utf-8")


def csv_data_lines(header: Sequence[str], rows: Iterable[dict]) -> Iterator[bytes]:
    """One CSV line per row (``\\r\\n`` ends, defusedcsv's escaping), without the header."""
    writer = csv.writer(_Echo())
    names = list(header)
    for row in rows:
        flat = flatten_row(row)
        yield writer.writerow([_cell_text(flat.get(name)) for name in names]).encode("utf-8")


def csv_text(header: Sequence[str], rows: Iterable[dict], *, bom: bool = False) -> bytes:
    """A whole (small) CSV in memory: a page or a table the API renders the usual DRF way."""
    return csv_header_line(header, bom=bom) + b"".join(csv_data_lines(header, rows))


def batched(lines: Iterable[bytes], size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Lines joined into chunks of about ``size`` bytes: one write (and one HTTP chunk) per chunk, not per row."""
    buffer, length = [], 0
    try:
        for line in lines:
            buffer.append(line)
            length += len(line)
            if length >= size:
                yield b"".join(buffer)
                buffer, length = [], 0
    except Exception:
        if buffer:  # the lines read before the failure still go out, before the error line (guarded)
            yield b"".join(buffer)
        raise
    if buffer:
        yield b"".join(buffer)


def _xlsx_cell(sheet, value):
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
        # Assigning a str that starts with "=" would make openpyxl write a formula; set the string type directly so
        # the text is stored as text, whatever it starts with.
        cell._value = str(value)
        cell.data_type = "s"
    return cell


def xlsx_write(header: Sequence[str], rows: Iterable[dict], fileobj) -> int:
    """Write the workbook (write-only: rows go to a temporary file as they come; lxml writes the XML) to ``fileobj``;
    the number of data rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    names = list(header)
    sheet.append([_xlsx_cell(sheet, name) for name in names])
    count = 0
    for row in rows:
        flat = flatten_row(row)
        sheet.append([_xlsx_cell(sheet, flat.get(name)) for name in names])
        count += 1
    workbook.save(fileobj)
    return count


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


class RowCounter:
    """Counts the data rows that pass and tells ``report(rows)`` every ``every`` rows (a job's progress)."""

    def __init__(self, report: Callable[[int], None] | None = None, every: int = 10_000):
        self.rows = 0
        self.report = report
        self.every = every

    def counted(self, items: Iterable, *, report: bool = True) -> Iterator:
        tell = self.report if report else None
        for item in items:
            self.rows += 1
            if tell is not None and self.rows % self.every == 0:
                tell(self.rows)
            yield item
