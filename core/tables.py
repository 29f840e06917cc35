"""One table per list: a single column definition drives the page, the CSV/XLSX export and the import template.

Modelled on NetBox's ``tables.py``, without django-tables2: the portal's generic list view (core/views.py)
already filters, sorts and pages with the API's FilterSets, so a table only has to say, per column,

* on the page: the translated header, the cell value, an optional link, the ORM key it sorts by and its kind
  (text, money, number, provenance, status), which picks how the template shows the cell;
* in the file: a stable English machine key (the column header) and the value written (codes and slugs, never
  translated labels, so a file can be read back by the importer, pandas or R).

A column without a label is in the file only (a slug, a code the page shows as a label elsewhere). The file holds
every column in table order, which is why a table lists its columns in export order. An importable table's file
is also its import template: its columns must be exactly ``import_keys``, so whatever is exported can be imported.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

KINDS = ("text", "money", "number", "provenance", "status")


@dataclass(frozen=True)
class Column:
    key: str  # the column header in the file (stable, English); also the import column name
    label: Any = None  # the translated page header (gettext_lazy); None: in the file only, not on the page
    value: Callable[[Any], Any] | None = None  # what the page shows; default: the attribute named like the key
    export: Callable[[Any], Any] | None = None  # what the file holds; default: the page value
    sort: str | None = None  # the ORM ordering key (also the ?sort= value); None: not sortable
    link: Callable[[Any], str] | None = None
    kind: str = "text"  # text | money | number | provenance | status

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ImproperlyConfigured(f"Column {self.key!r}: kind {self.kind!r} is not one of {KINDS}.")

    @property
    def on_page(self) -> bool:
        return self.label is not None

    def page_value(self, obj):
        return (self.value or attrgetter(self.key))(obj)

    def export_value(self, obj):
        return (self.export or self.value or attrgetter(self.key))(obj)


def choice_label(name: str) -> Callable[[Any], str]:
    """The translated label of a choice field (``get_<name>_display``), for the page; the file keeps the code."""
    return lambda obj: getattr(obj, f"get_{name}_display")()


def related(name: str, attribute: str, empty: Any = "") -> Callable[[Any], Any]:
    """An attribute of an optional related object: ``related("province", "slug")`` → the slug, or ``empty``."""

    def value(obj):
        target = getattr(obj, name)
        return getattr(target, attribute) if target is not None else empty

    return value


def itself(obj):
    """The whole object: a provenance or status badge reads several of its fields."""
    return obj


# Every registry record says where it comes from (core.models.ProvenanceModel): a badge on the page, the
# code and its source in the file. Last in every table of such records.
PROVENANCE_COLUMNS = (
    Column("provenance", _("Provenance"), itself, export=attrgetter("provenance"), kind="provenance"),
    Column("provenance_source"),
)


class Table:
    """A list's columns, in export order. Subclasses set ``columns`` (and ``import_keys`` when importable)."""

    columns: ClassVar[Sequence[Column]] = ()
    import_keys: ClassVar[Sequence[str] | None] = None  # the import template's headers; None: not importable

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        keys = [column.key for column in cls.columns]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ImproperlyConfigured(f"{cls.__name__}: the column keys {duplicates} are not unique.")
        if cls.import_keys is not None and keys != list(cls.import_keys):
            raise ImproperlyConfigured(
                f"{cls.__name__}: an importable table exports exactly its import columns, in order "
                f"(exports {keys}, imports {list(cls.import_keys)})."
            )

    # --- the page ------------------------------------------------------------------------------------------

    @classmethod
    def page_columns(cls) -> list[Column]:
        return [column for column in cls.columns if column.on_page]

    @classmethod
    def sort_keys(cls) -> frozenset[str]:
        """The only values ``?sort=`` accepts (with an optional ``-``); anything else never reaches the database."""
        return frozenset(column.sort for column in cls.columns if column.sort)

    @classmethod
    def page_rows(cls, objects: Iterable) -> list[list[dict]]:
        columns = cls.page_columns()
        return [
            [
                {"value": column.page_value(obj), "kind": column.kind, "url": column.link(obj) if column.link else None}
                for column in columns
            ]
            for obj in objects
        ]

    # --- the file ------------------------------------------------------------------------------------------

    @classmethod
    def export_keys(cls) -> list[str]:
        return [column.key for column in cls.columns]

    @classmethod
    def export_rows(cls, objects: Iterable) -> Iterator[dict]:
        columns = cls.columns
        for obj in objects:
            yield {column.key: column.export_value(obj) for column in columns}

    @classmethod
    def import_headers(cls) -> list[str]:
        if cls.import_keys is None:
            raise ImproperlyConfigured(f"{cls.__name__} is not importable.")
        return list(cls.import_keys)
