"""Reads of the evaluation: every sum and count is computed by the database (GROUP BY), never by a Python loop over
records. Python only combines the few aggregated rows (one per group) into ratios and verdicts.

Each selector answers in a fixed number of queries, whatever the number of records (pinned in tests).
Money is Decimal quantised to cents, ratios to four decimals; the API turns both into strings unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, Count, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext as _

from funding.choices import PRIVATE_SOURCES, PUBLIC_SOURCES, FundingKind, Realisation, RecipientKind, Source
from funding.models import FundingRecord
from registry.models import Hub, Participation
from smartindustry.models import YEAR_MAX, YEAR_MIN

from .choices import BAND_VERDICTS, EfficiencyVerdict, IndicatorUnit, Verdict
from .models import ActivityType, EfficiencyNorm, Indicator, Measurement, OutputGoal, OutputTarget, VerdictBand

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")
ZERO = Decimal("0.00")
ONE = Decimal("1")

# The evaluation window of the 2021 evaluation: fieldlab funding 2015–2019.
DEFAULT_YEAR_MIN = 2015
DEFAULT_YEAR_MAX = 2019


def money(value) -> Decimal:
    return (value if value is not None else ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(numerator, denominator) -> Decimal | None:
    """numerator / denominator to four decimals; None when the denominator is zero (not assessable)."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATIO, rounding=ROUND_HALF_UP)


def per_unit(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


# --- funding totals -----------------------------------------------------------------------------------------

# Group keys of the DESIGN contract (+ recipient_kind, kind, realisation). Each maps to a SQL expression; keys that
# are also model field names are aliased with a prefix because an annotation may not shadow a field.
_HUB_SLUG = Coalesce(F("hub__slug"), F("fieldlab__hub__slug"))
_RECIPIENT_KIND = Case(
    When(fieldlab__isnull=False, then=Value(RecipientKind.FIELDLAB.value)),
    When(hub__isnull=False, then=Value(RecipientKind.HUB.value)),
    default=Value(RecipientKind.BUREAU.value),
    output_field=CharField(),
)
GROUP_EXPRESSIONS = {
    "source": F("source"),
    "year": F("year"),
    "hub": _HUB_SLUG,
    "province": F("fieldlab__province__slug"),
    "fieldlab": F("fieldlab__slug"),
    "activity_type": F("activity_type__code"),
    "recipient_kind": _RECIPIENT_KIND,
    "kind": F("kind"),
    "realisation": F("realisation"),
}
GROUP_KEYS = tuple(GROUP_EXPRESSIONS)
FILTER_KEYS = ("year_min", "year_max", "recipient_kind", "hub", "source", "activity_type", "kind", "realisation")


@dataclass(frozen=True)
class FundingFilters:
    """Validated filters over approved funding records."""

    year_min: int | None = None
    year_max: int | None = None
    recipient_kind: str | None = None
    hub: str | None = None
    sources: tuple[str, ...] = ()
    activity_type: str | None = None
    kind: str | None = None
    realisation: str | None = None

    def apply(self, qs):
        if self.year_min is not None:
            qs = qs.filter(year__gte=self.year_min)
        if self.year_max is not None:
            qs = qs.filter(year__lte=self.year_max)
        if self.recipient_kind:
            qs = qs.for_recipient_kind(self.recipient_kind)
        if self.hub:
            qs = qs.filter(Q(hub__slug=self.hub) | Q(fieldlab__hub__slug=self.hub))
        if self.sources:
            qs = qs.filter(source__in=self.sources)
        if self.activity_type:
            qs = qs.filter(activity_type__code=self.activity_type)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.realisation:
            qs = qs.filter(realisation=self.realisation)
        return qs


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


def parse_year_window(data: Mapping | None, *, default_min=DEFAULT_YEAR_MIN, default_max=DEFAULT_YEAR_MAX):
    """(year_min, year_max) from a mapping; raises ValidationError naming the bad parameter."""
    data = data or {}
    errors: dict[str, str] = {}
    year_min = _parse_year("year_min", data.get("year_min"), errors)
    year_max = _parse_year("year_max", data.get("year_max"), errors)
    year_min = default_min if year_min is None else year_min
    year_max = default_max if year_max is None else year_max
    if not errors and year_min is not None and year_max is not None and year_min > year_max:
        errors["year_max"] = _("year_max must not be before year_min.")
    if errors:
        raise ValidationError(errors)
    return year_min, year_max


def parse_funding_filters(data: Mapping | None) -> FundingFilters:
    """Validate filters (from a query string or code); raises ValidationError with one message per bad key."""
    data = dict(data or {})
    errors: dict[str, str] = {}
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
    hub = data.get("hub") or None
    activity_type = data.get("activity_type") or None
    if errors:
        raise ValidationError(errors)
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


def parse_group_by(value) -> tuple[str, ...]:
    keys = _split(value)
    unknown = [k for k in keys if k not in GROUP_EXPRESSIONS]
    if unknown:
        raise ValidationError(
            {
                "group_by": _("Unknown group_by key(s): %(unknown)s; allowed: %(allowed)s.")
                % {"unknown": ", ".join(unknown), "allowed": ", ".join(GROUP_KEYS)}
            }
        )
    if len(set(keys)) != len(keys):
        raise ValidationError({"group_by": _("A group_by key is repeated.")})
    return tuple(keys)


def approved_funding(filters: FundingFilters | None = None):
    qs = FundingRecord.objects.approved()
    return (filters or FundingFilters()).apply(qs)


def funding_totals(
    *, group_by: Iterable[str] | str = (), filters: Mapping | FundingFilters | None = None
) -> list[dict]:
    """Approved funding summed per group: one row per combination of the group keys present in the data.

    Each row holds the group keys, `amount` (Decimal, cents) and `records` (count). With no group keys: one total
    row. One query.
    """
    keys = parse_group_by(group_by)
    if not isinstance(filters, FundingFilters):
        filters = parse_funding_filters(filters)
    qs = approved_funding(filters)
    aliases = {key: f"g_{key}" for key in keys}
    if not keys:
        totals = qs.aggregate(amount=Sum("amount", default=ZERO), records=Count("id"))
        return [{"amount": money(totals["amount"]), "records": totals["records"]}]
    qs = (
        qs.annotate(**{aliases[key]: GROUP_EXPRESSIONS[key] for key in keys})
        .values(*aliases.values())
        .annotate(amount=Sum("amount"), records=Count("id"))
        .order_by(*aliases.values())
    )
    return [
        {**{key: row[aliases[key]] for key in keys}, "amount": money(row["amount"]), "records": row["records"]}
        for row in qs
    ]


def funding_cumulative(*, filters: Mapping | FundingFilters | None = None) -> list[dict]:
    """Per year: the approved amount, its records and the running total. Years inside the window with no funding
    appear with zero, so a gap is visible rather than skipped. One query."""
    if not isinstance(filters, FundingFilters):
        filters = parse_funding_filters(filters)
    # Running total as a correlated subquery (Django does not window over an aggregate): still one query.
    running_total = (
        approved_funding(filters)
        .filter(year__lte=OuterRef("year"))
        .order_by()
        .values(dummy=Value(1))
        .annotate(total=Sum("amount"))
        .values("total")
    )
    qs = (
        approved_funding(filters)
        .values("year")
        .annotate(year_amount=Sum("amount"), records=Count("id"), cumulative=Subquery(running_total))
        .order_by("year")
    )
    rows = {row["year"]: row for row in qs}
    if not rows:
        return []
    first = filters.year_min if filters.year_min is not None else min(rows)
    last = filters.year_max if filters.year_max is not None else max(rows)
    result, running = [], ZERO
    for year in range(first, last + 1):  # one step per year of the window, not per record
        row = rows.get(year)
        if row:
            running = money(row["cumulative"])
        result.append(
            {
                "year": year,
                "amount": money(row["year_amount"]) if row else ZERO,
                "records": row["records"] if row else 0,
                "cumulative": running,
            }
        )
    return result


def funding_leverage(*, filters: Mapping | FundingFilters | None = None) -> dict:
    """Private euro (companies) per public euro (national, regional, knowledge institutions, EU). One query."""
    if not isinstance(filters, FundingFilters):
        filters = parse_funding_filters(filters)
    sums = approved_funding(filters).aggregate(
        private=Sum("amount", filter=Q(source__in=PRIVATE_SOURCES), default=ZERO),
        public=Sum("amount", filter=Q(source__in=PUBLIC_SOURCES), default=ZERO),
    )
    private, public = money(sums["private"]), money(sums["public"])
    total = private + public
    return {
        "private": private,
        "public": public,
        "total": total,
        "private_share": ratio(private, total),
        "leverage": ratio(private, public),  # private euro per public euro
        "public_per_private": ratio(public, private),
    }


# --- reach --------------------------------------------------------------------------------------------------


# A company×fieldlab pair as one distinct value, portable across SQLite and PostgreSQL.
_PAIR = Concat(Cast("company_id", CharField()), Value("-"), Cast("fieldlab_id", CharField()), output_field=CharField())
_REACH_COUNTS = {
    "unique_companies": Count("company", distinct=True),
    "company_fieldlab_pairs": Count(_PAIR, distinct=True),
    "fieldlabs": Count("fieldlab", distinct=True),
    "participations": Count("id"),
}


def companies_reached(*, year_min: int | None = None, year_max: int | None = None, hub: str | None = None) -> dict:
    """Unique companies that took part in fieldlabs: a company in three fieldlabs counts once. One query.

    `company_fieldlab_pairs` is what adding up the fieldlabs' own counts would give, shown beside it.
    """
    qs = Participation.objects.filter(fieldlab__isnull=False)
    if year_min is not None:
        qs = qs.filter(year__gte=year_min)
    if year_max is not None:
        qs = qs.filter(year__lte=year_max)
    if hub:
        qs = qs.filter(fieldlab__hub__slug=hub)
    return qs.aggregate(**_REACH_COUNTS)


def companies_reached_by_year(
    *, year_min: int | None = None, year_max: int | None = None, hub: str | None = None
) -> list[dict]:
    """Per year: unique companies at fieldlabs, the fieldlabs they were at, and company×fieldlab pairs. One query."""
    qs = Participation.objects.filter(fieldlab__isnull=False)
    if hub:
        qs = qs.filter(fieldlab__hub__slug=hub)
    if year_min is not None:
        qs = qs.filter(year__gte=year_min)
    if year_max is not None:
        qs = qs.filter(year__lte=year_max)
    return list(qs.values("year").annotate(**_REACH_COUNTS).order_by("year"))


REACH_UNITS = (IndicatorUnit.COMPANIES_REACHED, IndicatorUnit.COMPANIES_PARTICIPATING)


def approved_measurements(*, year_min: int | None = None, year_max: int | None = None):
    qs = Measurement.objects.filter(status="approved")
    if year_min is not None:
        qs = qs.filter(year__gte=year_min)
    if year_max is not None:
        qs = qs.filter(year__lte=year_max)
    return qs


def measured_reach_by_year(*, year_min: int | None = None, year_max: int | None = None) -> list[dict]:
    """Companies reached per year as reported in approved measurements (indicators counting companies)."""
    return [
        {"year": row["year"], "companies": money(row["companies"])}
        for row in approved_measurements(year_min=year_min, year_max=year_max)
        .filter(indicator__unit__in=REACH_UNITS)
        .values("year")
        .annotate(companies=Sum("value"))
        .order_by("year")
    ]


def measurement_totals(*, year_min: int | None = None, year_max: int | None = None) -> list[dict]:
    """Approved output per activity type, indicator and year."""
    return [
        {**row, "value": money(row["value"])}
        for row in approved_measurements(year_min=year_min, year_max=year_max)
        .values("year", activity_type_code=F("activity_type__code"), indicator_code=F("indicator__code"))
        .annotate(value=Sum("value"), measurements=Count("id"))
        .order_by("activity_type_code", "indicator_code", "year")
    ]


# --- effectiveness ------------------------------------------------------------------------------------------


def verdict_bands() -> list[tuple[Decimal, str]]:
    """(min_ratio, verdict) from high to low. One query."""
    return list(VerdictBand.objects.order_by("-min_ratio").values_list("min_ratio", "verdict"))


def verdict_for(value: Decimal | None, bands: list[tuple[Decimal, str]]) -> str:
    """The band with the highest threshold not above the ratio; below every band: the lowest band."""
    if value is None or not bands:
        return Verdict.NOT_ASSESSABLE.value
    for min_ratio, verdict in bands:
        if value >= min_ratio:
            return verdict
    return bands[-1][1]


def _goal_ratio(actual: Decimal, target: Decimal) -> Decimal:
    # Over-achieving one goal must not hide another that fails: each goal counts at most 100% in the mean.
    return min(ratio(actual, target), ONE)


def effectiveness_tables(*, year_min: int = DEFAULT_YEAR_MIN, year_max: int = DEFAULT_YEAR_MAX) -> dict:
    """Actual against target per output goal and year, and the verdict per activity type (per year and overall).

    A goal is measurable in a year when it has an indicator and a target for that year. The activity type's ratio
    is the mean of its measurable goals' ratios (each capped at 1); its verdict comes from the bands stored as data.
    With no measurable goal the activity type is "not assessable". Five queries.
    """
    activity_types = list(ActivityType.objects.order_by("sort_order", "name").values("id", "code", "name"))
    goals = {
        g["id"]: g
        for g in OutputGoal.objects.values(
            "id", "code", "name", "activity_type_id", "indicator_id", indicator_code=F("indicator__code")
        )
    }
    targets = list(
        OutputTarget.objects.filter(year__gte=year_min, year__lte=year_max, goal__indicator__isnull=False)
        .order_by("goal_id", "year")
        .values("goal_id", "year", "value")
    )
    actuals = {
        (row["activity_type_id"], row["indicator_id"], row["year"]): row["value"]
        for row in approved_measurements(year_min=year_min, year_max=year_max)
        .values("activity_type_id", "indicator_id", "year")
        .annotate(value=Sum("value"))
    }
    bands = verdict_bands()

    goal_rows = []
    by_type_year: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    goal_sums: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])  # goal id → [actual, target]
    for target in targets:  # one row per goal and year (aggregated data, not records)
        goal = goals[target["goal_id"]]
        actual = money(actuals.get((goal["activity_type_id"], goal["indicator_id"], target["year"])))
        goal_ratio = ratio(actual, target["value"])
        goal_rows.append(
            {
                "activity_type": None,  # filled below from the activity type id
                "goal": goal["code"],
                "indicator": goal["indicator_code"],
                "year": target["year"],
                "target": money(target["value"]),
                "actual": actual,
                "ratio": goal_ratio,
                "_type_id": goal["activity_type_id"],
            }
        )
        by_type_year[(goal["activity_type_id"], target["year"])].append(_goal_ratio(actual, target["value"]))
        goal_sums[goal["id"]][0] += actual
        goal_sums[goal["id"]][1] += target["value"]

    codes = {t["id"]: t["code"] for t in activity_types}
    for row in goal_rows:
        row["activity_type"] = codes[row.pop("_type_id")]

    per_type_goal_ratios: dict[int, list[Decimal]] = defaultdict(list)
    for goal_id, (actual, target) in goal_sums.items():
        per_type_goal_ratios[goals[goal_id]["activity_type_id"]].append(_goal_ratio(actual, target))

    by_year, overall = [], []
    for activity_type in activity_types:
        type_id = activity_type["id"]
        for year in range(year_min, year_max + 1):
            ratios = by_type_year.get((type_id, year), [])
            mean = _mean(ratios)
            by_year.append(
                {
                    "activity_type": activity_type["code"],
                    "year": year,
                    "measurable_goals": len(ratios),
                    "ratio": mean,
                    "verdict": verdict_for(mean, bands),
                }
            )
        ratios = per_type_goal_ratios.get(type_id, [])
        mean = _mean(ratios)
        overall.append(
            {
                "activity_type": activity_type["code"],
                "name": activity_type["name"],
                "measurable_goals": len(ratios),
                "goals": sum(1 for g in goals.values() if g["activity_type_id"] == type_id),
                "ratio": mean,
                "verdict": verdict_for(mean, bands),
            }
        )
    return {"goals": goal_rows, "by_year": by_year, "overall": overall}


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, ZERO) / len(values)).quantize(RATIO, rounding=ROUND_HALF_UP)


# --- efficiency ---------------------------------------------------------------------------------------------


def _efficiency_verdict(cost_per_unit: Decimal | None, norm: Decimal | None) -> str:
    if cost_per_unit is None or norm is None:
        return EfficiencyVerdict.NOT_ASSESSABLE.value
    return EfficiencyVerdict.WITHIN_NORM.value if cost_per_unit <= norm else EfficiencyVerdict.ABOVE_NORM.value


def cost_per_output(*, year_min: int = DEFAULT_YEAR_MIN, year_max: int = DEFAULT_YEAR_MAX) -> list[dict]:
    """Per activity type and indicator: approved funding of the activity type (all sources, all recipients) over
    approved output of that indicator, against the norm. An activity type with two indicators carries its whole
    cost in each (cost per company reached, cost per person trained), as the evaluation does. Four queries."""
    codes = dict(ActivityType.objects.values_list("id", "code"))
    indicators = dict(Indicator.objects.values_list("id", "code"))
    cost = dict(
        FundingRecord.objects.approved()
        .filter(year__gte=year_min, year__lte=year_max, activity_type__isnull=False)
        .values_list("activity_type_id")
        .annotate(amount=Sum("amount"))
        .values_list("activity_type_id", "amount")
    )
    output = {
        (row["activity_type_id"], row["indicator_id"]): row["value"]
        for row in approved_measurements(year_min=year_min, year_max=year_max)
        .values("activity_type_id", "indicator_id")
        .annotate(value=Sum("value"))
    }
    norms = {
        (n["activity_type_id"], n["indicator_id"]): n
        for n in EfficiencyNorm.objects.values(
            "activity_type_id", "indicator_id", "max_cost_per_unit", "max_regional_cost_per_unit"
        )
    }
    pairs = sorted(set(output) | set(norms), key=lambda p: (codes[p[0]], indicators[p[1]]))
    rows = []
    for type_id, indicator_id in pairs:
        amount = money(cost.get(type_id))
        units = money(output.get((type_id, indicator_id)))
        norm = norms.get((type_id, indicator_id), {}).get("max_cost_per_unit")
        unit_cost = per_unit(amount, units)
        rows.append(
            {
                "activity_type": codes[type_id],
                "indicator": indicators[indicator_id],
                "cost": amount,
                "output": units,
                "cost_per_unit": unit_cost,
                "norm": money(norm) if norm is not None else None,
                "verdict": _efficiency_verdict(unit_cost, norm),
            }
        )
    return rows


def regional_cost_per_output(*, year_min: int = DEFAULT_YEAR_MIN, year_max: int = DEFAULT_YEAR_MAX) -> list[dict]:
    """The regions' view: per hub, activity type and indicator, the regional euro (source `regional`, to the hub or
    its fieldlabs) over the output measured at the hub or its fieldlabs, against the regional norm. Five queries."""
    hubs = dict(Hub.objects.values_list("id", "slug"))
    codes = dict(ActivityType.objects.values_list("id", "code"))
    indicators = dict(Indicator.objects.values_list("id", "code"))
    hub_of = Coalesce(F("hub_id"), F("fieldlab__hub_id"))
    regional = {
        (row["region"], row["activity_type_id"]): row["amount"]
        for row in FundingRecord.objects.approved()
        .filter(year__gte=year_min, year__lte=year_max, source=Source.REGIONAL, activity_type__isnull=False)
        .annotate(region=hub_of)
        .filter(region__isnull=False)
        .values("region", "activity_type_id")
        .annotate(amount=Sum("amount"))
    }
    output = {
        (row["region"], row["activity_type_id"], row["indicator_id"]): row["value"]
        for row in approved_measurements(year_min=year_min, year_max=year_max)
        .annotate(region=hub_of)
        .filter(region__isnull=False)
        .values("region", "activity_type_id", "indicator_id")
        .annotate(value=Sum("value"))
    }
    norm_rows = EfficiencyNorm.objects.values_list("activity_type_id", "indicator_id", "max_regional_cost_per_unit")
    norms = {(type_id, indicator_id): norm for type_id, indicator_id, norm in norm_rows}
    normed_indicators: dict[int, list[int]] = defaultdict(list)
    for type_id, indicator_id in norms:
        normed_indicators[type_id].append(indicator_id)
    # A region that pays for an activity but reports no output for a normed indicator must show (as not assessable).
    keys = set(output) | {
        (hub_id, type_id, indicator_id)
        for hub_id, type_id in regional
        for indicator_id in normed_indicators.get(type_id, [])
    }
    rows = []
    for hub_id, type_id, indicator_id in sorted(keys, key=lambda k: (hubs[k[0]], codes[k[1]], indicators[k[2]])):
        amount = money(regional.get((hub_id, type_id)))
        units = money(output.get((hub_id, type_id, indicator_id)))
        unit_cost = per_unit(amount, units)
        norm = norms.get((type_id, indicator_id))
        rows.append(
            {
                "hub": hubs[hub_id],
                "activity_type": codes[type_id],
                "indicator": indicators[indicator_id],
                "regional_amount": amount,
                "output": units,
                "cost_per_unit": unit_cost,
                "norm": money(norm) if norm is not None else None,
                "verdict": _efficiency_verdict(unit_cost, norm),
            }
        )
    return rows


def efficiency_by_activity_type(
    *, year_min: int = DEFAULT_YEAR_MIN, year_max: int = DEFAULT_YEAR_MAX, cost_rows=None, regional_rows=None
) -> list[dict]:
    """One verdict per activity type, overall and from the regions' view: above the norm if any normed indicator is
    above it, within the norm if all assessable ones are within it, not assessable otherwise."""
    cost_rows = cost_per_output(year_min=year_min, year_max=year_max) if cost_rows is None else cost_rows
    if regional_rows is None:
        regional_rows = regional_cost_per_output(year_min=year_min, year_max=year_max)
    codes = list(ActivityType.objects.order_by("sort_order", "name").values_list("code", flat=True))

    # Regions' perspective per activity type: all regions together (regional euro / regional output).
    # Each hub row carries that hub's regional euro for the activity type and its output of one indicator.
    regional_sum: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    regional_norm: dict[tuple[str, str], Decimal | None] = {}
    for row in regional_rows:  # aggregated rows (hub × activity type × indicator), not records
        key = (row["activity_type"], row["indicator"])
        regional_sum[key][0] += row["regional_amount"]
        regional_sum[key][1] += row["output"]
        regional_norm[key] = row["norm"]

    rows = []
    for code in codes:
        mine = [r for r in cost_rows if r["activity_type"] == code]
        regional_verdicts = []
        for (activity_code, indicator), (amount, units) in sorted(regional_sum.items()):
            if activity_code == code:
                regional_verdicts.append(_efficiency_verdict(per_unit(amount, units), regional_norm[(code, indicator)]))
        rows.append(
            {
                "activity_type": code,
                "verdict": _combine([r["verdict"] for r in mine]),
                "regional_verdict": _combine(regional_verdicts),
            }
        )
    return rows


def _combine(verdicts: list[str]) -> str:
    assessable = [v for v in verdicts if v != EfficiencyVerdict.NOT_ASSESSABLE]
    if not assessable:
        return EfficiencyVerdict.NOT_ASSESSABLE.value
    if EfficiencyVerdict.ABOVE_NORM in assessable:
        return EfficiencyVerdict.ABOVE_NORM.value
    return EfficiencyVerdict.WITHIN_NORM.value


__all__ = [
    "BAND_VERDICTS",
    "GROUP_KEYS",
    "FILTER_KEYS",
    "FundingFilters",
    "approved_funding",
    "companies_reached",
    "cost_per_output",
    "effectiveness_tables",
    "efficiency_by_activity_type",
    "funding_cumulative",
    "funding_leverage",
    "funding_totals",
    "measured_reach_by_year",
    "measurement_totals",
    "parse_funding_filters",
    "parse_group_by",
    "parse_year_window",
    "recommendation_checks",
    "evaluation_results",
    "evaluation_data_fingerprint",
    "evaluation_run_comparison",
    "companies_reached_by_year",
    "regional_cost_per_output",
    "verdict_bands",
    "verdict_for",
]


# --- recommendations (the checks live in checks.py; re-exported so pages and API import every read from here) ---


def recommendation_checks(*, year_min: int = DEFAULT_YEAR_MIN, year_max: int = DEFAULT_YEAR_MAX) -> list[dict]:
    """The five recommendations with status, share, figures and the records causing it. Fixed query count."""
    from .checks import recommendation_checks as checks

    return checks(year_min=year_min, year_max=year_max)


# --- the whole evaluation, and a fingerprint of what it reads -----------------------------------------------


def jsonable(value):
    """Decimals to strings (they are already quantised), recursively; the form results are stored and compared in."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def evaluation_results(*, year_min: int = DEFAULT_YEAR_MIN, year_max: int = DEFAULT_YEAR_MAX) -> dict:
    """Every table of the evaluation for a window of years, as plain JSON-ready data (Decimals as strings)."""
    from .checks import recommendation_checks

    window = FundingFilters(year_min=year_min, year_max=year_max)
    fieldlabs = FundingFilters(year_min=year_min, year_max=year_max, recipient_kind=RecipientKind.FIELDLAB)
    cost_rows = cost_per_output(year_min=year_min, year_max=year_max)
    regional_rows = regional_cost_per_output(year_min=year_min, year_max=year_max)
    results = {
        "parameters": {"year_min": year_min, "year_max": year_max},
        "funding_total": funding_totals(filters=window)[0],
        "fieldlab_funding_by_source": funding_totals(group_by=["source"], filters=fieldlabs),
        "funding_by_source_year": funding_totals(group_by=["source", "year"], filters=window),
        "funding_by_activity_type": funding_totals(group_by=["activity_type"], filters=window),
        "funding_by_hub": funding_totals(group_by=["hub"], filters=window),
        "funding_cumulative": funding_cumulative(filters=window),
        "leverage": funding_leverage(filters=window),
        "fieldlab_leverage": funding_leverage(filters=fieldlabs),
        "companies_reached": companies_reached(year_min=year_min, year_max=year_max),
        "measured_reach_by_year": measured_reach_by_year(year_min=year_min, year_max=year_max),
        "effectiveness": effectiveness_tables(year_min=year_min, year_max=year_max),
        "cost_per_output": cost_rows,
        "regional_cost_per_output": regional_rows,
        "efficiency": efficiency_by_activity_type(
            year_min=year_min, year_max=year_max, cost_rows=cost_rows, regional_rows=regional_rows
        ),
        "recommendations": recommendation_checks(year_min=year_min, year_max=year_max),
    }
    return jsonable(results)


def _table_summary(qs, value_field: str | None = None, stamp: bool = True) -> dict:
    """count, sum of ids, sum of a value column, latest update: enough that any insert, delete, status change or
    audited edit (which moves updated_at) alters the summary. One query, computed by the database."""
    aggregates = {"count": Count("pk"), "id_sum": Sum("pk", default=0)}
    if value_field:
        aggregates["value_sum"] = Sum(value_field, default=ZERO)
    if stamp:
        from django.db.models import Max

        aggregates["updated_max"] = Max("updated_at")
    row = qs.aggregate(**aggregates)
    row["id_sum"] = int(row["id_sum"])  # PostgreSQL sums bigint into numeric
    if row.get("updated_max") is not None:
        row["updated_max"] = row["updated_max"].isoformat()
    if "value_sum" in row:
        row["value_sum"] = str(money(row["value_sum"]))
    return row


def evaluation_data_fingerprint(*, year_min: int = DEFAULT_YEAR_MIN, year_max: int = DEFAULT_YEAR_MAX):
    """(sha256 hex, per-table summary) of everything an evaluation over the window reads. Fixed number of queries."""
    import hashlib
    import json

    from .models import Bottleneck, Recommendation

    summary = {
        "funding_records": _table_summary(
            FundingRecord.objects.approved().filter(year__gte=year_min, year__lte=year_max), "amount"
        ),
        "measurements": _table_summary(approved_measurements(year_min=year_min, year_max=year_max), "value"),
        "output_targets": _table_summary(OutputTarget.objects.filter(year__gte=year_min, year__lte=year_max), "value"),
        "output_goals": _table_summary(OutputGoal.objects.all()),
        "goal_bottleneck_links": _table_summary(OutputGoal.bottlenecks.through.objects.all(), stamp=False),
        "bottlenecks": _table_summary(Bottleneck.objects.all()),
        "activity_types": _table_summary(ActivityType.objects.all()),
        "indicators": _table_summary(Indicator.objects.all()),
        "verdict_bands": _table_summary(VerdictBand.objects.all(), "min_ratio"),
        "efficiency_norms": _table_summary(EfficiencyNorm.objects.all(), "max_cost_per_unit"),
        "recommendations": _table_summary(Recommendation.objects.all()),
        "participations": _table_summary(
            Participation.objects.filter(year__gte=year_min, year__lte=year_max, fieldlab__isnull=False)
        ),
    }
    digest = hashlib.sha256(json.dumps(summary, sort_keys=True).encode()).hexdigest()
    return digest, summary


# --- comparing two runs -------------------------------------------------------------------------------------


def _flatten(value, prefix: str = "") -> dict[str, object]:
    """{"a": {"b": [1]}} → {"a.b[0]": 1}; rows keyed by their identifying fields where they have them, so a row
    that moves in a list is compared with itself rather than with its neighbour."""
    flat: dict[str, object] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            flat.update(_flatten(item, f"{prefix}[{_row_key(item, index)}]"))
    else:
        flat[prefix] = value
    return flat


_ROW_KEYS = ("code", "activity_type", "goal", "indicator", "hub", "source", "year", "fieldlab", "province", "kind")


def _row_key(item, index: int) -> str:
    if isinstance(item, dict):
        parts = [f"{k}={item[k]}" for k in _ROW_KEYS if k in item and not isinstance(item[k], dict | list)]
        if parts:
            return ",".join(parts)
    return str(index)


HISTORY_LIMIT = 200


def _history_between(start, end) -> list[dict]:
    """Audited changes to the data an evaluation reads, made between two moments. One query per model."""
    from .models import EfficiencyNorm as Norm

    tracked = [FundingRecord, Measurement, OutputTarget, OutputGoal, ActivityType, VerdictBand, Norm]
    entries = []
    for model in tracked:
        for h in (
            model.history.filter(history_date__gt=start, history_date__lte=end)
            .select_related("history_user")
            .order_by("history_date", "history_id")[:HISTORY_LIMIT]
        ):
            entries.append(
                {
                    "model": model._meta.model_name,
                    "record_id": h.id,
                    "change": {"+": "created", "~": "changed", "-": "deleted"}[h.history_type],
                    "reason": h.history_change_reason or "",
                    "user": h.history_user.username if h.history_user else None,
                    "when": h.history_date.isoformat(),
                    # The state after the change: enough to see e.g. which amount or status an approved record got.
                    "year": getattr(h, "year", None),
                    "amount": str(getattr(h, "amount", getattr(h, "value", "")) or "") or None,
                    "status": getattr(h, "status", None),
                }
            )
    entries.sort(key=lambda e: (e["when"], e["model"], e["record_id"]))
    return entries


def evaluation_run_comparison(*, run, other) -> dict:
    """What differs between two runs (older first) and why: parameters, the data read (per table) and the audited
    changes made between them, and every result figure that changed."""
    older, newer = sorted([run, other], key=lambda r: (r.created_at, r.pk))
    flat_old, flat_new = _flatten(older.results or {}), _flatten(newer.results or {})
    result_changes = [
        {"path": path, "before": flat_old.get(path), "after": flat_new.get(path)}
        for path in sorted(set(flat_old) | set(flat_new))
        if flat_old.get(path) != flat_new.get(path)
    ]
    tables = sorted(set(older.data_summary or {}) | set(newer.data_summary or {}))
    data_changes = [
        {
            "table": table,
            "before": (older.data_summary or {}).get(table),
            "after": (newer.data_summary or {}).get(table),
        }
        for table in tables
        if (older.data_summary or {}).get(table) != (newer.data_summary or {}).get(table)
    ]
    history = []
    if older.started_at and newer.started_at:
        history = _history_between(older.started_at, newer.started_at)
    return {
        "older": older.pk,
        "newer": newer.pk,
        "same_parameters": older.parameters == newer.parameters,
        "same_fingerprint": older.fingerprint == newer.fingerprint,
        "identical_results": not result_changes,
        "parameters": {"before": older.parameters, "after": newer.parameters},
        "data_changes": data_changes,
        "changes_between_runs": history,
        "result_changes": result_changes,
    }
