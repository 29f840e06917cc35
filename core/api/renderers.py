"""Tabular renderers: every list and table of the API also answers as CSV and XLSX.

This is DRF's normal path, for any view that returns ``Response(data)``: a paginated page, a single object, or a
table whose exporter answered JSON. The file is built from ``data`` in memory; fine for pages and tables. A whole
list's export (``?format=csv`` without ``page``) does not come here: its exporter streams it (core/exporters and
core/api/exporters.py). Both write with the same writers (core/exporters/writers.py), so a page and an export of
the same rows read the same: flat columns (``parent.child``, lists joined with ``|``), formula injection blocked,
numbers kept as numbers in XLSX.
"""

import io

from rest_framework.renderers import BaseRenderer

from core.constants import EXPORT_FORMATS
from core.exporters import writers

# Every format the API answers in: JSON, and the file formats every list and table exports to.
API_FORMATS = ("json", *EXPORT_FORMATS)


def rows_from_data(data) -> list[dict]:
    """The rows inside whatever a view returned: a paginated page, a list, or one object."""
    if data is None:
        return []
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]
    if isinstance(data, dict):
        data = [data]
    return [writers.flatten_row(item) for item in data]


class TabularRenderer(BaseRenderer):
    """Shared by CSV and XLSX: turns ``data`` into rows and writes them."""

    charset = None
    # Errors are rendered as JSON by the exception handler, never as a spreadsheet.
    render_style = "binary"

    def filename(self, renderer_context) -> str:
        view = (renderer_context or {}).get("view")
        exporter = getattr(view, "exporter", None)
        basename = getattr(exporter, "filename", None) or getattr(view, "basename", None) or "export"
        return f"{basename}.{self.format}"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = rows_from_data(data)
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Disposition"] = f'attachment; filename="{self.filename(renderer_context)}"'
        return self.to_bytes(writers.header_of(rows), rows)

    def to_bytes(self, header: list[str], rows: list[dict]) -> bytes:
        raise NotImplementedError


class CSVRenderer(TabularRenderer):
    media_type = writers.CSV_MEDIA_TYPE
    format = "csv"

    def to_bytes(self, header, rows):
        return writers.csv_text(header, rows)


class XLSXRenderer(TabularRenderer):
    media_type = writers.XLSX_MEDIA_TYPE
    format = "xlsx"

    def to_bytes(self, header, rows):
        buffer = io.BytesIO()
        writers.xlsx_write(header, rows, buffer)
        return buffer.getvalue()


# The renderer of each export format. A new format in EXPORT_FORMATS needs its renderer here, in settings'
# DEFAULT_RENDERER_CLASSES and its writer in core/exporters/writers.py (tests/test_constants.py checks them).
TABULAR_RENDERERS: dict[str, type[TabularRenderer]] = {
    renderer.format: renderer for renderer in (CSVRenderer, XLSXRenderer)
}
