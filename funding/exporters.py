"""“Export this view” for the portal's lists: columns over the list's own queryset, written by the API's renderers.

Rows come from the list's filtered, sorted queryset, so the file is exactly the view the user sees. The CSV and
XLSX writing (streaming, write-only XLSX, numbers kept as numbers, formula injection blocked) is the REST API's
(smartindustry/api/renderers.py), so both interfaces export the same way. Portal CSVs start with a BOM, because
the people who click “export” open them in Excel; the API's do not, because pandas and R read them.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from smartindustry.api.renderers import TABULAR_RENDERERS


@dataclass(frozen=True)
class ExportColumn:
    key: str  # the column header in the file; also the import column name
    value: Callable[[object], object]


def _cell(value):
    if isinstance(value, Decimal) and value.as_tuple().exponent > -2:
        # Money keeps two decimals; a ratio keeps the places it was quantised to (0.3000 stays 0.3000).
        return value.quantize(Decimal("0.01"))
    return value


def export_response(fmt: str, *, columns: Sequence[ExportColumn], objects: Iterable, filename: str):
    renderer = TABULAR_RENDERERS[fmt]()
    header = [c.key for c in columns]
    rows = ({c.key: _cell(c.value(obj)) for c in columns} for obj in objects)
    return renderer.stream_response(rows, header=header, filename=f"{filename}.{renderer.format}", bom=True)
