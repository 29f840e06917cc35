"""Every read of approved funding, in one place, summed by the database (never by a Python loop over records).

- The evaluation's figures: ``funding_totals`` (approved funding per group), ``funding_cumulative`` (per year, with
  the running total) and ``funding_leverage``/``funding_leverage_by`` (private euro per public euro), with
  ``FundingFilters`` (what they filter by) and ``GROUP_KEYS`` (what they group by). The evaluation's API, pages,
  results, efficiency tables and checks read approved funding only through this module; turning a query string into
  a FundingFilters and group keys is evaluation.filters' job.
- The portal's figures: ``funding_overview`` (the dashboard), the source × year matrices of a hub, a fieldlab and a
  funder, and ``approved_total`` (each row's approved funding in a list of funders or fieldlabs).

The sums read the rollups (funding/rollups.py), kept in the same transaction as every write, not the records: the
coarse level (no recipient; a few thousand rows) unless the question names a recipient, a hub or a province, which
only the per-recipient level can answer. The reads the rollups cannot answer go to the approved records: a funder's
figures (the rollups have no funder), a list's approved total per row (one query with the list), and
``approved_funding`` (the records themselves, for the evaluation's data fingerprint). Every selector answers in a
fixed number of queries, whatever the number of records (pinned in tests); money is rounded by core.numbers.
"""

from __future__ import annotations

__all__ = [
    "GROUP_EXPRESSIONS",
    "GROUP_KEYS",
    "ZERO",
    "FundingFilters",
    "activity_type_funding",
    "approved_funding",
    "approved_total",
    "funder_funding",
    "funding_by_source_and_year",
    "funding_cumulative",
    "funding_leverage",
    "funding_leverage_by",
    "funding_overview",
    "funding_totals",
    "records_total",
    "recipient_funding_matrix",
    "source_year_matrix",
]

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from core.constants import EVALUATION_YEAR_MAX, EVALUATION_YEAR_MIN
from core.numbers import ZERO, money, ratio
from registry.models import Fieldlab, Hub

from .choices import PRIVATE_SOURCES, PUBLIC_SOURCES, RecipientKind, RecordStatus, Source, source_colour
from .models import FundingRecord, FundingRollup, FundingRollupTotal, FundingStatusCount

# --- the evaluation's figures ----------------------------------------------------------------------------------

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

# The rollups hold the same columns as the records (recipient_kind is a column of its own), so the group expressions
# are the records' own, bar recipient_kind.
RECIPIENT_KEYS = frozenset({"hub", "province", "fieldlab"})
_ROLLUP_EXPRESSIONS = {**GROUP_EXPRESSIONS, "recipient_kind": F("recipient_kind")}
RECORDS = Sum("records")  # a group's number of approved records


def _rollup_for(keys: Sequence[str], filters: FundingFilters | None):
    """The rollup rows that answer a question with these group keys and filters, filtered."""
    filters = filters or FundingFilters()
    fine = bool(filters.hub) or bool(RECIPIENT_KEYS.intersection(keys))
    return filters.apply((FundingRollup if fine else FundingRollupTotal).objects.all())


@dataclass(frozen=True)
class FundingFilters:
    """Validated filters over approved funding records (evaluation.filters.parse_funding_filters builds one from a
    query string; code builds one directly). None or empty means "no filter"."""

    year_min: int | None = None
    year_max: int | None = None
    recipient_kind: str | None = None
    hub: str | tuple[str, ...] | None = None  # several: OR
    sources: tuple[str, ...] = ()
    activity_type: str | tuple[str, ...] | None = None  # several: OR
    kind: str | None = None
    realisation: str | None = None

    def apply(self, qs):
        if self.year_min is not None:
            qs = qs.filter(year__gte=self.year_min)
        if self.year_max is not None:
            qs = qs.filter(year__lte=self.year_max)
        if self.recipient_kind:
            # The records hold the recipient as three foreign keys; the rollups have a recipient_kind column.
            if qs.model is FundingRecord:
                qs = qs.for_recipient_kind(self.recipient_kind)
            else:
                qs = qs.filter(recipient_kind=self.recipient_kind)
        if self.hub:
            hubs = (self.hub,) if isinstance(self.hub, str) else tuple(self.hub)
            qs = qs.filter(Q(hub__slug__in=hubs) | Q(fieldlab__hub__slug__in=hubs))
        if self.sources:
            qs = qs.filter(source__in=self.sources)
        if self.activity_type:
            types = (self.activity_type,) if isinstance(self.activity_type, str) else tuple(self.activity_type)
            qs = qs.filter(activity_type__code__in=types)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.realisation:
            qs = qs.filter(realisation=self.realisation)
        return qs


def approved_funding(filters: FundingFilters | None = None):
    """The approved records themselves, filtered: what the evaluation's data fingerprint summarises (the sums below
    read the rollups instead)."""
    qs = FundingRecord.objects.approved()
    return (filters or FundingFilters()).apply(qs)


def funding_totals(*, group_by: Sequence[str] = (), filters: FundingFilters | None = None) -> list[dict]:
    """Approved funding summed per group: one row per combination of the group keys present in the data.

    Each row holds the group keys, `amount` (Decimal, cents) and `records` (count). With no group keys: one total
    row. One query.
    """
    keys = tuple(group_by)
    unknown = [key for key in keys if key not in GROUP_EXPRESSIONS]
    if unknown or isinstance(group_by, str):
        # A programming error, not user input: parse a query string with evaluation.filters.parse_group_by first.
        raise ValueError(f"group_by must be a sequence of {GROUP_KEYS}, not {group_by!r}")
    qs = _rollup_for(keys, filters)
    aliases = {key: f"g_{key}" for key in keys}
    if not keys:
        totals = qs.aggregate(amount=Sum("amount", default=ZERO), records=Sum("records", default=0))
        return [{"amount": money(totals["amount"]), "records": totals["records"]}]
    qs = (
        qs.annotate(**{aliases[key]: _ROLLUP_EXPRESSIONS[key] for key in keys})
        .values(*aliases.values())
        .annotate(amount=Sum("amount"), records=RECORDS)
        .order_by(*aliases.values())
    )
    return [
        {**{key: row[aliases[key]] for key in keys}, "amount": money(row["amount"]), "records": row["records"]}
        for row in qs
    ]


def funding_cumulative(*, filters: FundingFilters | None = None) -> list[dict]:
    """Per year: the approved amount, its records and the running total. Years inside the window with no funding
    appear with zero, so a gap is visible rather than skipped. One query."""
    filters = filters or FundingFilters()
    # The database sums per year; the running total then adds up those few yearly sums (one per year, never one per
    # record). A correlated subquery or window over the aggregate would keep it in SQL, but SQLite re-evaluates such
    # a subquery per record, which measured minutes on 100,000 records.
    qs = _rollup_for((), filters).values("year").annotate(year_amount=Sum("amount"), records=RECORDS).order_by("year")
    rows = {row["year"]: row for row in qs}
    if not rows:
        return []
    first = filters.year_min if filters.year_min is not None else min(rows)
    last = filters.year_max if filters.year_max is not None else max(rows)
    result, running = [], ZERO  # cumulative from the start of the window
    for year in range(first, last + 1):  # one step per year of the window, not per record
        row = rows.get(year)
        if row:
            running += money(row["year_amount"])
        result.append(
            {
                "year": year,
                "amount": money(row["year_amount"]) if row else ZERO,
                "records": row["records"] if row else 0,
                "cumulative": running,
            }
        )
    return result


def funding_leverage(*, filters: FundingFilters | None = None) -> dict:
    """Private euro (companies) per public euro (national, regional, knowledge institutions, EU). One query."""
    sums = _rollup_for((), filters).aggregate(
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


def funding_leverage_by(*, group_by: Sequence[str] = (), filters: FundingFilters | None = None) -> list[dict]:
    """funding_leverage per group (the keys of funding_totals): private and public euro summed by the database in
    one query, the ratios computed once from those sums (never averaged). With no group keys: one row."""
    keys = tuple(group_by)
    if isinstance(group_by, str) or any(key not in GROUP_EXPRESSIONS for key in keys):
        raise ValueError(f"group_by must be a sequence of {GROUP_KEYS}, not {group_by!r}")
    sums = {
        "private": Sum("amount", filter=Q(source__in=PRIVATE_SOURCES), default=ZERO),
        "public": Sum("amount", filter=Q(source__in=PUBLIC_SOURCES), default=ZERO),
    }
    qs = _rollup_for(keys, filters)
    aliases = {key: f"g_{key}" for key in keys}
    if keys:
        qs = (
            qs.annotate(**{aliases[key]: _ROLLUP_EXPRESSIONS[key] for key in keys})
            .values(*aliases.values())
            .annotate(**sums)
            .order_by(*aliases.values())
        )
        grouped = list(qs)
    else:
        grouped = [qs.aggregate(**sums)]
    rows = []
    for row in grouped:  # aggregated rows, one per group
        private, public = money(row["private"]), money(row["public"])
        rows.append(
            {
                **{key: row[aliases[key]] for key in keys},
                "private": private,
                "public": public,
                "total": private + public,
                "private_share": ratio(private, private + public),
                "leverage": ratio(private, public),
                "public_per_private": ratio(public, private),
            }
        )
    return rows


def activity_type_funding(*, year_min: int, year_max: int, source: str | None = None) -> Sum:
    """An annotation for a list of evaluation.ActivityType: the approved funding tagged with each type in the window
    (of one source, if named), from the coarse rollup; None for a type without any. The list and its sums are one
    query (the recommendations' modules check): ``ActivityType.objects.annotate(total=activity_type_funding(...))``.
    """
    where = Q(funding_rollup_totals__year__gte=year_min, funding_rollup_totals__year__lte=year_max)
    if source:
        where &= Q(funding_rollup_totals__source=source)
    return Sum("funding_rollup_totals__amount", filter=where)


# --- the portal's figures --------------------------------------------------------------------------------------


def funding_overview(*, year_min: int = EVALUATION_YEAR_MIN, year_max: int = EVALUATION_YEAR_MAX) -> dict:
    """Headline figures: approved fieldlab funding in the window, by source and by year.

    From the rollups, never the records: by source and the total from the coarse level (a few thousand rows at
    most), the yearly sums with their number of fieldlabs from the status counts (one row per fieldlab, year and
    status)."""
    window = {"recipient_kind": RecipientKind.FIELDLAB, "year__gte": year_min, "year__lte": year_max}
    labels = dict(Source.choices)
    by_source = [
        {"source": row["source"], "label": labels[row["source"]], "amount": row["amount"]}
        for row in FundingRollupTotal.objects.filter(**window)
        .values("source")
        .annotate(amount=Sum("amount"))
        .order_by("source")
    ]
    by_year = list(
        FundingStatusCount.objects.filter(
            fieldlab__isnull=False, status=RecordStatus.APPROVED, year__gte=year_min, year__lte=year_max
        )
        .values("year")
        .annotate(amount=Sum("amount"), fieldlabs=Count("fieldlab", distinct=True))
        .order_by("year")
    )
    return {
        "year_min": year_min,
        "year_max": year_max,
        "total": FundingRollupTotal.objects.filter(**window).aggregate(total=Sum("amount", default=ZERO))["total"],
        "by_source": by_source,
        "by_year": sorted(by_year, key=lambda row: row["year"]),
        "hub_count": Hub.objects.count(),
        "fieldlab_count": Fieldlab.objects.count(),
    }


def approved_total(relation: str = "funding_records") -> Sum:
    """An annotation for a list of funders or fieldlabs (or a hub's fieldlabs): each row's approved funding, over its
    reverse relation to the records, summed by the database with the list in one query:
    ``Funder.objects.annotate(approved_total=approved_total())``. Zero for a row without any."""
    return Sum(f"{relation}__amount", filter=Q(**{f"{relation}__status": RecordStatus.APPROVED}), default=ZERO)


def recipient_funding_matrix(*, hub: Hub | None = None, fieldlab: Fieldlab | None = None) -> dict:
    """The source × year matrix (see funding_by_source_and_year) of the approved funding of a hub (to the hub itself
    and to its fieldlabs) or of one fieldlab, from the per-recipient rollup."""
    if (hub is None) == (fieldlab is None):
        raise ValueError("name a hub or a fieldlab")
    where = Q(fieldlab=fieldlab) if fieldlab is not None else Q(hub=hub) | Q(fieldlab__hub=hub)
    return funding_by_source_and_year(queryset=FundingRollup.objects.filter(where))


def funder_funding(funder) -> dict:
    """A funder's approved funding: its source × year matrix and how many recipients (fieldlabs and hubs) it funds.
    From the records: the rollups have no funder."""
    approved = FundingRecord.objects.approved().filter(funder=funder)
    return {
        "matrix": funding_by_source_and_year(queryset=approved),
        "recipient_count": approved.aggregate(n=Count("fieldlab", distinct=True) + Count("hub", distinct=True))["n"],
    }


def records_total(queryset) -> Decimal:
    """The summed amount of the given records, whatever their status (a filtered list's total, not just its page)."""
    return queryset.aggregate(total=Sum("amount", default=ZERO))["total"]


def funding_by_source_and_year(*, queryset) -> dict:
    """A source × year matrix of the given records' amounts, summed by the database.

    Returns {"years": [...], "sources": [{"code", "label", "colour", "amounts": [per year], "total"}],
    "year_totals": [...], "total"}; the pivot only arranges the already aggregated rows.
    """
    return source_year_matrix(queryset.order_by().values("year", "source").annotate(amount=Sum("amount")))


def source_year_matrix(rows) -> dict:
    """Arrange already aggregated rows ({"source", "year", "amount"}) as the matrix described above."""
    rows = list(rows)
    years = sorted({row["year"] for row in rows})
    cell = {(row["source"], row["year"]): row["amount"] for row in rows}
    sources = []
    for code, label in Source.choices:
        amounts = [cell.get((code, year), ZERO) for year in years]
        sources.append(
            {
                "code": code,
                "label": label,
                "colour": source_colour(code),
                "amounts": amounts,
                "total": sum(amounts, ZERO),
            }
        )
    year_totals = [sum((cell.get((code, year), ZERO) for code in Source.values), ZERO) for year in years]
    return {"years": years, "sources": sources, "year_totals": year_totals, "total": sum(year_totals, ZERO)}


def with_approved_total(fieldlabs):
    """Fieldlab rows with ``approved_total``: the sum of their approved funding records (``ZERO`` for none)."""
    return fieldlabs.annotate(approved_total=approved_total())
