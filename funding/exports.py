"""The funding records' export, straight from the database: no model instances, no serializer per row.

The API's ``?format=csv|xlsx`` of ``/api/v1/funding-records/`` writes exactly what the serializer path wrote before
(funding/serializers.py through core/api/renderers.py): the same columns in the same order, the same
headers, numbers and dates in the same format, and the same formula-injection escaping (defusedcsv's rule). A test
compares the two byte for byte (tests/api/test_fast_export.py).

Two ways to the rows:

* **PostgreSQL, CSV**: ``COPY (SELECT …) TO STDOUT WITH (FORMAT csv)``. The SELECT formats every cell as text in SQL
  (dates in the current time zone as ISO 8601, amounts with two decimals, ``'``-escaping of text that a spreadsheet
  would run as a formula) around the list's own queryset, so the access policy, the filters and the ordering are the
  list's. PostgreSQL writes the CSV; Python only turns each row's ``\\n`` into the ``\\r\\n`` the csv module writes.
* **Everywhere else** (SQLite, and XLSX on every database): ``values_list`` over a server-side cursor
  (``iterator(chunk_size=…)``), each cell made by the serializer field's own ``to_representation`` and written by
  the renderer's writer.

Known difference: a text cell that is exactly ``\\.`` is quoted by PostgreSQL's COPY and not by the csv module.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models import F, QuerySet
from django.http import QueryDict
from django.utils import timezone
from rest_framework import serializers

from core import policy
from core.api.renderers import CSVRenderer
from core.constants import EXPORT_CHUNK_SIZE

from .choices import RecipientKind
from .filtersets import FundingRecordFilterSet
from .models import FundingRecord
from .serializers import AmountField

__all__ = [
    "API_EXPORT",
    "PORTAL_EXPORT",
    "FUNDING_RECORD_EXPORT",
    "FUNDING_RECORD_ORDERING",
    "ExportTable",
    "batched",
    "funding_records_export_queryset",
]

# What a background export job writes (its parameters' "list"): the API's list, or the portal's "export this view".
API_EXPORT = "funding-records"
PORTAL_EXPORT = "portal-funding-records"
THREESIXTYGIVING_EXPORT = "360giving"

# The funding records' default order, in the API's list and in its exports.
FUNDING_RECORD_ORDERING = ("year", "source", "pk")

CHUNK_BYTES = 64 * 1024  # bytes per streamed chunk

_DATETIME = serializers.DateTimeField()
_AMOUNT = AmountField()


def _sql_escaped(expr: str) -> str:
    """defusedcsv's rule in SQL: text starting with = + - @ | % that is not a plain number gets a leading apostrophe,
    and its | are escaped. (Python's ``$`` also matches before a final newline, hence ``\\n?$``.) The first character
    is tested first, so most text never reaches the regular expression. ``chr(37)`` is "%": a literal percent sign
    would read differently with and without parameters to merge (psycopg merges only when there are some)."""
    return (
        f"CASE WHEN left({expr}, 1) IN ('-', '@', '+', '=', '|', chr(37)) AND {expr} !~ '^-?[0-9,.]+\\n?$' "
        f"THEN '''' || replace({expr}, '|', '\\|') ELSE {expr} END"
    )


def _sql_datetime(expr: str) -> str:
    """Django REST framework's ISO 8601: datetime.isoformat() in the current time zone (the session's, SET LOCAL in
    ``copy_lines``), microseconds only when not zero, Z for +00:00. One to_char: ".000000" can only be the fraction."""
    text = f"to_char({expr}, 'YYYY-MM-DD\"T\"HH24:MI:SS.USTZH:TZM')"
    return f"replace(replace({text}, '.000000', ''), '+00:00', 'Z')"


@dataclass(frozen=True)
class ExportField:
    key: str  # the column header: the serializer's field name
    lookups: tuple[str, ...]  # the values read from the queryset (ORM lookups)
    python: Callable[..., object]  # the cell from those values, as the serializer's to_representation gives it
    sql: Callable[..., str]  # the cell as SQL text from the same values (their column names), escaping included


def _text(lookup: str) -> ExportField:
    return ExportField(lookup, (lookup,), lambda value: value, lambda c: _sql_escaped(c))


def _choice(lookup: str) -> ExportField:
    """A column a CHECK constraint holds to its choices (source, kind, realisation, status, provenance): no value is
    empty or starts with a character the escaping changes (``choice_columns_need_no_escaping`` proves it), so the
    column is written as it is stored, at no cost per row."""
    return ExportField(lookup, (lookup,), lambda value: value, lambda c: c)


def _related(key: str, lookup: str) -> ExportField:
    return ExportField(key, (lookup,), lambda value: value, lambda c: _sql_escaped(c))


def _datetime(lookup: str) -> ExportField:
    return ExportField(lookup, (lookup,), lambda value: _DATETIME.to_representation(value), _sql_datetime)


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


FUNDING_RECORD_FIELDS = (
    ExportField("id", ("id",), lambda value: value, lambda c: f"{c}::text"),
    ExportField("year", ("year",), lambda value: value, lambda c: f"{c}::text"),
    ExportField(
        "recipient_kind",
        ("fieldlab_id", "hub_id", "bureau_id"),
        _recipient_kind,
        lambda f, h, b: (
            f"CASE WHEN {f} IS NOT NULL THEN 'fieldlab' WHEN {h} IS NOT NULL THEN 'hub' "
            f"WHEN {b} IS NOT NULL THEN 'bureau' END"
        ),
    ),
    ExportField(
        "recipient",
        ("fieldlab__slug", "hub__slug", "bureau__slug"),
        _first,
        lambda f, h, b: _sql_escaped(f"COALESCE({f}, {h}, {b})"),
    ),
    _choice("source"),
    _related("funder", "funder__slug"),
    ExportField("amount", ("amount",), lambda value: _AMOUNT.to_representation(value), lambda c: f"{c}::text"),
    _choice("kind"),
    _choice("realisation"),
    _related("activity_type", "activity_type__code"),
    _choice("status"),
    _choice("provenance"),
    _text("provenance_source"),
    _text("evidence_note"),
    ExportField(
        "recipient_hub",
        ("hub_id", "hub__slug", "fieldlab_id", "fieldlab__hub__slug"),
        _recipient_hub,
        lambda h, hs, f, fhs: _sql_escaped(f"CASE WHEN {h} IS NOT NULL THEN {hs} WHEN {f} IS NOT NULL THEN {fhs} END"),
    ),
    _text("review_comment"),
    _datetime("submitted_at"),
    _datetime("reviewed_at"),
    _datetime("created_at"),
    _datetime("updated_at"),
)


FORMULA_STARTS = ("-", "@", "+", "=", "|", "%")


def stored_as_is() -> list[ExportField]:
    """The columns written as they are stored (``_choice``)."""
    return [f for f in FUNDING_RECORD_FIELDS if len(f.lookups) == 1 and f.sql("x") == "x"]


def choice_columns_need_no_escaping() -> bool:
    """Every value the CHECK constraints allow in a ``_choice`` column is non-empty and safe as it is."""
    for field in stored_as_is():
        values = FundingRecord._meta.get_field(field.lookups[0]).choices
        if not values or any(not value or str(value).startswith(FORMULA_STARTS) for value, _label in values):
            return False
    return True


class ExportTable:
    """The columns of one list's export and the two ways of writing them (see the module's docstring)."""

    def __init__(self, fields: Sequence[ExportField]):
        self.fields = {field.key: field for field in fields}

    def header(self, names: Sequence[str] | None = None) -> list[str]:
        return list(names) if names else list(self.fields)

    def _selected(self, names) -> list[ExportField]:
        return [self.fields[name] for name in self.header(names)]

    def _lookups(self, fields: list[ExportField]) -> list[str]:
        return list(dict.fromkeys(lookup for field in fields for lookup in field.lookups))

    def rows(self, queryset: QuerySet, names: Sequence[str] | None = None) -> Iterator[dict]:
        """Dict rows as the serializer would give them, read through a server-side cursor."""
        fields = self._selected(names)
        lookups = self._lookups(fields)
        position = {lookup: index for index, lookup in enumerate(lookups)}
        plan = [(field.key, field.python, [position[lookup] for lookup in field.lookups]) for field in fields]
        for values in queryset.values_list(*lookups).iterator(chunk_size=EXPORT_CHUNK_SIZE):
            yield {key: make(*(values[i] for i in where)) for key, make, where in plan}

    def csv_lines(self, queryset: QuerySet, names: Sequence[str] | None = None) -> Iterator[bytes]:
        """The data lines of the CSV (no header): COPY on PostgreSQL, the csv module elsewhere."""
        if self.copy_supported(queryset):
            yield from self.copy_lines(queryset, names)
            return
        header = self.header(names)
        lines = CSVRenderer.iter_lines(header, self.rows(queryset, names))
        next(lines)  # the header
        for line in lines:
            yield line.encode("utf-8")

    def csv_chunks(self, queryset: QuerySet, names: Sequence[str] | None = None, *, bom: bool = False):
        """The whole CSV, header first, in chunks of about CHUNK_BYTES."""
        yield CSVRenderer.header_line(self.header(names), bom=bom)
        yield from batched(self.csv_lines(queryset, names))

    def copy_supported(self, queryset: QuerySet) -> bool:
        return connections[queryset.db].vendor == "postgresql"

    def copy_sql(self, queryset: QuerySet, names: Sequence[str] | None = None) -> tuple[str, tuple]:
        """``COPY (SELECT <formatted cells> FROM (<the list's query>) AS x) TO STDOUT`` and its parameters."""
        fields = self._selected(names)
        lookups = self._lookups(fields)
        alias = {lookup: f"c{index}" for index, lookup in enumerate(lookups)}
        inner = queryset.values_list().values(**{alias[lookup]: F(lookup) for lookup in lookups})
        sql, params = inner.query.get_compiler(queryset.db).as_sql()
        cells = []
        for field in fields:
            cell = field.sql(*(f"x.{alias[lookup]}" for lookup in field.lookups))
            # The csv module writes None and "" alike as nothing; COPY writes "" as "" unless it is NULL. In a row of
            # one cell the csv module writes "" (so the line is not empty), as COPY does for a non-NULL "".
            cells.append(f"NULLIF({cell}, '')" if len(fields) > 1 else f"COALESCE({cell}, '')")
        select = ", ".join(cells)
        return f"COPY (SELECT {select} FROM ({sql}) AS x) TO STDOUT WITH (FORMAT csv)", params

    def copy_lines(self, queryset: QuerySet, names: Sequence[str] | None = None) -> Iterator[bytes]:
        """CSV data lines (no header), one per record, written by PostgreSQL; ``\\r\\n`` line ends as the csv
        module's. The session time zone is the current one for the length of the COPY (SET LOCAL)."""
        sql, params = self.copy_sql(queryset, names)
        connection = connections[queryset.db]
        with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
            cursor.execute("SET LOCAL TIME ZONE %s", [timezone.get_current_timezone_name()])
            with cursor.cursor.copy(sql, params) as copy:
                for block in copy:
                    yield bytes(block[:-1]) + b"\r\n"


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
        if buffer:  # the lines read before the failure still go out, before the error line (renderers.guarded)
            yield b"".join(buffer)
        raise
    if buffer:
        yield b"".join(buffer)


FUNDING_RECORD_EXPORT = ExportTable(FUNDING_RECORD_FIELDS)


def funding_records_export_queryset(*, user, query: dict[str, list[str]]) -> QuerySet:
    """The records the API's list gives ``user`` for these query parameters: the policy's rows, the list's filters
    and ordering. A background export job rebuilds its selection with it (the parameters were checked by the
    request that started the job; a selection that no longer validates is a ValueError)."""
    params = QueryDict(mutable=True)
    for key, values in query.items():
        params.setlist(key, values)
    base = policy.visible_to(user, FundingRecord.objects.order_by(*FUNDING_RECORD_ORDERING))
    filterset = FundingRecordFilterSet(data=params, queryset=base)
    if not filterset.is_valid():
        raise ValueError(filterset.errors.as_text())
    return filterset.qs
