"""The one workflow for everything a hub reports (funding records, measurements):

    draft ──submit──► submitted ──approve──► approved
      ▲                  │                      │
      └──── returned ◄───┘ return (comment)     │ a change to what it counts (amount, year, source …)
                         ▲                      │ sends it back to review: submitted, unreviewed
                         └──────────────────────┘

- Who may take each step is the access policy's business (accounts/policy.py): the hub's coordinators submit
  their hub's drafts and returned items, the bureau approves and returns.
- A closed reporting period refuses every change and every step for its hub and year until the bureau reopens it.
- Every step is one audited save with the step as the history reason.

The services of funding and evaluation call ``workflow_transition`` for the steps and ``workflow_check_edit`` before
they save a change; nothing else moves ``status``. What a step means beyond the item itself is its app's business,
passed in by the caller as ``after`` (funding's ``funding_record_step`` moves the approved-funding rollups there):
this app sits below funding and knows nothing of it.
"""

from collections.abc import Callable, Container
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import policy
from core.services import audited_save

from .choices import HUB_STATUSES, PeriodStatus, RecordStatus, WorkflowAction
from .models import ReportingPeriod

__all__ = [
    "TRANSITIONS",
    "ClosedPeriods",
    "KnownPeriod",
    "Transition",
    "period_check_open",
    "period_is_closed",
    "workflow_check_edit",
    "workflow_prepare_new",
    "workflow_transition",
]


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    comment_required: bool = False


TRANSITIONS = {
    WorkflowAction.SUBMIT: Transition(WorkflowAction.SUBMIT, HUB_STATUSES, RecordStatus.SUBMITTED),
    WorkflowAction.APPROVE: Transition(WorkflowAction.APPROVE, (RecordStatus.SUBMITTED,), RecordStatus.APPROVED),
    WorkflowAction.RETURN: Transition(
        WorkflowAction.RETURN, (RecordStatus.SUBMITTED,), RecordStatus.RETURNED, comment_required=True
    ),
}

CLOSED_MESSAGE = gettext_lazy("The reporting period %(year)s of this hub is closed; ask the bureau to reopen it.")


def period_is_closed(*, hub_id: int | None, year: int) -> bool:
    if hub_id is None:
        return False
    return ReportingPeriod.objects.filter(hub_id=hub_id, year=year, status=PeriodStatus.CLOSED).exists()


def closed_periods() -> frozenset[tuple[int, int]]:
    """Every closed (hub id, year), in one query: a bulk writer checks many items against it (period_check_open's
    ``closed``) instead of asking the database once per item."""
    return frozenset(ReportingPeriod.objects.filter(status=PeriodStatus.CLOSED).values_list("hub_id", "year"))


@dataclass(frozen=True)
class KnownPeriod:
    """One hub-year's reporting period as the caller has just read it, to pass as ``closed``: asked about that
    hub-year it answers from memory; asked about any other, it reads the database as if it were not passed (so a
    record that moved to another hub-year meanwhile is still checked where it is now).

    A report cell save reads its hub-year's period once (reporting.selectors.HubYear) and hands it down to the
    services of funding and evaluation instead of each of them reading it again."""

    hub_id: int
    year: int
    closed: bool

    def __contains__(self, hub_year) -> bool:
        hub_id, year = hub_year
        if (hub_id, year) == (self.hub_id, self.year):
            return self.closed
        return period_is_closed(hub_id=hub_id, year=year)


# What period_check_open's ``closed`` may be: every closed (hub id, year) (closed_periods) or one KnownPeriod.
ClosedPeriods = Container[tuple[int | None, int]]


def period_check_open(
    item=None, *, hub_id: int | None = None, year: int | None = None, closed: ClosedPeriods | None = None
) -> None:
    """Refuse any change to an item (or to a hub-year) whose reporting period is closed (national items: never).
    ``closed`` (closed_periods, or a KnownPeriod) answers from memory instead of the database."""
    if item is not None:
        hub_id, year = item.recipient_hub_id, item.year
    is_closed = (hub_id, year) in closed if closed is not None else period_is_closed(hub_id=hub_id, year=year)
    if is_closed:
        raise ValidationError({"year": CLOSED_MESSAGE % {"year": year}})


def workflow_prepare_new(
    item: models.Model, *, actor, requested: str | None = None, closed: ClosedPeriods | None = None
) -> None:
    """Before a new item is saved: may the actor add it (own hub, or the bureau), is its period open, which status.

    New items start as drafts. The bureau may enter an item in any status (its own figures need no review); when it
    enters one as approved, it is the reviewer. ``closed``: see period_check_open (the bulk import and a report cell
    pass it).
    """
    policy.require(actor, policy.Action.ADD, item)
    status = RecordStatus.DRAFT
    if requested and requested != RecordStatus.DRAFT and policy.can(actor, policy.Action.APPROVE, item):
        status = requested
    item.status = status
    if status == RecordStatus.SUBMITTED:
        item.submitted_at = timezone.now()
    elif status in (RecordStatus.APPROVED, RecordStatus.RETURNED):
        _stamp_review(item, actor=actor, comment=item.review_comment)
    period_check_open(item, closed=closed)


def workflow_check_edit(
    item: models.Model, *, actor, changed: list[str], counted: frozenset[str], closed: ClosedPeriods | None = None
) -> str:
    """Before saving a change to ``item`` (already carrying the new values; the caller checked the policy and the
    period the item was in): refuse it if it moves into a closed period or away from the actor's hub, and send an
    approved item whose counted fields changed back to review. Returns the history reason. ``closed``: see
    period_check_open."""
    period_check_open(item, closed=closed)
    policy.require(actor, policy.Action.ADD, item)  # where it is now: a coordinator cannot move it to another hub
    reason = "changed: " + ", ".join(changed)
    if item.status == RecordStatus.APPROVED and counted.intersection(changed):
        # Approved figures count in the evaluation; a new figure needs a new review before it counts again.
        item.status = RecordStatus.SUBMITTED
        item.submitted_at, item.reviewed_by, item.reviewed_at = timezone.now(), None, None
        reason += "; back to review"
    return reason


def _stamp_review(item, *, actor, comment: str) -> None:
    item.reviewed_by, item.reviewed_at, item.review_comment = actor, timezone.now(), comment


@transaction.atomic
def workflow_transition(
    item: models.Model,
    *,
    action: str,
    actor,
    comment: str = "",
    after: Callable[[models.Model, str], None] | None = None,
) -> models.Model:
    """Take one step of the workflow on a funding record or measurement, under a row lock. Raises PermissionDenied
    (policy) or ValidationError (wrong state, closed period, missing comment).

    ``after(item, previous_status)`` runs once the step is saved, in the same transaction and under the same lock:
    the caller's own consequences of the step (funding passes the rollups' update), with the status the item left,
    which only this function reads reliably (from the locked row)."""
    transition = TRANSITIONS[action]
    model = type(item)
    # of=self: PostgreSQL cannot lock the nullable side of the outer join to the fieldlab.
    item = model.objects.select_for_update(of=("self",)).select_related("fieldlab").get(pk=item.pk)
    policy.require(actor, action, item)
    if transition.comment_required and not comment.strip():
        raise ValidationError({"review_comment": _("Say what needs fixing when returning a report.")})
    if item.status not in transition.sources:
        raise ValidationError(
            {
                "status": _("A %(status)s item cannot be %(action)s.")
                % {"status": RecordStatus(item.status).label.lower(), "action": _past(action)}
            }
        )
    period_check_open(item)
    previous = item.status
    item.status = transition.target
    if action == WorkflowAction.SUBMIT:
        item.submitted_at = timezone.now()
    else:
        _stamp_review(item, actor=actor, comment=comment)
    audited_save(item, actor=actor, reason=transition.target)
    if after is not None:
        after(item, previous)
    return item


def _past(action: str) -> str:
    return {
        WorkflowAction.SUBMIT: _("submitted"),
        WorkflowAction.APPROVE: _("approved"),
        WorkflowAction.RETURN: _("returned"),
    }[action]
