"""One FilterSet per model, shared by the web lists and the API.

Every FilterSet has ``q`` (search), ``ordering`` (stable: the primary key breaks ties, so pages never overlap) and
exact, range and relation filters. Number filters are bounded, so out-of-range input is a 400, not a database error.

The one filter dialect (``FILTER_DIALECT``, shown in the schema and the README), implemented once in ``ApiFilterSet``:
a multi-valued filter takes repeated parameters and comma lists alike (``source=eu&source=national`` is
``source=eu,national``: OR); a single-valued one given twice is refused rather than silently taking the last; ranges
are ``<name>_min``/``<name>_max``; a relation is named by slug or code and an unknown one is a 400 naming it; text and
relation filters listed in ``lookup_fields`` also take NetBox-style ``__n`` (not), ``__ic`` (contains, any case) and
``__empty`` (true/false).
"""

import django_filters as df
from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.constants import YEAR_MAX, YEAR_MIN
from core.models import Provenance

# The years the registry accepts (the models' validators and database checks): a year outside them is a 400 that
# names the bounds, not an empty list.
YEAR_BOUNDS = {"min_value": YEAR_MIN, "max_value": YEAR_MAX}


class IntegerFilter(df.NumberFilter):
    field_class = forms.IntegerField


def year_filter(field_name: str, lookup: str = "exact", label=None) -> IntegerFilter:
    return IntegerFilter(field_name=field_name, lookup_expr=lookup, label=label, **YEAR_BOUNDS)


FILTER_DIALECT = _(
    "Filters, one dialect on every list and table: a multi-valued filter takes repeated parameters and "
    "comma-separated values alike, both meaning OR (source=eu&source=national equals source=eu,national); a "
    "single-valued filter may be given once; ranges are <name>_min and <name>_max (inclusive); relations are named "
    "by slug or code. Text and relation filters also take <name>__n (not these), <name>__ic (contains, any case) and "
    "<name>__empty (true or false). An unknown parameter, or an unknown slug, code or choice, is a 400 naming it."
)

MULTI_VALUED_FILTERS = (df.MultipleChoiceFilter, df.ModelMultipleChoiceFilter, df.BaseInFilter)
# Those reading one comma-separated value (django-filter's CSV widget) rather than repeated values.
CSV_FILTERS = (df.BaseInFilter,)


class EmptyFilter(df.BooleanFilter):
    """``<name>__empty=true``: no value (null, or blank text); ``false``: has one."""

    def __init__(self, *args, text: bool = False, **kwargs):
        self.text = text
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        empty = Q(**{f"{self.field_name}__isnull": True})
        if self.text:
            empty |= Q(**{self.field_name: ""})
        return qs.filter(empty) if value else qs.exclude(empty)


class CharInFilter(df.BaseInFilter, df.CharFilter):
    """A comma list of text values (``name__n=a,b``)."""


class ApiFilterSet(df.FilterSet):
    """The base of every FilterSet: the one dialect of the module docstring.

    ``lookup_fields`` maps a filter name to the model path it compares (text: ``"city": "city"``; relation by slug:
    ``"hub": "hub__slug"``) and adds ``<name>__n``, ``<name>__ic`` and ``<name>__empty`` for it.
    """

    lookup_fields: dict[str, str] = {}

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for name, path in cls.lookup_fields.items():
            relation, _sep, _attr = path.rpartition("__")
            filters[f"{name}__n"] = CharInFilter(field_name=path, lookup_expr="in", exclude=True, distinct=True)
            filters[f"{name}__n"].label = _("Not any of these (comma-separated)")
            filters[f"{name}__ic"] = df.CharFilter(field_name=path, lookup_expr="icontains", distinct=True)
            filters[f"{name}__ic"].label = _("Contains this text (any case)")
            # A relation is empty when it is not set; text when it is null or blank.
            filters[f"{name}__empty"] = EmptyFilter(field_name=relation or path, text=not relation)
            filters[f"{name}__empty"].label = _("true: no value; false: has a value")
        return filters

    @classmethod
    def multi_valued_names(cls) -> set[str]:
        return {name for name, f in cls.base_filters.items() if isinstance(f, MULTI_VALUED_FILTERS)}

    def __init__(self, data=None, *args, **kwargs):
        self.repeated: list[str] = []
        if data is not None and hasattr(data, "getlist"):
            data = self._normalise(data)
        super().__init__(data, *args, **kwargs)

    def _normalise(self, data) -> QueryDict:
        """Comma lists become repeated values for multi-valued filters; repeated single values are remembered."""
        multi = self.multi_valued_names()
        csv = {name for name, f in self.base_filters.items() if isinstance(f, CSV_FILTERS)}
        normal = QueryDict(mutable=True)
        for key, values in data.lists():
            if key in multi:
                values = [part.strip() for value in values for part in value.split(",") if part.strip()]
                if key in csv:
                    values = [",".join(values)]
            elif key in self.base_filters and len(set(values)) > 1:
                self.repeated.append(key)
            normal.setlist(key, values)
        return normal

    def is_valid(self):
        valid = super().is_valid()
        for name in self.repeated:
            if name in self.form.fields:
                self.form.add_error(name, _("Give %(name)s once; it takes a single value.") % {"name": name})
        return valid and not self.repeated


class StableOrderingFilter(df.OrderingFilter):
    """Ordering by the chosen fields, then by primary key, so paging through a list is deterministic."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            ordering = list(qs.query.order_by)
            if "pk" not in ordering and "-pk" not in ordering:
                qs = qs.order_by(*ordering, "pk")
        return qs


class SearchFilterMixin(ApiFilterSet):
    q = df.CharFilter(method="search", label=_("Search (case-insensitive, in names and other text)"))
    search_fields: tuple[str, ...] = ("name",)

    def search(self, queryset, name, value):
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)


def provenance_filter() -> df.MultipleChoiceFilter:
    return df.MultipleChoiceFilter(choices=Provenance.choices, label=_("Provenance: published or illustrative"))


def choice_filter(choices, label, **kwargs) -> df.MultipleChoiceFilter:
    """One or more of the choices (repeated or comma-separated: OR); an unknown value is a 400 naming it."""
    return df.MultipleChoiceFilter(choices=choices, label=label, **kwargs)


def slugs_of(value) -> list[str]:
    """The slugs of a SlugFilter's value: records from the API's form, plain slugs from a portal page's select."""
    return [getattr(v, "slug", v) for v in value]


@extend_schema_field(OpenApiTypes.STR)
class SlugFilter(df.ModelMultipleChoiceFilter):
    """Records by slug or code (the schema says: strings)."""


def slug_filter(field_name: str, queryset, label, *, to_field_name: str = "slug", **kwargs):
    """Related records by slug (or code), one or more (OR); an unknown slug is a 400 naming it."""
    # django-filter compares the field with the chosen record's to_field value, so compare it with the slug column.
    path = f"{field_name}__{to_field_name}" if field_name and to_field_name != "pk" else field_name
    return SlugFilter(field_name=path, queryset=queryset, to_field_name=to_field_name, label=label, **kwargs)


def ordering_filter(*fields: str) -> StableOrderingFilter:
    return StableOrderingFilter(
        fields=fields, label=_("Sort by these fields (comma-separated; prefix with - for descending)")
    )
