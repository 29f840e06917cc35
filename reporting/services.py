"""Writes of hub reporting: report cells, submitting and reviewing a whole hub-year (or selected lines of it) with one
comment, and closing or reopening reporting periods. Each is atomic: a report moves as a whole or not at all.

The single items go through their own services (funding records, measurements), which apply the one workflow
(reporting/workflow.py) and the access policy.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import User
from evaluation.models import ActivityType, Indicator, Measurement
from evaluation.services import measurement_create, measurement_update
from funding.choices import FundingKind, Realisation
from funding.models import FundingRecord
from funding.services import funding_record_create, funding_record_delete, funding_record_update
from registry.models import Fieldlab, Hub
from smartindustry.services import audited_save

from .choices import PeriodStatus, RecordStatus, WorkflowAction
from .models import ReportingPeriod
from .selectors import HubReport, hub_report, hub_report_items
from .workflow import period_check_open, workflow_transition

__all__ = [
    "ReportOutcome",
    "report_cell_save",
    "report_measurement_save",
    "report_review",
    "report_submit",
    "reporting_period_close",
    "reporting_period_reopen",
]


@dataclass(frozen=True)
class ReportOutcome:
    records: int
    measurements: int


def _hub_report_source(report: HubReport, user: User) -> str:
    return _("Hub report %(hub)s %(year)s, entered by %(user)s") % {
        "hub": report.hub.name,
        "year": report.year,
        "user": user.get_username(),
    }


@transaction.atomic
def report_cell_save(
    *, report: HubReport, fieldlab: Fieldlab, source: str, amount: Decimal | None, actor: User
) -> FundingRecord | None:
    """Create, change or clear (amount None) the record of one report cell. Raises ValidationError/PermissionDenied.

    Two people saving the same empty cell at once: the database's unique index lets one in; the other gets a clear
    message instead of a server error, and nothing is half-written.
    """
    record = report.entries.get((fieldlab.pk, source))
    if record is not None:
        if amount is None:
            funding_record_delete(record=record, actor=actor)
            return None
        if record.amount != amount:
            return funding_record_update(record=record, actor=actor, data={"amount": amount})
        return record
    if amount is None:
        return None
    try:
        with transaction.atomic():
            return funding_record_create(
                actor=actor,
                fieldlab=fieldlab,
                year=report.year,
                source=source,
                amount=amount,
                kind=FundingKind.CASH,
                realisation=Realisation.REALISED,
                provenance="published",
                provenance_source=_hub_report_source(report, actor),
            )
    except IntegrityError:
        raise ValidationError(_("Someone else saved this cell at the same moment; reload the report.")) from None


@transaction.atomic
def report_measurement_save(
    *,
    report: HubReport,
    fieldlab: Fieldlab | None,
    activity_type: ActivityType,
    indicator: Indicator,
    value: Decimal | None,
    actor: User,
) -> Measurement | None:
    """Create or change one indicator cell of a report (fieldlab None: hub-wide). A reported value cannot be emptied."""
    measurement = report.measurements.get(report.measurement_key(fieldlab, activity_type, indicator))
    if measurement is None:
        if value is None:
            return None
        place = {"fieldlab": fieldlab} if fieldlab else {"hub": report.hub}
        return measurement_create(
            actor=actor,
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
    return measurement_update(measurement=measurement, actor=actor, data={"value": value})


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
    for item in [*records, *measurements]:
        workflow_transition(item, action=WorkflowAction.SUBMIT, actor=actor)
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
    selected = record_ids is not None or measurement_ids is not None
    items = []
    for model, ids in ((FundingRecord, record_ids), (Measurement, measurement_ids)):
        qs = hub_report_items(model, hub=hub, year=year, statuses=[RecordStatus.SUBMITTED])
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
        workflow_transition(item, action=action, actor=actor, comment=comment)
    records = sum(1 for item in items if isinstance(item, FundingRecord))
    return ReportOutcome(records=records, measurements=len(items) - records)


def _period_set(*, hub: Hub, year: int, actor: User, status: str) -> ReportingPeriod:
    policy.require(actor, policy.Action.MANAGE_PERIODS)
    period = ReportingPeriod.objects.select_for_update().filter(hub=hub, year=year).first()
    if period is None:
        period = ReportingPeriod(hub=hub, year=year)
    period.status = status
    if status == PeriodStatus.CLOSED:
        period.closed_at, period.closed_by = timezone.now(), actor
    else:
        period.closed_at, period.closed_by = None, None
    # full_clean inside audited_save refuses a year outside the registry's bounds with a clear message.
    return audited_save(period, actor=actor, reason="closed" if status == PeriodStatus.CLOSED else "reopened")


@transaction.atomic
def reporting_period_close(*, hub: Hub, year: int, actor: User) -> ReportingPeriod:
    return _period_set(hub=hub, year=year, actor=actor, status=PeriodStatus.CLOSED)


@transaction.atomic
def reporting_period_reopen(*, hub: Hub, year: int, actor: User) -> ReportingPeriod:
    return _period_set(hub=hub, year=year, actor=actor, status=PeriodStatus.OPEN)
