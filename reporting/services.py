"""Writes of hub reporting: report cells, submitting and reviewing a whole hub-year (or selected lines of it) with one
comment, and closing or reopening reporting periods. Each is atomic: a report moves as a whole or not at all.

The single items go through their own services (funding records, measurements), which apply the one workflow
(review/workflow.py) and the access policy.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import User
from core import policy
from core.services import STALE, StaleVersion
from evaluation.models import ActivityType, Indicator, Measurement
from evaluation.services import measurement_create, measurement_update
from funding.choices import FundingKind, Realisation
from funding.models import FundingRecord
from funding.services import funding_record_create, funding_record_delete, funding_record_step, funding_record_update
from registry.models import Fieldlab, Hub
from review.choices import HUB_STATUSES, RecordStatus, WorkflowAction
from review.workflow import period_check_open, workflow_transition

from .selectors import HubYear, hub_report, hub_report_items, report_cell_filter

__all__ = [
    "UNCHECKED",
    "CellConflict",
    "ReportOutcome",
    "report_cell_save",
    "report_measurement_save",
    "report_review",
    "report_submit",
]


@dataclass(frozen=True)
class ReportOutcome:
    records: int
    measurements: int


def _hub_report_source(report: HubYear, user: User) -> str:
    return _("Hub report %(hub)s %(year)s, entered by %(user)s") % {
        "hub": report.hub.name,
        "year": report.year,
        "user": user.get_username(),
    }


# report_cell_save(version=UNCHECKED): the caller did not say which version of the cell its value is based on.
UNCHECKED = object()


class CellConflict(ValidationError):
    """The cell was changed by someone else since this editor read it: nothing was saved. Carries the stored record
    (None: the cell is empty now) so the grid can show both values and the version to save against."""

    def __init__(self, *, stored: FundingRecord | None, yours: Decimal | None):
        message = _("Saved meanwhile by someone else: %(theirs)s — yours: %(yours)s. Nothing was saved.") % {
            "theirs": _euros(stored.amount) if stored is not None else _("empty"),
            "yours": _euros(yours) if yours is not None else _("empty"),
        }
        super().__init__(message, code=STALE)
        self.stored = stored
        self.yours = yours


def _euros(amount: Decimal) -> str:
    return "€\u00a0" + number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


def _expected_version(version) -> int | None:
    if version is None or version == "":
        return None
    try:
        return int(version)
    except (TypeError, ValueError):
        raise ValidationError(_("The cell's version is not a whole number; reload the report.")) from None


@transaction.atomic
def report_cell_save(
    *,
    report: HubYear,
    fieldlab: Fieldlab,
    source: str,
    amount: Decimal | None,
    actor: User,
    version=UNCHECKED,
) -> FundingRecord | None:
    """Create, change or clear (amount None) the record of one report cell. Raises ValidationError/PermissionDenied.

    report: the hub-year as read for this save (selectors.hub_year, or the whole hub_report): the cell's record is
    read through it, and its period answers the closed-period check of the funding services (read once, not again
    by each). Who may write the record is still asked of the policy by those services, for ``actor``.

    version: the version of the cell's record the editor's value is based on ("" or None: the cell was empty). If
    the cell has changed since — another value saved, the cell filled or emptied — CellConflict is raised and nothing
    is written, unless the stored value already equals the editor's. The record's own row lock and version
    (funding_record_update) settle two saves racing on the same record.

    Two people saving the same empty cell at once: the database's unique index lets one in; the other gets a clear
    message instead of a server error, and nothing is half-written.
    """
    record = report.entry(fieldlab, source)
    closed = report.known_period
    checked = version is not UNCHECKED
    expected = _expected_version(version) if checked else None
    current = None if record is None else record.amount
    seen_meanwhile = (record is None) != (expected is None) or (record is not None and record.version != expected)
    if checked and current != amount and seen_meanwhile:
        raise CellConflict(stored=record, yours=amount)
    if record is not None:
        if amount is None:
            funding_record_delete(record=record, actor=actor, closed=closed)
            return None
        if record.amount != amount:
            data = {"amount": amount}
            if checked:
                data["version"] = expected
            try:
                with transaction.atomic():
                    return funding_record_update(record=record, actor=actor, data=data, closed=closed)
            except StaleVersion as exc:
                raise CellConflict(stored=exc.instance, yours=amount) from None
            except PermissionDenied:
                # Submitted or approved by someone else after this request read the cell: the record's policy now
                # refuses the edit before its version is compared. That is a conflict too (scripts/load_test.py
                # found it as a 403).
                stored = FundingRecord.objects.filter(pk=record.pk).first()
                if checked and (stored is None or stored.version != expected):
                    raise CellConflict(stored=stored, yours=amount) from None
                raise
        return record
    if amount is None:
        return None
    try:
        with transaction.atomic():
            return funding_record_create(
                actor=actor,
                closed=closed,
                fieldlab=fieldlab,
                year=report.year,
                source=source,
                amount=amount,
                kind=FundingKind.CASH,
                realisation=Realisation.REALISED,
                provenance="published",
                provenance_source=_hub_report_source(report, actor),
            )
    except (IntegrityError, ValidationError) as exc:
        # Another save of this empty cell got in first: the model's unique check (ValidationError) or, when both
        # passed it at once, the database's unique index (IntegrityError) says so. Show its value next to this
        # editor's, like any other conflict.
        stored = FundingRecord.objects.filter(report_cell_filter(report.year), fieldlab=fieldlab, source=source).first()
        if checked and stored is not None:
            raise CellConflict(stored=stored, yours=amount) from None
        if isinstance(exc, ValidationError):
            raise
        raise ValidationError(_("Someone else saved this cell at the same moment; reload the report.")) from None


@transaction.atomic
def report_measurement_save(
    *,
    report: HubYear,
    fieldlab: Fieldlab | None,
    activity_type: ActivityType,
    indicator: Indicator,
    value: Decimal | None,
    actor: User,
) -> Measurement | None:
    """Create or change one indicator cell of a report (fieldlab None: hub-wide). A reported value cannot be emptied.
    ``report``: as in report_cell_save."""
    measurement = report.measurement(fieldlab, activity_type, indicator)
    closed = report.known_period
    if measurement is None:
        if value is None:
            return None
        place = {"fieldlab": fieldlab} if fieldlab else {"hub": report.hub}
        return measurement_create(
            actor=actor,
            closed=closed,
            activity_type=activity_type,
            indicator=indicator,
            year=report.year,
            value=value,
            provenance="published",
            provenance_source=_hub_report_source(report, actor),
            **place,
        )
    if value is None:
        raise ValidationError(_("A reported measurement cannot be emptied; enter 0 or ask the bureau."))
    return measurement_update(measurement=measurement, actor=actor, data={"value": value}, closed=closed)


# The advisory lock that submits and reviews take (two int4 keys: this namespace, and 1 for "reports").
REPORTS_LOCK = (0x5349, 1)


def _reports_lock() -> None:
    """Make submits and reviews wait for each other, until the transaction ends.

    A submit and a review lock different items (the hub's drafts, the submitted ones), and two reviews of different
    hubs lock different items too, but each moves the status counts and rollups (funding/rollups.py) one item at a
    time, in its own items' order: side by side they can take the same count rows in opposite orders and deadlock
    (scripts/load_test.py found it: a 503 on approve while the same hub-year was being submitted). One submit or
    review at a time cannot. They are short (one hub-year), so waiting costs milliseconds. Single-record writes
    (a cell, an edit) touch their counts in one sorted step after locking their record, and need no such lock.
    PostgreSQL only: SQLite writes one transaction at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", REPORTS_LOCK)


def _locked(model, pks):
    """These items, if still with the hub, row-locked in id order (inside the caller's transaction)."""
    return model.objects.filter(pk__in=pks, status__in=HUB_STATUSES).select_for_update().order_by("pk")


def _locked_items(model, *, hub: Hub, year: int, statuses):
    """The hub-year's items in these statuses, row-locked in id order (inside the caller's transaction)."""
    # of=self: PostgreSQL cannot lock the nullable side of the outer join to the fieldlab.
    return hub_report_items(model, hub=hub, year=year, statuses=statuses).select_for_update(of=("self",)).order_by("pk")


@transaction.atomic
def report_submit(
    *,
    hub: Hub,
    year: int,
    actor: User,
    record_ids: list[int] | None = None,
    measurement_ids: list[int] | None = None,
) -> ReportOutcome:
    """Send the items of the hub-year's report grids that are still with the hub to the bureau
    (``HubReport.submittable``: what the grids show, not a hub-level or bureau-made draft the page does not show).

    ``record_ids``/``measurement_ids`` are the lists the coordinator was shown before confirming; when given, they
    must still be exactly what would be sent, otherwise nothing is submitted and the list is to be checked again."""
    policy.require(actor, policy.Action.ENTER_REPORT, hub)
    period_check_open(hub_id=hub.pk, year=year)
    _reports_lock()
    records, measurements = hub_report(hub=hub, year=year, user=actor).submittable()
    if record_ids is not None or measurement_ids is not None:
        listed = (set(record_ids or []), set(measurement_ids or []))
        if listed != ({r.pk for r in records}, {m.pk for m in measurements}):
            raise ValidationError(
                _(
                    "The report changed after the list was shown: nothing was submitted. "
                    "Check the list and submit again."
                )
            )
    # Locked as they are read: of two people submitting the same hub-year at once, the second waits for the first
    # and then finds only what is still with the hub (PostgreSQL re-checks the status of a row it waited for), so it
    # never tries to submit an item that is already submitted (found by scripts/load_test.py: a 403).
    records = list(_locked(FundingRecord, [r.pk for r in records]))
    measurements = list(_locked(Measurement, [m.pk for m in measurements]))
    for record in records:
        funding_record_step(record, action=WorkflowAction.SUBMIT, actor=actor)  # moves the rollups too
    for measurement in measurements:
        workflow_transition(measurement, action=WorkflowAction.SUBMIT, actor=actor)
    return ReportOutcome(records=len(records), measurements=len(measurements))


@transaction.atomic
def report_review(
    *,
    hub: Hub,
    year: int,
    actor: User,
    action: str,
    comment: str = "",
    record_ids: list[int] | None = None,
    measurement_ids: list[int] | None = None,
) -> ReportOutcome:
    """Approve or return the submitted items of a hub-year with one comment: all of them, or only the selected ids
    (``record_ids`` / ``measurement_ids``; both None means everything submitted). All or nothing."""
    if action not in (WorkflowAction.APPROVE, WorkflowAction.RETURN):
        raise ValidationError({"action": _("Choose approve or return.")})
    policy.require(actor, action)
    if action == WorkflowAction.RETURN and not comment.strip():
        raise ValidationError({"review_comment": _("Say what needs fixing when returning a report.")})
    _reports_lock()
    selected = record_ids is not None or measurement_ids is not None
    items = []
    for model, ids in ((FundingRecord, record_ids), (Measurement, measurement_ids)):
        qs = _locked_items(model, hub=hub, year=year, statuses=[RecordStatus.SUBMITTED])
        if selected:
            wanted = set(ids or [])
            qs = qs.filter(pk__in=wanted)
            found = set(qs.values_list("pk", flat=True))
            if wanted - found:
                raise ValidationError(
                    _("%(ids)s are not submitted items of this report; reload the page.")
                    % {"ids": ", ".join(str(i) for i in sorted(wanted - found))}
                )
        items.extend(qs.order_by("pk"))
    if not items:
        raise ValidationError(_("Nothing of this report is waiting for review."))
    for item in items:
        # A funding record's step moves the rollups too; a measurement's is the workflow's alone.
        step = funding_record_step if isinstance(item, FundingRecord) else workflow_transition
        step(item, action=action, actor=actor, comment=comment)
    records = sum(1 for item in items if isinstance(item, FundingRecord))
    return ReportOutcome(records=records, measurements=len(items) - records)
