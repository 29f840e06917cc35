"""Every write to funding: keyword-only, atomic, validated (forms, model and database rules) and audited.

The reporting workflow:  draft ──submit──► submitted ──approve──► approved
                           ▲                  │
                           └──── returned ◄───┘ (return, with a comment; the coordinator edits and submits again)
Only approved records count in evaluations. A record of a hub whose reporting period for that year is closed
cannot be created, changed or moved through the workflow until the bureau reopens the period.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from registry.models import Hub
from smartindustry.services import apply_changes, audited_delete, audited_save

from .choices import PeriodStatus, RecordStatus
from .fields import EDITABLE_FIELDS
from .models import FundingRecord, ReportingPeriod

# A record's author may set EDITABLE_FIELDS (funding/fields.py, the one list of a record's fields); status and review
# fields move only through the workflow functions.
# A coordinator may only touch records that are still theirs to change.
COORDINATOR_EDITABLE_STATUSES = (RecordStatus.DRAFT, RecordStatus.RETURNED)


# --- permission rules (used by services, views and API alike) ------------------------------------------------


def user_may_edit_record(user: User, record: FundingRecord) -> bool:
    if user.is_bureau:
        return True
    if not user.is_coordinator:
        return False
    return record.recipient_hub_id == user.hub_id and record.status in COORDINATOR_EDITABLE_STATUSES


def user_may_view_record(user: User, record: FundingRecord) -> bool:
    """Drafts are the hub's own business until submitted; everything else is visible to every role."""
    if record.status not in COORDINATOR_EDITABLE_STATUSES or user.is_bureau:
        return True
    return user.is_coordinator and record.recipient_hub_id == user.hub_id


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def reporting_period_check_open(item) -> None:
    """Refuse a change to anything a hub reports (funding records, measurements) in a closed reporting period.

    `item` needs `recipient_hub_id` (the reporting hub, or None for national items) and `year`.
    """
    hub_id = item.recipient_hub_id
    if hub_id is None:
        return
    closed = ReportingPeriod.objects.filter(hub_id=hub_id, year=item.year, status=PeriodStatus.CLOSED).exists()
    if closed:
        raise ValidationError(
            {
                "year": _("The reporting period %(year)s of this hub is closed; ask the bureau to reopen it.")
                % {"year": item.year}
            }
        )


# --- funding records ----------------------------------------------------------------------------------------


@transaction.atomic
def funding_record_create(*, actor: User, **fields) -> FundingRecord:
    """Create a record. Coordinators create drafts for their own hub's fieldlabs; the bureau may set any status."""
    status = fields.pop("status", RecordStatus.DRAFT)
    record = FundingRecord(created_by=actor)
    apply_changes(record, fields, allowed=EDITABLE_FIELDS)
    if actor.is_coordinator:
        _require(
            record.recipient_hub_id is not None and record.recipient_hub_id == actor.hub_id,
            _("Coordinators may only report for their own hub."),
        )
        status = RecordStatus.DRAFT
    else:
        _require(actor.is_bureau, _("Only the bureau and hub coordinators may create funding records."))
    record.status = status
    if status == RecordStatus.APPROVED:
        record.reviewed_by, record.reviewed_at = actor, timezone.now()
    reporting_period_check_open(record)
    return audited_save(record, actor=actor, reason="created")


@transaction.atomic
def funding_record_update(*, record: FundingRecord, actor: User, data: dict) -> FundingRecord:
    record = FundingRecord.objects.select_for_update().get(pk=record.pk)
    _require(user_may_edit_record(actor, record), _("You may not change this record."))
    reporting_period_check_open(record)  # the period the record is in now …
    changed = apply_changes(record, data, allowed=EDITABLE_FIELDS)
    if not changed:
        return record
    if actor.is_coordinator:
        _require(record.recipient_hub_id == actor.hub_id, _("Coordinators may only report for their own hub."))
    reporting_period_check_open(record)  # … and the one it moves to
    return audited_save(record, actor=actor, reason="changed: " + ", ".join(changed))


@transaction.atomic
def funding_record_delete(*, record: FundingRecord, actor: User) -> None:
    _require(user_may_edit_record(actor, record), _("You may not delete this record."))
    reporting_period_check_open(record)
    audited_delete(record, actor=actor, reason="deleted")


def _transition(
    record: FundingRecord, *, actor: User, allowed_from: tuple, to: str, comment: str = ""
) -> FundingRecord:
    # of=self: PostgreSQL cannot lock the nullable side of the outer join to the fieldlab.
    record = FundingRecord.objects.select_for_update(of=("self",)).select_related("fieldlab").get(pk=record.pk)
    if record.status not in allowed_from:
        raise ValidationError(
            {"status": _("A %(status)s record cannot become %(to)s.") % {"status": record.status, "to": to}}
        )
    reporting_period_check_open(record)
    record.status = to
    now = timezone.now()
    if to == RecordStatus.SUBMITTED:
        record.submitted_at = now
    else:
        record.reviewed_by, record.reviewed_at = actor, now
        record.review_comment = comment
    return audited_save(record, actor=actor, reason=to)


@transaction.atomic
def funding_record_submit(*, record: FundingRecord, actor: User) -> FundingRecord:
    _require(user_may_edit_record(actor, record), _("You may not submit this record."))
    return _transition(record, actor=actor, allowed_from=COORDINATOR_EDITABLE_STATUSES, to=RecordStatus.SUBMITTED)


@transaction.atomic
def funding_record_approve(*, record: FundingRecord, actor: User, comment: str = "") -> FundingRecord:
    _require(actor.is_bureau, _("Only the bureau approves reports."))
    return _transition(
        record, actor=actor, allowed_from=(RecordStatus.SUBMITTED,), to=RecordStatus.APPROVED, comment=comment
    )


@transaction.atomic
def funding_record_return(*, record: FundingRecord, actor: User, comment: str) -> FundingRecord:
    _require(actor.is_bureau, _("Only the bureau returns reports."))
    if not comment.strip():
        raise ValidationError({"review_comment": _("Say what needs fixing when returning a report.")})
    return _transition(
        record, actor=actor, allowed_from=(RecordStatus.SUBMITTED,), to=RecordStatus.RETURNED, comment=comment
    )


# --- reporting periods --------------------------------------------------------------------------------------


@transaction.atomic
def reporting_period_close(*, hub: Hub, year: int, actor: User) -> ReportingPeriod:
    _require(actor.is_bureau, _("Only the bureau closes reporting periods."))
    period, _created = ReportingPeriod.objects.select_for_update().get_or_create(hub=hub, year=year)
    period.status, period.closed_at, period.closed_by = PeriodStatus.CLOSED, timezone.now(), actor
    return audited_save(period, actor=actor, reason="closed")


@transaction.atomic
def reporting_period_reopen(*, hub: Hub, year: int, actor: User) -> ReportingPeriod:
    _require(actor.is_bureau, _("Only the bureau reopens reporting periods."))
    period, _created = ReportingPeriod.objects.select_for_update().get_or_create(hub=hub, year=year)
    period.status, period.closed_at, period.closed_by = PeriodStatus.OPEN, None, None
    return audited_save(period, actor=actor, reason="reopened")
