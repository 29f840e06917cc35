"""Exporters: one registered class per export, with its columns once (pretix's ``ListExporter`` is the model).

An exporter is built from who asks (``user``), the request's query parameters (``query``: the selection, the sort,
the columns) and a format. From those alone it knows its rows, so the same class answers the portal's "export this
view", the API's ``?format=csv|xlsx`` and the background job that writes the file later (core/exporters/delivery.py
decides which; the job finds the class again by its registry ``key``). Every exporter reads its rows through the
access policy for its user: a job written for someone holds only what they may see.

* ``QuerysetExporter``: the rows of a model's queryset, the FilterSet of its list applied to the query.
* ``TableExporter``: a portal list, its columns a ``core.tables.Table`` (the page's own column definition).
* ``RowsExporter``: a computed table (the evaluation's), its rows the dicts a selector returns.
* ``core.api.exporters``: the API's lists (a serializer's columns, or straight from the database).

Subclasses set ``key`` (unique, stored in a job's parameters), ``verbose_name``, ``filename`` (no extension) and
implement ``header()``, ``rows()`` (dicts keyed by the header) and ``count()``; ``register`` makes them findable.
"""

import tempfile
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.utils.formats import number_format
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import policy
from core.constants import EXPORT_CHUNK_SIZE, EXPORT_FORMATS, XLSX_MAX_DATA_ROWS
from core.tables import Table

from . import writers

EXPORT_PROGRESS_ROWS = 10_000  # a background export reports its progress this often

# --- refusals ----------------------------------------------------------------------------------------------------


class ExportRefused(Exception):
    """An export that cannot be made, for a reason people can act on. ``code``: ``too_large`` (an Excel sheet's limit,
    or above the stream bound where no job can take it), ``empty`` (a format that needs a row), ``invalid`` (the
    selection's parameters) or ``unknown`` (no such exporter)."""

    def __init__(self, message: str, *, code: str = "too_large"):
        super().__init__(message)
        self.code = code


class ExportInvalid(ExportRefused):
    """The selection's parameters do not validate; ``errors``: {parameter: [messages]}."""

    def __init__(self, errors: Mapping[str, Iterable[str]]):
        self.errors = {str(name): [str(message) for message in messages] for name, messages in errors.items()}
        text = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in self.errors.items())
        super().__init__(text, code="invalid")


def grouped(number: int) -> str:
    """1,048,575 in English, 1.048.575 in Dutch."""
    return number_format(number, force_grouping=True)


def stream_max_rows(fmt: str) -> int:
    """The most rows an export of ``fmt`` sends in the request; above it, a job (or a refusal). docs/operations.md"""
    if fmt == "xlsx":
        return min(settings.EXPORT_STREAM_MAX_ROWS, settings.EXPORT_XLSX_STREAM_MAX_ROWS)
    return settings.EXPORT_STREAM_MAX_ROWS


def too_many_rows(count: int, limit: int) -> str:
    """The message for an export above the stream bound where no background job can write it."""
    return _(
        "This selection has %(count)s rows; this list exports at most %(max)s at once. Narrow the selection with the "
        "filters."
    ) % {"count": grouped(count), "max": grouped(limit)}


def xlsx_refusal(count: int) -> str | None:
    """Why an XLSX of ``count`` data rows cannot be made (an Excel sheet's limit), or None. The API answers it as a
    400, the portal as a message on the list, a job as its error."""
    if count <= XLSX_MAX_DATA_ROWS:
        return None
    return _(
        "This selection has %(count)s rows; an Excel sheet holds at most %(max)s. Export it as CSV, or narrow the "
        "selection with the list's filters."
    ) % {"count": grouped(count), "max": grouped(XLSX_MAX_DATA_ROWS)}


def two_decimals(value):
    """Money keeps two decimals in a file (100 → 100.00); a ratio keeps the places it was quantised to (0.3000)."""
    if isinstance(value, Decimal) and value.as_tuple().exponent > -2:
        return value.quantize(Decimal("0.01"))
    return value


def _query_lists(query) -> dict[str, list[str]]:
    if query is None:
        return {}
    items = query.lists() if hasattr(query, "lists") else query.items()
    return {
        str(key): [str(value) for value in (values if isinstance(values, list | tuple) else [values])]
        for key, values in items
    }


# --- the exporter ------------------------------------------------------------------------------------------------


class Exporter:
    """One export. See the module's docstring."""

    key: ClassVar[str] = ""
    verbose_name: ClassVar[Any] = ""
    filename: ClassVar[str] = "export"
    formats: ClassVar[tuple[str, ...]] = EXPORT_FORMATS
    # Portal files start with a BOM, because the people who click "export" open them in Excel; the API's do not,
    # because pandas and R read them.
    bom: ClassVar[bool] = False
    # Decimal cells keep at least two places (money as the portal shows it; the API's are strings already).
    money_cells: ClassVar[bool] = False
    # Query parameters that are no part of the selection (paging, format, language): not kept with a job.
    passive_parameters: ClassVar[frozenset[str]] = frozenset({"format", "page", "per_page", "page_size", "lang"})
    media_types: ClassVar[dict[str, str]] = {
        "csv": f"{writers.CSV_MEDIA_TYPE}; charset=utf-8",
        "xlsx": writers.XLSX_MEDIA_TYPE,
        "json": "application/json",
    }

    def __init__(self, *, user, query=None, fmt: str = "csv"):
        self.user = user
        self.format = fmt
        self.query = {k: v for k, v in _query_lists(query).items() if k not in self.passive_parameters}
        self.counter = writers.RowCounter()

    def __str__(self):
        return self.key

    # --- what each exporter says (pretix: iterate_list) ------------------------------------------------------

    def header(self) -> list[str]:
        raise NotImplementedError

    def rows(self) -> Iterable[dict]:
        """The data rows, dicts keyed by the header's names, read lazily (a million rows are never held)."""
        raise NotImplementedError

    def count(self) -> int:
        """How many data rows the file will hold (decides stream or job); ExportInvalid for a bad selection."""
        raise NotImplementedError

    def refusal(self, count: int) -> ExportRefused | None:
        """Why a file of ``count`` rows cannot be made in this format, or None."""
        if self.format not in self.formats:
            return ExportRefused(_("Choose one of %(formats)s.") % {"formats": ", ".join(self.formats)}, code="invalid")
        message = xlsx_refusal(count) if self.format == "xlsx" else None
        return ExportRefused(message) if message else None

    # --- what it is called and how a job finds it again ------------------------------------------------------

    def file_name(self) -> str:
        return f"{self.filename}.{self.format}"

    def parameters(self, **extra) -> dict:
        """What a background job stores to build this export again: the registry key, format, query, language."""
        return {"exporter": self.key, "format": self.format, "query": self.query, "language": get_language(), **extra}

    # --- the file (pretix: render) ---------------------------------------------------------------------------

    def file_rows(self) -> Iterator[dict]:
        rows = self.counter.counted(self.rows())
        if not self.money_cells:
            return rows
        return ({name: two_decimals(value) for name, value in row.items()} for row in rows)

    def chunks(self) -> Iterator[bytes]:
        """The file of a streamable format (CSV), header first, in chunks of about writers.CHUNK_BYTES."""
        if self.format != "csv":
            raise ImproperlyConfigured(f"{type(self).__name__} cannot stream {self.format}.")
        header = self.header()
        yield writers.csv_header_line(header, bom=self.bom)
        yield from writers.batched(writers.csv_data_lines(header, self.file_rows()))

    def write(self, fileobj, progress=None) -> int:
        """Write the whole file to ``fileobj`` (a job's file); the number of data rows. ``progress(rows)`` is told
        every EXPORT_PROGRESS_ROWS rows."""
        self.counter = writers.RowCounter(progress, EXPORT_PROGRESS_ROWS)
        if self.format == "xlsx":
            writers.xlsx_write(self.header(), self.file_rows(), fileobj)
        else:
            for chunk in self.chunks():
                fileobj.write(chunk)
        return self.counter.rows

    def response(self) -> HttpResponse:
        """The file as the answer to this request: CSV streamed as the rows come (guarded: never a silently shorter
        file), XLSX built in a write-only workbook and then sent (a zip's directory comes last)."""
        media_type = self.media_types[self.format]
        if self.format == "xlsx":
            # Spooled: a small sheet stays in memory, a large one goes to a temporary file while it is written.
            with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as output:
                self.write(output)
                output.seek(0)
                response = HttpResponse(output.read(), content_type=media_type)
        else:
            chunks = writers.guarded(self.chunks()) if self.format == "csv" else self.chunks()
            response = StreamingHttpResponse(chunks, content_type=media_type)
        disposition = "inline" if self.format == "json" else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{self.file_name()}"'
        return response


class QuerysetExporter(Exporter):
    """The rows of a queryset: what the policy lets the user see of ``queryset`` (``get_queryset()``), in
    ``ordering``, then the FilterSet of the list applied to the query (its ``ordering`` filter may re-order)."""

    queryset: ClassVar[QuerySet | None] = None
    filterset_class: ClassVar[type | None] = None
    ordering: ClassVar[tuple[str, ...]] = ()

    def get_queryset(self) -> QuerySet:
        if self.queryset is None:
            raise ImproperlyConfigured(f"{type(self).__name__} has no queryset.")
        return self.queryset.all()

    def base_queryset(self) -> QuerySet:
        """What the user may see: restricted by the policy, always (an export is also written for a job's owner)."""
        queryset = policy.visible_to(self.user, self.get_queryset())
        return queryset.order_by(*self.ordering) if self.ordering else queryset

    def filter_data(self) -> dict[str, list[str]]:
        """The query parameters the FilterSet reads."""
        return self.query

    def order(self, queryset: QuerySet) -> QuerySet:
        return queryset

    def selection(self) -> QuerySet:
        if not hasattr(self, "_selection"):
            queryset = self.base_queryset()
            if self.filterset_class is not None:
                data = QueryDict(mutable=True)
                for key, values in self.filter_data().items():
                    data.setlist(key, values)
                filterset = self.filterset_class(data=data, queryset=queryset)
                if not filterset.is_valid():
                    raise ExportInvalid(filterset.errors)
                queryset = filterset.qs
            self._selection = self.order(queryset)
        return self._selection

    def count(self) -> int:
        return self.selection().count()

    def objects(self) -> Iterator:
        # chunk_size: Django refuses iterator() without it after prefetch_related (the hubs' provinces); each chunk
        # then runs its prefetch once.
        return self.selection().iterator(chunk_size=EXPORT_CHUNK_SIZE)


class TableExporter(QuerysetExporter):
    """A portal list's "export this view": its table's file columns, its filters and its sort (``?sort=``)."""

    table: ClassVar[type[Table]] = Table
    default_ordering: ClassVar[tuple[str, ...]] = ("name",)
    bom = True
    money_cells = True

    @classmethod
    def sort_of(cls, value: str | None) -> str:
        """``value`` if it is a sort the table offers (with an optional ``-``), else "": nothing else reaches the
        database."""
        value = value or ""
        return value if value.lstrip("-") in cls.table.sort_keys() else ""

    @classmethod
    def ordering_for(cls, sort: str) -> tuple[str, ...]:
        """The list's order: the chosen sort or the default, the primary key last so that pages never overlap."""
        return (sort, "pk") if sort else (*cls.default_ordering, "pk")

    def filter_data(self):
        return {key: values for key, values in self.query.items() if key != "sort"}

    def order(self, queryset):
        return queryset.order_by(*self.ordering_for(self.sort_of((self.query.get("sort") or [""])[-1])))

    def header(self):
        return self.table.export_keys()

    def rows(self):
        return self.table.export_rows(self.objects())


class RowsExporter(Exporter):
    """A computed table: ``compute()`` returns its rows (a handful to a few thousand dicts from a selector); the
    header is their keys in order (``empty_header`` when there are none)."""

    empty_header: ClassVar[tuple[str, ...]] = ()

    def compute(self) -> list[dict]:
        raise NotImplementedError

    def table_rows(self) -> list[dict]:
        if not hasattr(self, "_rows"):
            self._rows = list(self.compute())
        return self._rows

    def header(self):
        return writers.header_of(self.table_rows()) or list(self.empty_header)

    def rows(self):
        return iter(self.table_rows())

    def count(self):
        return len(self.table_rows())


# --- the registry ------------------------------------------------------------------------------------------------

_registry: dict[str, type[Exporter]] = {}
_discovered = False


def register(exporter: type[Exporter]) -> type[Exporter]:
    """Class decorator: make an exporter findable by its key (a background job stores only the key)."""
    key = exporter.key
    if not key:
        raise ImproperlyConfigured(f"{exporter.__name__} has no key.")
    if _registry.get(key, exporter) is not exporter:
        raise ImproperlyConfigured(
            f"Two exporters have the key {key!r}: {_registry[key].__name__}, {exporter.__name__}."
        )
    _registry[key] = exporter
    return exporter


def _discover() -> None:
    """Import every app's ``exporters`` and ``api.exporters`` (like the admin's autodiscover): a worker that never
    loaded the views still finds every exporter."""
    global _discovered
    if not _discovered:
        autodiscover_modules("exporters", "api.exporters")
        _discovered = True


def exporter_get(key: str) -> type[Exporter]:
    _discover()
    try:
        return _registry[key]
    except KeyError:
        raise ExportRefused(_("There is no export %(key)s.") % {"key": key}, code="unknown") from None


def exporters_all() -> list[type[Exporter]]:
    """Every registered exporter, by key."""
    _discover()
    return [_registry[key] for key in sorted(_registry)]
