"""Exports straight from the database: no model instances, no serializer per row (the funding records' API export).

Each column says which values it reads (ORM lookups) and how its cell is made from them twice: in Python (the cell
as the serializer's ``to_representation`` gives it) and in SQL (the same text, escaping included). Two ways to the
rows:

* **PostgreSQL, CSV**: ``COPY (SELECT …) TO STDOUT WITH (FORMAT csv)``. The SELECT formats every cell as text in SQL
  (dates in the current time zone as ISO 8601, amounts with two decimals, ``'``-escaping of text that a spreadsheet
  would run as a formula) around the exporter's own selection, so the access policy, the filters and the ordering
  are the list's. PostgreSQL writes the CSV; Python only turns each row's ``\\n`` into the ``\\r\\n`` the csv module
  writes.
* **Everywhere else** (SQLite, and XLSX on every database): ``values_list`` over a server-side cursor
  (``iterator(chunk_size=…)``), each cell made in Python and written by core/exporters/writers.py.

Known difference: a text cell that is exactly ``\\.`` is quoted by PostgreSQL's COPY and not by the csv module.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from django.db import connections, transaction
from django.db.models import Expression, F, QuerySet, TextField
from django.utils import timezone
from rest_framework import serializers

from core.constants import EXPORT_CHUNK_SIZE

from . import writers
from .base import QuerysetExporter

_DATETIME = serializers.DateTimeField()

FORMULA_STARTS = ("-", "@", "+", "=", "|", "%")


def sql_escaped(expr: str) -> str:
    """defusedcsv's rule in SQL: text starting with = + - @ | % that is not a plain number gets a leading apostrophe,
    and its | are escaped. (Python's ``$`` also matches before a final newline, hence ``\\n?$``.) The first character
    is tested first, by its code (- @ + = | % are 45 64 43 61 124 37: ``ascii()`` reads it without making a substring,
    10% of the whole export at a million records), so most text never reaches the regular expression."""
    return (
        f"CASE WHEN ascii({expr}) IN (45, 64, 43, 61, 124, 37) AND {expr} !~ '^-?[0-9,.]+\\n?$' "
        f"THEN '''' || replace({expr}, '|', '\\|') ELSE {expr} END"
    )


def sql_datetime(expr: str) -> str:
    """Django REST framework's ISO 8601: datetime.isoformat() in the current time zone (the session's, SET LOCAL in
    ``copy_lines``), microseconds only when not zero, Z for +00:00. One to_char: ".000000" can only be the fraction."""
    text = f"to_char({expr}, 'YYYY-MM-DD\"T\"HH24:MI:SS.USTZH:TZM')"
    return f"replace(replace({text}, '.000000', ''), '+00:00', 'Z')"


@dataclass(frozen=True)
class DatabaseColumn:
    key: str  # the column header (the API's field name)
    lookups: tuple[str, ...]  # the values read from the queryset (ORM lookups)
    python: Callable[..., object]  # the cell from those values, as the serializer's to_representation gives it
    sql: Callable[..., str]  # the cell as SQL text from the same values (their column names), escaping included

    @property
    def stored_as_is(self) -> bool:
        """Written as the database stores it (``choice``): no escaping, no conversion."""
        return len(self.lookups) == 1 and self.sql("x") == "x"


def _same(value):
    return value


def text(lookup: str) -> DatabaseColumn:
    return DatabaseColumn(lookup, (lookup,), _same, sql_escaped)


def number(lookup: str) -> DatabaseColumn:
    return DatabaseColumn(lookup, (lookup,), _same, lambda c: f"{c}::text")


def choice(lookup: str) -> DatabaseColumn:
    """A column a CHECK constraint holds to its choices: when no choice is empty or starts with a character the
    escaping changes (``choices_need_no_escaping`` proves it), it is written as it is stored, at no cost per row."""
    return DatabaseColumn(lookup, (lookup,), _same, lambda c: c)


def related(key: str, lookup: str) -> DatabaseColumn:
    return DatabaseColumn(key, (lookup,), _same, sql_escaped)


def datetime(lookup: str) -> DatabaseColumn:
    return DatabaseColumn(lookup, (lookup,), _DATETIME.to_representation, sql_datetime)


def choices_need_no_escaping(model, columns: Sequence[DatabaseColumn]) -> bool:
    """Every value the model's choices allow in a column written as stored is non-empty and safe as it is."""
    for column in columns:
        if not column.stored_as_is:
            continue
        values = model._meta.get_field(column.lookups[0]).choices
        if not values or any(not value or str(value).startswith(FORMULA_STARTS) for value, _label in values):
            return False
    return True


class _Cell(Expression):
    """One column's cell as SQL text (``DatabaseColumn.sql``) over the columns its lookups name, as the ORM compiles
    them (joins included)."""

    def __init__(self, column: DatabaseColumn, wrap: str):
        super().__init__(output_field=TextField())
        self.column, self.wrap = column, wrap
        self.sources = [F(lookup) for lookup in column.lookups]

    def get_source_expressions(self):
        return self.sources

    def set_source_expressions(self, exprs):
        self.sources = list(exprs)

    def as_sql(self, compiler, connection):
        parts = []
        for source in self.sources:
            sql, params = compiler.compile(source)
            if params:  # a template may repeat a column: only plain column references can be repeated safely
                raise ValueError(f"{self.column.key}: a cell reads columns, not parameters")
            parts.append(sql)
        return self.wrap.format(self.column.sql(*parts)), []


class DatabaseExporter(QuerysetExporter):
    """An exporter whose ``columns`` are DatabaseColumns: rows from ``values_list``, CSV from COPY on PostgreSQL."""

    columns: ClassVar[Sequence[DatabaseColumn]] = ()

    def column_names(self) -> list[str] | None:
        """The columns asked for, in order; None: all."""
        return None

    def header(self) -> list[str]:
        return list(self.column_names() or (column.key for column in self.columns))

    def _selected(self) -> list[DatabaseColumn]:
        by_key = {column.key: column for column in self.columns}
        return [by_key[name] for name in self.header()]

    @staticmethod
    def _lookups(columns: list[DatabaseColumn]) -> list[str]:
        return list(dict.fromkeys(lookup for column in columns for lookup in column.lookups))

    def rows(self) -> Iterator[dict]:
        """Dict rows as the serializer would give them, read through a server-side cursor."""
        columns = self._selected()
        lookups = self._lookups(columns)
        position = {lookup: index for index, lookup in enumerate(lookups)}
        plan = [(column.key, column.python, [position[lookup] for lookup in column.lookups]) for column in columns]
        for values in self.selection().values_list(*lookups).iterator(chunk_size=EXPORT_CHUNK_SIZE):
            yield {key: make(*(values[i] for i in where)) for key, make, where in plan}

    def copy_supported(self, queryset: QuerySet) -> bool:
        return connections[queryset.db].vendor == "postgresql"

    def csv_lines(self) -> Iterator[bytes]:
        """The data lines of the CSV (no header): COPY on PostgreSQL, the csv module elsewhere."""
        if self.copy_supported(self.selection()):
            yield from self.copy_lines()
            return
        yield from writers.csv_data_lines(self.header(), self.rows())

    def chunks(self) -> Iterator[bytes]:
        if self.format != "csv":
            yield from super().chunks()
            return
        yield writers.csv_header_line(self.header(), bom=self.bom)
        queryset = self.selection()
        progress = self.counter.report
        # A COPY holds its connection until the last row: progress written on that same connection would wait for it
        # for ever. Where progress has its own connection (a real worker on PostgreSQL: JOBS_PROGRESS_DATABASE) it is
        # told as the rows go; otherwise the heartbeat and the final result are what the job's page shows.
        shares = getattr(progress, "shares_connection", lambda alias: True)
        blocked = self.copy_supported(queryset) and shares(queryset.db)
        yield from self._counted_chunks(self.csv_lines(), report=None if blocked else progress)

    def copy_sql(self) -> tuple[str, tuple]:
        """``COPY (SELECT <formatted cells> FROM … ORDER BY …) TO STDOUT`` and its parameters: the cells compiled
        into the selection's own SELECT (its joins, policy, filters and order), so PostgreSQL may format them in its
        parallel workers, below the merge, instead of in one process above it."""
        queryset = self.selection()
        columns = self._selected()
        # The csv module writes None and "" alike as nothing; COPY writes "" as "" unless it is NULL. In a row of one
        # cell the csv module writes "" (so the line is not empty), as COPY does for a non-NULL "".
        wrap = "NULLIF({}, '')" if len(columns) > 1 else "COALESCE({}, '')"
        if not queryset.query.distinct:
            cells = [_Cell(column, wrap) for column in columns]
            sql, params = queryset.values_list(*cells).query.get_compiler(queryset.db).as_sql()
            return f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params
        # DISTINCT (django-filter's multi-valued filters ask for it) makes the ORM select the ORDER BY columns too:
        # the cells are then made over the selection's raw columns, as a subquery.
        lookups = self._lookups(columns)
        alias = {lookup: f"c{index}" for index, lookup in enumerate(lookups)}
        inner = queryset.values_list().values(**{alias[lookup]: F(lookup) for lookup in lookups})
        sql, params = inner.query.get_compiler(queryset.db).as_sql()
        cells = ", ".join(
            wrap.format(column.sql(*(f"x.{alias[lookup]}" for lookup in column.lookups))) for column in columns
        )
        return f"COPY (SELECT {cells} FROM ({sql}) AS x) TO STDOUT WITH (FORMAT csv)", params

    def _counted_chunks(self, lines: Iterator[bytes], *, report=None) -> Iterator[bytes]:
        """The lines counted and joined into chunks of about writers.CHUNK_BYTES, in one loop (a million rows pass
        here: no generator per stage). ``report(rows)`` every EXPORT_PROGRESS_ROWS rows, when given."""
        counter, every, size = self.counter, self.counter.every, writers.CHUNK_BYTES
        buffer, length = [], 0
        try:
            for line in lines:
                buffer.append(line)
                length += len(line)
                counter.rows += 1
                if report is not None and counter.rows % every == 0:
                    report(counter.rows)
                if length >= size:
                    yield b"".join(buffer)
                    buffer, length = [], 0
        except Exception:
            if buffer:  # the lines read before the failure still go out, before the error line (writers.guarded)
                yield b"".join(buffer)
            raise
        if buffer:
            yield b"".join(buffer)

    def copy_lines(self) -> Iterator[bytes]:
        """CSV data lines (no header), one per record, written by PostgreSQL; ``\\r\\n`` line ends as the csv
        module's. The session time zone is the current one for the length of the COPY (SET LOCAL)."""
        sql, params = self.copy_sql()
        alias = self.selection().db
        connection = connections[alias]
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute("SET LOCAL TIME ZONE %s", [timezone.get_current_timezone_name()])
            with cursor.cursor.copy(sql, params) as copy:
                for block in copy:
                    yield bytes(block[:-1]) + b"\r\n"
