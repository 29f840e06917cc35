"""Every write of the evaluation module: keyword-only, atomic, validated and audited.

- intervention logic and norms: the bureau edits them through the core's generic record services (the admin);
- measurements: reviewable items, the one workflow of review/workflow.py (as funding records);
- follow-up actions on the recommendations;
- evaluation runs: start (records the request, enqueues the task after commit) and execute (freezes the results).
"""

from __future__ import annotations

import traceback
from datetime import timedelta

from celery import signature
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import policy
from core.services import apply_changes, audited_save
from review.workflow import (
    ClosedPeriods,
    period_check_open,
    workflow_check_edit,
    workflow_prepare_new,
)

from .choices import ActionStatus, RunStatus
from .filters import parse_year_window
from .models import (
    EvaluationRun,
    FollowUpAction,
    Measurement,
    Recommendation,
    RecommendationCheck,
)
from .results import evaluation_data_fingerprint, evaluation_results

# The Celery task that executes a run (evaluation/tasks.py). Enqueued by name so that this module does not import the
# task module: the task imports these services (a task is thin, it calls evaluation_run_execute), and the services
# importing the task back was a circle. evaluation.apps registers the task in every process, so with no broker the
# signature still resolves to the task and runs eagerly.
EVALUATION_RUN_TASK = "evaluation.run"

# --- measurements (same workflow as funding records) --------------------------------------------------------

MEASUREMENT_FIELDS = frozenset(
    {
        "activity_type",
        "indicator",
        "year",
        "fieldlab",
        "hub",
        "value",
        "provenance",
        "provenance_source",
        "evidence_note",
    }
)
# Changing one of these on an approved measurement changes what the evaluation counts: it goes back to review.
MEASUREMENT_COUNTED_FIELDS = frozenset({"activity_type", "indicator", "year", "fieldlab", "hub", "value"})


@transaction.atomic
def measurement_create(*, actor: User, closed: ClosedPeriods | None = None, **fields) -> Measurement:
    """Coordinators report drafts for their own hub and its fieldlabs; the bureau may set any status. ``closed``: the
    caller's reading of the periods (review.workflow.period_check_open), else read here."""
    requested = fields.pop("status", None)
    unknown = set(fields) - MEASUREMENT_FIELDS
    if unknown:
        raise ValueError(f"Fields not editable here: {', '.join(sorted(unknown))}")
    # Built in one go: a required relation cannot be read (as apply_changes does) before it is set.
    measurement = Measurement(created_by=actor, **fields)
    workflow_prepare_new(measurement, actor=actor, requested=requested, closed=closed)
    return audited_save(measurement, actor=actor, reason="created")


@transaction.atomic
def measurement_update(
    *, measurement: Measurement, actor: User, data: dict, closed: ClosedPeriods | None = None
) -> Measurement:
    """Change a measurement (``closed``: as in measurement_create)."""
    measurement = Measurement.objects.select_for_update(of=("self",)).select_related("fieldlab").get(pk=measurement.pk)
    policy.require(actor, policy.Action.CHANGE, measurement)
    period_check_open(measurement, closed=closed)  # the period it is in now; workflow_check_edit: where it moves to
    changed = apply_changes(measurement, data, allowed=MEASUREMENT_FIELDS)
    if not changed:
        return measurement
    reason = workflow_check_edit(
        measurement, actor=actor, changed=changed, counted=MEASUREMENT_COUNTED_FIELDS, closed=closed
    )
    return audited_save(measurement, actor=actor, reason=reason)


# --- follow-up actions --------------------------------------------------------------------------------------

ACTION_FIELDS = frozenset({"title", "owner", "due_date", "status", "evidence"})


@transaction.atomic
def follow_up_action_create(*, recommendation: Recommendation, actor: User, **fields) -> FollowUpAction:
    policy.require(actor, policy.Action.CHANGE, FollowUpAction, _("Only the bureau tracks follow-up actions."))
    action = FollowUpAction(recommendation=recommendation)
    apply_changes(action, fields, allowed=ACTION_FIELDS)
    return audited_save(action, actor=actor, reason="created")


@transaction.atomic
def follow_up_action_update(*, action: FollowUpAction, actor: User, data: dict) -> FollowUpAction:
    policy.require(actor, policy.Action.CHANGE, FollowUpAction, _("Only the bureau tracks follow-up actions."))
    action = FollowUpAction.objects.select_for_update().get(pk=action.pk)
    changed = apply_changes(action, data, allowed=ACTION_FIELDS)
    if not changed:
        return action
    return audited_save(action, actor=actor, reason="changed: " + ", ".join(changed))


def follow_up_action_overdue(action: FollowUpAction, *, today=None) -> bool:
    today = today or timezone.localdate()
    return bool(
        action.due_date and action.due_date < today and action.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
    )


# --- evaluation runs ----------------------------------------------------------------------------------------


@transaction.atomic
def evaluation_run_start(*, actor: User | None, parameters: dict | None = None) -> EvaluationRun:
    """Record a run request and enqueue it once the request is committed (eager without a broker)."""
    if actor is not None:
        policy.require(actor, policy.Action.RUN_EVALUATION)
    year_min, year_max = parse_year_window(parameters)
    unknown = set(parameters or {}) - {"year_min", "year_max"}
    if unknown:
        raise ValidationError({"parameters": _("Unknown parameter(s): %(p)s.") % {"p": ", ".join(sorted(unknown))}})
    run = EvaluationRun.objects.create(
        parameters={"year_min": year_min, "year_max": year_max},
        created_by=actor if actor is not None and actor.pk else None,
        sent_at=timezone.now(),  # sent when this transaction commits
    )
    # robust: a failing eager run is logged and marked failed on the run; it must not break the request that asked.
    transaction.on_commit(lambda: signature(EVALUATION_RUN_TASK, args=(run.pk,)).delay(), robust=True)
    return run


def evaluation_runs_sweep(*, now=None) -> dict:
    """The jobs sweeper's rules for runs (jobs/services.py ``jobs_sweep``): a running run without a heartbeat for
    JOBS_STALE_MINUTES failed (its worker died); a pending run is sent again after JOBS_PENDING_RESEND_MINUTES (and
    again only once its last sending is that old) and failed after JOBS_PENDING_GIVE_UP_MINUTES (its task was never
    delivered)."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.JOBS_STALE_MINUTES)
    give_up = now - timedelta(minutes=settings.JOBS_PENDING_GIVE_UP_MINUTES)
    resend = now - timedelta(minutes=settings.JOBS_PENDING_RESEND_MINUTES)
    gone = Q(status=RunStatus.RUNNING) & (
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
    )
    failed_stale = EvaluationRun.objects.filter(gone).update(
        status=RunStatus.FAILED,
        finished_at=now,
        updated_at=now,
        error=_("The worker computing this run stopped answering (no sign of life for %(n)s minutes). Start a new run.")
        % {"n": settings.JOBS_STALE_MINUTES},
    )
    failed_pending = EvaluationRun.objects.filter(status=RunStatus.PENDING, created_at__lt=give_up).update(
        status=RunStatus.FAILED,
        finished_at=now,
        updated_at=now,
        error=_("The run never started: the task queue did not deliver it for %(n)s minutes. Start a new run.")
        % {"n": settings.JOBS_PENDING_GIVE_UP_MINUTES},
    )
    resent = 0
    not_sent_lately = Q(sent_at__isnull=True) | Q(sent_at__lt=resend)
    pending = EvaluationRun.objects.filter(not_sent_lately, status=RunStatus.PENDING, created_at__lt=resend)
    for run_id in pending.values_list("pk", flat=True):
        # At most once per JOBS_PENDING_RESEND_MINUTES (compare and set: of two sweepers, one sends).
        if EvaluationRun.objects.filter(not_sent_lately, pk=run_id, status=RunStatus.PENDING).update(sent_at=now):
            signature(EVALUATION_RUN_TASK, args=(run_id,)).delay()
            resent += 1
    return {"failed_stale": failed_stale, "resent": resent, "failed_pending": failed_pending}


def _repeatable_read(*, outermost: bool) -> None:
    # Fingerprint and results come from several queries; on PostgreSQL one snapshot keeps them consistent with each
    # other even while reports are being approved. (SQLite serialises writers, so it needs nothing.) Only possible
    # as the first statement of a real transaction, not inside a caller's (e.g. a test's) savepoint.
    if connection.vendor == "postgresql" and outermost:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def evaluation_run_execute(*, run_id: int) -> EvaluationRun:
    """Compute and freeze a run. Idempotent: a run that is already done is returned unchanged."""
    with transaction.atomic():
        run = EvaluationRun.objects.select_for_update().get(pk=run_id)
        if run.status in (RunStatus.DONE, RunStatus.FAILED):  # failed: the sweeper gave up on it; start a new run
            return run
        fresh = timezone.now() - timedelta(seconds=2 * settings.JOBS_HEARTBEAT_SECONDS)
        if run.status == RunStatus.RUNNING and run.heartbeat_at and run.heartbeat_at > fresh:
            return run  # a live worker computes it (a duplicate delivery after the sweeper re-sent it)
        run.status, run.started_at, run.error = RunStatus.RUNNING, timezone.now(), ""
        run.heartbeat_at = run.started_at
        run.save(update_fields=["status", "started_at", "heartbeat_at", "error", "updated_at"])
    outermost = not connection.in_atomic_block
    try:
        with transaction.atomic():
            _repeatable_read(outermost=outermost)
            params = run.parameters
            fingerprint, summary = evaluation_data_fingerprint(**params)
            results = evaluation_results(**params)
            run.fingerprint, run.data_summary, run.results = fingerprint, summary, results
            run.status, run.finished_at = RunStatus.DONE, timezone.now()
            run.full_clean()
            run.save()
            recommendations = {r.code: r for r in Recommendation.objects.all()}
            RecommendationCheck.objects.bulk_create(
                RecommendationCheck(
                    run=run,
                    recommendation=recommendations[check["code"]],
                    status=check["status"],
                    compliant=check["compliant"],
                    total=check["total"],
                    figures=check["figures"],
                    records=check["records"],
                )
                for check in results["recommendations"]
            )
    except Exception:
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=traceback.format_exc(limit=5), finished_at=timezone.now()
        )
        raise
    return run
