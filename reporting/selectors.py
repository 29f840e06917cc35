"""Reads of hub reporting: the hub-year report (contributions per fieldlab × source, indicator measurements, status),
the review queue and the reporting status per hub and year. Sums and counts are computed by the database; which
cells a user may edit is the access policy's answer.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from core import policy
from core.constants import REPORT_FIRST_YEAR, YEAR_MAX
from evaluation.models import ActivityType, Indicator, Measurement, OutputGoal
from funding.choices import FundingKind, Realisation, Source
from funding.models import FundingRecord, FundingStatusCount
from registry.models import Fieldlab, Hub
from review.choices import HUB_STATUSES, PeriodStatus, RecordStatus
from review.models import ReportingPeriod
from review.workflow import KnownPeriod

__all__ = [
    "HUB_PLACE",
    "HubReport",
    "HubYear",
    "hub_report",
    "hub_report_items",
    "hub_year",
    "measurable_pair",
    "measurement_cell_name",
    "report_cell_filter",
    "report_years",
    "reporting_status_panel",
    "review_queue",
]

ZERO = Decimal("0.00")
# The "place" of a hub-wide measurement (not at one of the hub's fieldlabs) in URLs and cell names.
HUB_PLACE = "_hub"


def report_years() -> list[int]:
    """The years a hub can report for: from the programme's start to this year."""
    return list(range(REPORT_FIRST_YEAR, min(date.today().year, YEAR_MAX) + 1))


def _hub_status_counts():
    """Records per reporting hub × year × status, every year, summed from the status counts (funding/rollups.py keeps
    them with every write): recipients × years, not records."""
    return (
        FundingStatusCount.objects.filter(Q(hub__isnull=False) | Q(fieldlab__hub__isnull=False))
        .annotate(report_hub=Coalesce("hub_id", "fieldlab__hub_id"))
        .order_by()
        .values("report_hub", "year", "status")
        .annotate(n=Sum("records"))
    )


def reporting_status_panel(count: int = 6) -> tuple[list[int], list[dict]]:
    """The reporting status panel (dashboard, report overview): its years — the latest ``count`` years with hub or
    fieldlab records, else the last reporting years — and per hub and year the records in each status.

    One grouped read of the status counts for every year (a few hundred rows: hubs × years × statuses), the years
    picked from it: at a million records that is half the time of asking for the years and then for their counts
    (each read goes over all recipients × years × statuses, 50,000 rows at 1,000 fieldlabs)."""
    counts = list(_hub_status_counts())
    years = sorted({row["year"] for row in counts})[-count:] or report_years()[-count:]
    return years, _hub_reporting_status(years=years, counts=counts)


def report_cell_filter(year: int) -> Q:
    """The record a report cell edits: realised cash without a named funder (other records show beside it)."""
    return Q(year=year, funder__isnull=True, kind=FundingKind.CASH, realisation=Realisation.REALISED)


def hub_report_items(model, *, hub: Hub, year: int | None, statuses=None) -> QuerySet:
    """The funding records or measurements of a hub-year (year None: every year): the hub's own and its fieldlabs'."""
    qs = model.objects.filter(Q(fieldlab__hub=hub) | Q(hub=hub))
    if year is not None:
        qs = qs.filter(year=year)
    if statuses is not None:
        qs = qs.filter(status__in=statuses)
    return qs


def _measurement_pairs() -> list[tuple[ActivityType, Indicator]]:
    """The measurable (activity type, indicator) pairs of the output goals, in the evaluation's order."""
    seen, pairs = set(), []
    goals = (
        OutputGoal.objects.filter(indicator__isnull=False)
        .select_related("activity_type", "indicator")
        .order_by("activity_type__sort_order", "indicator__name")
    )
    for goal in goals:
        key = (goal.activity_type_id, goal.indicator_id)
        if key not in seen:
            seen.add(key)
            pairs.append((goal.activity_type, goal.indicator))
    return pairs


def _report_fieldlabs(hub: Hub, year: int) -> QuerySet:
    """The fieldlabs in a hub's report for a year: the hub's fieldlabs active that year."""
    return hub.fieldlabs.filter(start_year__lte=year).filter(Q(end_year__isnull=True) | Q(end_year__gte=year))


@dataclass
class HubYear:
    """One hub's reporting year as a save to it needs it: the hub, the year, its period (read once) and the policy's
    answer whether the user enters this hub's figures (asked once). Its reads touch one cell, one row or a few sums
    (each one query, whatever the size of the hub-year): a cell save and the cell it answers read only these.
    HubReport, the whole report page, is a HubYear with its grids loaded; it answers the same questions from them."""

    hub: Hub
    year: int
    user: object
    period: ReportingPeriod | None
    may_report: bool  # the policy: may the user enter figures in this hub's report (ENTER_REPORT)

    @property
    def is_open(self) -> bool:
        return self.period is None or self.period.status == PeriodStatus.OPEN

    @property
    def may_enter(self) -> bool:
        return self.is_open and self.may_report

    @property
    def known_period(self) -> KnownPeriod:
        """The period as read, for the services' closed-period check (review.workflow.period_check_open)."""
        return KnownPeriod(hub_id=self.hub.pk, year=self.year, closed=not self.is_open)

    def _fieldlab_ids(self):
        return _report_fieldlabs(self.hub, self.year).values("pk")

    def fieldlab(self, slug: str) -> Fieldlab | None:
        """The fieldlab of the report with this slug (None: not in this hub's report for the year)."""
        return _report_fieldlabs(self.hub, self.year).filter(slug=slug).first()

    # --- contributions ----------------------------------------------------------------------------------------

    def entry(self, fieldlab: Fieldlab, source: str) -> FundingRecord | None:
        """The record a contribution cell edits (report_cell_filter), if there is one."""
        return (
            FundingRecord.objects.filter(report_cell_filter(self.year), fieldlab=fieldlab, source=source)
            .select_related("fieldlab")
            .first()
        )

    def other(self, fieldlab: Fieldlab, source: str) -> dict | None:
        """{"amount", "n"} of the other records in a cell (another funder, in kind …), None if there are none."""
        other = (
            FundingRecord.objects.filter(fieldlab=fieldlab, year=self.year, source=source)
            .exclude(report_cell_filter(self.year))
            .aggregate(amount=Sum("amount"), n=Count("id"))
        )
        return other if other["n"] else None

    def cell(self, fieldlab: Fieldlab, source: str) -> dict:
        record = self.entry(fieldlab, source)
        editable = self.is_open and (policy.can(self.user, policy.Action.CHANGE, record) if record else self.may_enter)
        return {
            "fieldlab": fieldlab,
            "source": source,
            "source_label": Source(source).label,
            "record": record,
            "other": self.other(fieldlab, source),
            "editable": editable,
            # Several contributions from one source (another funder, in kind …) are lines of their own.
            "may_add_line": self.may_enter,
            "name": f"cell-{fieldlab.pk}-{source}",
            "hub_slug": self.hub.slug,
            "year": self.year,
        }

    def totals(self, rows: list[Fieldlab]) -> dict:
        """Per source and overall for the hub's fieldlabs in the year, and per fieldlab for ``rows``, every status.
        Two grouped queries."""
        qs = FundingRecord.objects.filter(fieldlab__in=self._fieldlab_ids(), year=self.year).order_by()
        by_source = dict(qs.values_list("source").annotate(total=Sum("amount")))
        by_fieldlab = dict(
            qs.filter(fieldlab__in=[f.pk for f in rows]).values_list("fieldlab_id").annotate(total=Sum("amount"))
        )
        return {
            "sources": [by_source.get(code, ZERO) for code in Source.values],
            "fieldlabs": {f.pk: by_fieldlab.get(f.pk, ZERO) for f in rows},
            "total": sum(by_source.values(), ZERO),
        }

    # --- measurements -----------------------------------------------------------------------------------------

    def measurement(self, fieldlab: Fieldlab | None, activity_type, indicator) -> Measurement | None:
        """The measurement an indicator cell edits (fieldlab None: hub-wide), if there is one."""
        place = {"fieldlab": fieldlab} if fieldlab else {"fieldlab__isnull": True, "hub": self.hub}
        measurements = Measurement.objects.filter(year=self.year, activity_type=activity_type, indicator=indicator)
        # recipient_hub_id (the policy's question) reads the fieldlab's hub.
        return measurements.filter(**place).select_related("fieldlab").first()

    def measurement_cell(self, fieldlab: Fieldlab | None, activity_type, indicator) -> dict:
        measurement = self.measurement(fieldlab, activity_type, indicator)
        editable = self.is_open and (
            policy.can(self.user, policy.Action.CHANGE, measurement) if measurement else self.may_enter
        )
        place = fieldlab.slug if fieldlab else HUB_PLACE
        return {
            "measurement": measurement,
            "editable": editable,
            "name": measurement_cell_name(fieldlab, activity_type, indicator),
            "label": f"{indicator.name} · {activity_type.name} · {fieldlab.name if fieldlab else self.hub.name}",
            "hub_slug": self.hub.slug,
            "year": self.year,
            "place": place,
            "activity": activity_type.code,
            "indicator": indicator.code,
        }

    # --- status -----------------------------------------------------------------------------------------------

    def pending_count(self) -> int:
        """How many items "submit" would send (HubReport.submittable: the grids' items still with the hub), counted
        by the database: two counts, whatever the size of the hub-year."""
        records = FundingRecord.objects.filter(
            fieldlab__in=self._fieldlab_ids(), year=self.year, status__in=HUB_STATUSES
        ).count()
        measured = OutputGoal.objects.filter(activity_type=OuterRef("activity_type"), indicator=OuterRef("indicator"))
        measurements = (
            Measurement.objects.filter(Q(fieldlab__in=self._fieldlab_ids()) | Q(hub=self.hub))
            .filter(year=self.year, status__in=HUB_STATUSES)
            .filter(Exists(measured))
            .count()
        )
        return records + measurements


def measurement_cell_name(fieldlab: Fieldlab | None, activity_type, indicator) -> str:
    """The form name of an indicator cell (and, with "-td", its table cell's id)."""
    return f"m-{fieldlab.slug if fieldlab else HUB_PLACE}-{activity_type.code}-{indicator.code}"


def measurable_pair(activity: str, indicator: str) -> tuple[ActivityType, Indicator] | None:
    """The activity type and indicator of these codes, if an output goal measures that indicator for that activity
    type (an indicator cell exists for them); one query."""
    goal = (
        OutputGoal.objects.filter(activity_type__code=activity, indicator__code=indicator)
        .select_related("activity_type", "indicator")
        .first()
    )
    return (goal.activity_type, goal.indicator) if goal else None


def hub_year(*, hub: Hub, year: int, user, may_report: bool | None = None) -> HubYear:
    """A hub's reporting year for a save: one query (its period). ``may_report``: the policy's answer to ENTER_REPORT
    when the caller has already asked it (a view that required it), else asked here."""
    if may_report is None:
        may_report = policy.can(user, policy.Action.ENTER_REPORT, hub)
    period = ReportingPeriod.objects.filter(hub=hub, year=year).first()
    return HubYear(hub=hub, year=year, user=user, period=period, may_report=may_report)


@dataclass
class HubReport(HubYear):
    """One hub's report for one year, as the report page and its services need it: the HubYear with its grids loaded
    (fieldlabs, cells, measurements), so its cells answer from memory."""

    fieldlabs: list[Fieldlab]
    entries: dict  # (fieldlab id, source) → the cell's FundingRecord
    others: dict  # (fieldlab id, source) → {"amount", "n"} of the other records in that cell
    pairs: list  # measurable (activity type, indicator) pairs
    measurements: dict  # (fieldlab id, hub id, activity type id, indicator id) → Measurement

    def _fieldlab_ids(self):
        return [f.pk for f in self.fieldlabs]

    def fieldlab(self, slug: str) -> Fieldlab | None:
        return next((f for f in self.fieldlabs if f.slug == slug), None)

    # --- contributions ----------------------------------------------------------------------------------------

    def entry(self, fieldlab: Fieldlab, source: str) -> FundingRecord | None:
        return self.entries.get((fieldlab.pk, source))

    def other(self, fieldlab: Fieldlab, source: str) -> dict | None:
        return self.others.get((fieldlab.pk, source))

    def rows(self, totals: dict) -> list[dict]:
        return [
            {"fieldlab": f, "cells": [self.cell(f, code) for code in Source.values], "total": totals["fieldlabs"][f.pk]}
            for f in self.fieldlabs
        ]

    # --- measurements -----------------------------------------------------------------------------------------

    def measurement(self, fieldlab: Fieldlab | None, activity_type, indicator) -> Measurement | None:
        key = (fieldlab.pk if fieldlab else None, None if fieldlab else self.hub.pk, activity_type.pk, indicator.pk)
        return self.measurements.get(key)

    def measurement_rows(self, hub_label: str) -> list[dict]:
        return [
            {
                "fieldlab": fieldlab,
                "label": fieldlab.name if fieldlab else hub_label,
                "cells": [self.measurement_cell(fieldlab, at, ind) for at, ind in self.pairs],
            }
            for fieldlab in [*self.fieldlabs, None]
        ]

    # --- status -----------------------------------------------------------------------------------------------

    def pending(self, model=FundingRecord) -> QuerySet:
        """Items of this hub-year still with the hub (draft or returned), in the grid or not."""
        return hub_report_items(model, hub=self.hub, year=self.year, statuses=HUB_STATUSES).select_related("fieldlab")

    def submittable(self) -> tuple[list, list]:
        """What "submit" sends: the items still with the hub that this report's grids show, and nothing else.

        The contribution grid shows every funding record of the report's fieldlabs in the year (the cell's line and,
        beside it, the other lines of the same source); the indicator grid shows the measurements of the output goals'
        pairs. A hub-level record or a measurement outside those pairs (a bureau-made draft, say) is not on the page,
        so the grid does not send it: it is submitted from its own page. One query; the measurements are loaded.
        HubYear.pending_count counts the same items."""
        records = list(
            FundingRecord.objects.filter(
                fieldlab_id__in=[f.pk for f in self.fieldlabs], year=self.year, status__in=HUB_STATUSES
            )
            .select_related("fieldlab", "funder")
            .order_by("fieldlab__name", "pk")
        )
        columns = Source.values
        records.sort(key=lambda r: (r.fieldlab.name, columns.index(r.source), r.pk))  # the grid's order
        pairs = {(activity_type.pk, indicator.pk) for activity_type, indicator in self.pairs}
        measurements = sorted(
            (
                m
                for m in self.measurements.values()
                if m.status in HUB_STATUSES and (m.activity_type_id, m.indicator_id) in pairs
            ),
            key=lambda m: (m.fieldlab.name if m.fieldlab else "", m.indicator.name, m.activity_type.name, m.pk),
        )
        return records, measurements

    def returned(self, model=FundingRecord) -> QuerySet:
        return hub_report_items(model, hub=self.hub, year=self.year, statuses=[RecordStatus.RETURNED]).select_related(
            "fieldlab", "reviewed_by"
        )

    def status_counts(self) -> dict:
        """How many funding records and measurements of the hub-year are in each status (two grouped queries)."""
        counts: dict[str, int] = {}
        for model in (FundingRecord, Measurement):
            rows = hub_report_items(model, hub=self.hub, year=self.year).order_by().values_list("status")
            for status, n in rows.annotate(n=Count("id")):
                counts[status] = counts.get(status, 0) + n
        return counts

    @staticmethod
    def status_summary(counts: dict) -> list[tuple[str, str, int]]:
        return [(code, label, counts[code]) for code, label in RecordStatus.choices if counts.get(code)]


def hub_report(*, hub: Hub, year: int, user) -> HubReport:
    """The read model of one hub's report for one year. Six queries, whatever the number of fieldlabs."""
    fieldlabs = list(_report_fieldlabs(hub, year).order_by("name"))
    ids = [f.pk for f in fieldlabs]
    cell_filter = report_cell_filter(year)
    entries = {
        (r.fieldlab_id, r.source): r
        for r in FundingRecord.objects.filter(cell_filter, fieldlab_id__in=ids).select_related("fieldlab")
    }
    others = {
        (row["fieldlab_id"], row["source"]): row
        for row in FundingRecord.objects.filter(fieldlab_id__in=ids, year=year)
        .exclude(cell_filter)
        .order_by()
        .values("fieldlab_id", "source")
        .annotate(amount=Sum("amount"), n=Count("id"))
    }
    measurements = {
        (m.fieldlab_id, m.hub_id, m.activity_type_id, m.indicator_id): m
        for m in Measurement.objects.filter(year=year)
        .filter(Q(fieldlab_id__in=ids) | Q(hub=hub))
        # recipient_hub_id reads the fieldlab's hub; the submit list names the indicator and activity type.
        .select_related("fieldlab", "activity_type", "indicator")
    }
    return HubReport(
        hub=hub,
        year=year,
        user=user,
        period=ReportingPeriod.objects.filter(hub=hub, year=year).first(),
        may_report=policy.can(user, policy.Action.ENTER_REPORT, hub),
        fieldlabs=fieldlabs,
        entries=entries,
        others=others,
        pairs=_measurement_pairs(),
        measurements=measurements,
    )


def review_queue() -> list[dict]:
    """Everything submitted, grouped by hub and year: [{"hub", "year", "records": [...], "measurements": [...]}]."""
    groups: dict[tuple, dict] = {}

    def group_for(item) -> dict:
        hub = item.hub or (item.fieldlab.hub if item.fieldlab else None)
        key = (hub.name if hub else "", hub.slug if hub else "", item.year)
        return groups.setdefault(key, {"hub": hub, "year": item.year, "records": [], "measurements": []})

    records = (
        FundingRecord.objects.filter(status=RecordStatus.SUBMITTED)
        .select_related("fieldlab__hub", "hub", "bureau", "funder", "created_by")
        .order_by("year", "fieldlab__name", "source", "pk")
    )
    for record in records:
        group_for(record)["records"].append(record)
    measurements = (
        Measurement.objects.filter(status=RecordStatus.SUBMITTED)
        .select_related("fieldlab__hub", "hub", "activity_type", "indicator", "created_by")
        .order_by("year", "fieldlab__name", "indicator__name", "pk")
    )
    for measurement in measurements:
        group_for(measurement)["measurements"].append(measurement)
    return [groups[key] for key in sorted(groups)]


def _hub_reporting_status(*, years: list[int], counts: list[dict]) -> list[dict]:
    """Per hub and year: how many of its records (its own and its fieldlabs') are in each status (from ``counts``),
    and whether the reporting period is closed. One query for the periods, one for the hubs."""
    by_cell: dict[tuple, dict] = {}
    for row in counts:
        by_cell.setdefault((row["report_hub"], row["year"]), {})[row["status"]] = row["n"]
    closed = set(
        ReportingPeriod.objects.filter(year__in=years, status=PeriodStatus.CLOSED).values_list("hub_id", "year")
    )
    order = [RecordStatus.RETURNED, RecordStatus.SUBMITTED, RecordStatus.DRAFT, RecordStatus.APPROVED]
    labels = dict(RecordStatus.choices)
    result = []
    for hub in Hub.objects.order_by("name").only("id", "name", "slug"):
        cells = []
        for year in years:
            status_counts = by_cell.get((hub.id, year), {})
            # The cell's headline: the least advanced status present (what still needs someone's attention).
            headline = next((s for s in order if status_counts.get(s)), None)
            cells.append(
                {
                    "year": year,
                    "counts": status_counts,
                    "status": headline,
                    "label": labels.get(headline, "") if headline else "",
                    "closed": (hub.id, year) in closed,
                }
            )
        result.append({"hub": hub, "cells": cells})
    return result
