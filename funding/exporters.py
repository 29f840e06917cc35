"""Minimal "export this view" for the portal's lists: one list of columns, CSV and XLSX from the same rows.

Kept small on purpose: the REST API's renderers (issue 4) may replace this once they are on main. Rows are
yielded from the list's own (filtered, sorted) queryset, so the export is exactly the view the user sees.
Formula injection is blocked: defusedcsv escapes cells starting with = + - @ in CSV, and XLSX cells that would
start a formula are written as text.
"""

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from defusedcsv import csv
from django.http import HttpResponse, StreamingHttpResponse

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportColumn:
    key: str  # the column header in the file; also the import column name
    value: Callable[[object], object]


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # Money keeps two decimals; a ratio keeps the places it was quantised to (0.3000 stays 0.3000).
        return f"{value:.2f}" if value.as_tuple().exponent > -2 else str(value)
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(*, columns: Sequence[ExportColumn], objects: Iterable, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"  # a BOM so Excel opens UTF-8 (accents in Dutch names) correctly
        yield writer.writerow([c.key for c in columns])
        for obj in objects:
            yield writer.writerow([_plain(c.value(obj)) for c in columns])

    response = StreamingHttpResponse(rows(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(*, columns: Sequence[ExportColumn], objects: Iterable, filename: str) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(filename[:31])
    sheet.append([c.key for c in columns])
    for obj in objects:
        row = []
        for column in columns:
            value = column.value(obj)
            if isinstance(value, Decimal):
                row.append(value)  # a real number cell, two decimals kept by Decimal
            elif isinstance(value, str) and value.startswith(FORMULA_STARTS):
                row.append("'" + value)
            else:
                row.append(_plain(value))
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_response(fmt: str, *, columns: Sequence[ExportColumn], objects: Iterable, filename: str):
    if fmt == "xlsx":
        return xlsx_response(columns=columns, objects=objects, filename=filename)
    return csv_response(columns=columns, objects=objects, filename=filename)
