"""Query parameters of the evaluation tables, parsed and validated into the typed arguments the selectors take.

One dialect for the web page, the API, `manage.py evaluate` and the run service: comma-separated values mean OR,
`year_min`/`year_max` bound a window, an unknown parameter or value is refused with a message naming it (a Django
ValidationError keyed by the parameter; the API answers it as a 400). The selectors never see a raw query string.
(The model lists' filters are django-filter FilterSets in filtersets.py; these are the evaluation tables'.)
"""

from __future__ import annotations

__all__ = [
    "FILTER_KEYS",
    "MULTI_VALUED_KEYS",
    "parse_funding_filters",
    "parse_funding_totals",
    "parse_group_by",
    "parse_year_window",
]

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.constants import EVALUATION_YEAR_MAX, EVALUATION_YEAR_MIN, YEAR_MAX, YEAR_MIN
from funding.choices import FundingKind, Realisation, RecipientKind, Source
from funding.selectors import GROUP_KEYS, FundingFilters
from registry.models import Hub

from .models import ActivityType

# The query parameters of funding-totals (and of FundingFilters: `source` fills its `sources`).
FILTER_KEYS = ("year_min", "year_max", "recipient_kind", "hub", "source", "activity_type", "kind", "realisation")
# Those taking several values (repeated or comma-separated: OR); the others are given once.
MULTI_VALUED_KEYS = frozenset({"group_by", "hub", "source", "activity_type"})


def _split(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part).strip() for part in value if str(part).strip()]


def _parse_year(name: str, value, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(str(value))
    except ValueError:
        errors[name] = _("%(name)s must be a year, not %(value)r.") % {"name": name, "value": value}
        return None
    if not YEAR_MIN <= year <= YEAR_MAX:
        errors[name] = _("%(name)s must lie between %(min)s and %(max)s.") % {
            "name": name,
            "min": YEAR_MIN,
            "max": YEAR_MAX,
        }
        return None
    return year


def _parse_choice(name: str, value, choices: Iterable[str], errors: dict) -> str | None:
    if value in (None, ""):
        return None
    allowed = list(choices)
    if value not in allowed:
        errors[name] = _("Unknown %(name)s %(value)r; choose one of: %(allowed)s.") % {
            "name": name,
            "value": value,
            "allowed": ", ".join(allowed),
        }
        return None
    return value


def parse_year_window(
    data: Mapping | None, *, default_min: int = EVALUATION_YEAR_MIN, default_max: int = EVALUATION_YEAR_MAX
) -> tuple[int, int]:
    """(year_min, year_max) from a mapping, the evaluation window where one is missing; raises ValidationError
    naming the bad parameter."""
    data = data or {}
    errors: dict[str, str] = {}
    year_min = _parse_year("year_min", data.get("year_min"), errors)
    year_max = _parse_year("year_max", data.get("year_max"), errors)
    year_min = default_min if year_min is None else year_min
    year_max = default_max if year_max is None else year_max
    if not errors and year_min > year_max:
        errors["year_max"] = _("year_max must not be before year_min.")
    if errors:
        raise ValidationError(errors)
    return year_min, year_max


def _funding_filters(data: Mapping, errors: dict) -> FundingFilters:
    unknown = sorted(set(data) - set(FILTER_KEYS))
    if unknown:
        errors["filters"] = _("Unknown filter(s): %(unknown)s; allowed: %(allowed)s.") % {
            "unknown": ", ".join(unknown),
            "allowed": ", ".join(FILTER_KEYS),
        }
    year_min = _parse_year("year_min", data.get("year_min"), errors)
    year_max = _parse_year("year_max", data.get("year_max"), errors)
    if year_min is not None and year_max is not None and year_min > year_max:
        errors["year_max"] = _("year_max must not be before year_min.")
    recipient_kind = _parse_choice("recipient_kind", data.get("recipient_kind"), RecipientKind.values, errors)
    kind = _parse_choice("kind", data.get("kind"), FundingKind.values, errors)
    realisation = _parse_choice("realisation", data.get("realisation"), Realisation.values, errors)
    sources = _split(data.get("source"))
    bad_sources = [s for s in sources if s not in Source.values]
    if bad_sources:
        errors["source"] = _("Unknown source(s): %(bad)s; choose from: %(allowed)s.") % {
            "bad": ", ".join(bad_sources),
            "allowed": ", ".join(Source.values),
        }
    hubs = tuple(dict.fromkeys(_split(data.get("hub"))))
    activity_types = tuple(dict.fromkeys(_split(data.get("activity_type"))))
    # A misspelt slug would otherwise answer an empty table that looks like "no money": name it instead.
    bad_hubs = sorted(set(hubs) - set(Hub.objects.filter(slug__in=hubs).values_list("slug", flat=True)))
    if bad_hubs:
        errors["hub"] = _("Unknown hub(s): %(value)s.") % {"value": ", ".join(bad_hubs)}
    bad_types = sorted(
        set(activity_types) - set(ActivityType.objects.filter(code__in=activity_types).values_list("code", flat=True))
    )
    if bad_types:
        errors["activity_type"] = _("Unknown activity type(s): %(value)s.") % {"value": ", ".join(bad_types)}
    # One value stays a plain string (as code and stored run parameters give it); several are a tuple (OR).
    hub = hubs[0] if len(hubs) == 1 else (hubs or None)
    activity_type = activity_types[0] if len(activity_types) == 1 else (activity_types or None)
    return FundingFilters(
        year_min=year_min,
        year_max=year_max,
        recipient_kind=recipient_kind,
        hub=hub,
        sources=tuple(sources),
        activity_type=activity_type,
        kind=kind,
        realisation=realisation,
    )


def _group_by(value, errors: dict) -> tuple[str, ...]:
    keys = _split(value)
    unknown = [k for k in keys if k not in GROUP_KEYS]
    if unknown:
        errors["group_by"] = _("Unknown group_by key(s): %(unknown)s; allowed: %(allowed)s.") % {
            "unknown": ", ".join(unknown),
            "allowed": ", ".join(GROUP_KEYS),
        }
    elif len(set(keys)) != len(keys):
        errors["group_by"] = _("A group_by key is repeated.")
    return tuple(keys)


def parse_funding_filters(data: Mapping | None) -> FundingFilters:
    """Validate filters (from a query string or code); raises ValidationError with one message per bad key."""
    errors: dict[str, str] = {}
    filters = _funding_filters(dict(data or {}), errors)
    if errors:
        raise ValidationError(errors)
    return filters


def parse_group_by(value) -> tuple[str, ...]:
    """Group keys from "source,year" or a list; raises ValidationError on an unknown or repeated key."""
    errors: dict[str, str] = {}
    keys = _group_by(value, errors)
    if errors:
        raise ValidationError(errors)
    return keys


def parse_funding_totals(data: Mapping | None) -> tuple[tuple[str, ...], FundingFilters]:
    """(group keys, filters) of a funding-totals request; every bad parameter is named at once."""
    data = dict(data or {})
    errors: dict[str, str] = {}
    keys = _group_by(data.pop("group_by", None), errors)
    filters = _funding_filters(data, errors)
    if errors:
        raise ValidationError(errors)
    return keys, filters
