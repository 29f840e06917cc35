"""Every write of the evaluation module: keyword-only, atomic, validated and audited.

- intervention logic and norms: the bureau edits them through the core's generic record services (the admin);
- measurements: reviewable items, the one workflow of review/workflow.py (as funding records);
- follow-up actions on the recommendations;
- evaluation runs: start (records the request as a job, sent after commit) and the job's work (freezes the results).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User
from core import policy
from core.services import apply_changes, audited_save
from jobs.choices import JobKind
from jobs.models import Job
from jobs.services import job_create, job_finish
from review.workflow import (
    ClosedPeriods,
    period_check_open,
    workflow_check_edit,
    workflow_prepare_new,
)

from .choices import ActionStatus
from .filters import parse_year_window
from .models import (
    EvaluationRun,
    FollowUpAction,
    Measurement,
    Recommendation,
    RecommendationCheck,
)
from .results import evaluation_data_fingerprint, evaluation_results

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

# The steps a run reports as its job's progress: the data's fingerprint read, the results computed, both frozen.
RUN_STEPS = 3


@transaction.atomic
def evaluation_run_start(*, actor: User | None, parameters: dict | None = None) -> EvaluationRun:
    """Record a run request: a job of kind ``evaluation_run`` owned by who asked (None: the system, e.g. ``evaluate
    --save``; the bureau's alone then) and the run it computes. The job's task is sent once the request commits
    (eager without a broker); the one job runner computes the run (``evaluation_run_work``)."""
    if actor is not None:
        policy.require(actor, policy.Action.RUN_EVALUATION)
    year_min, year_max = parse_year_window(parameters)
    unknown = set(parameters or {}) - {"year_min", "year_max"}
    if unknown:
        raise ValidationError({"parameters": _("Unknown parameter(s): %(p)s.") % {"p": ", ".join(sorted(unknown))}})
    job = job_create(
        kind=JobKind.EVALUATION_RUN,
        owner=actor if actor is not None and actor.pk else None,
        # The sweeper's reason in the language of the page that started the run, as for every job.
        parameters={"language": get_language()},
    )
    return EvaluationRun.objects.create(job=job, parameters={"year_min": year_min, "year_max": year_max})


def _repeatable_read(*, outermost: bool) -> bool:
    # Fingerprint and results come from several queries; on PostgreSQL one snapshot keeps them consistent with each
    # other even while reports are being approved. (SQLite serialises writers, so it needs nothing.) Only possible
    # as the first statement of a real transaction, not inside a caller's (e.g. a test's) savepoint.
    if connection.vendor == "postgresql" and outermost:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return True
    return False


def evaluation_run_work(job: Job, progress: Callable[[int, int], None]) -> dict:
    """The work of an ``evaluation_run`` job (registered in evaluation.apps): compute the run's results from one
    snapshot of the data and freeze them.

    The snapshot only reads. The results are written, and the job finished, in a second transaction: the job's row
    gets a heartbeat every few seconds from another connection, and a REPEATABLE READ transaction that then locked
    or wrote that row would fail to serialize. A redelivery after a worker died computes the run from scratch:
    nothing of the killed attempt was stored (results and the job's end commit together).
    """
    run = EvaluationRun.objects.get(job=job)
    params = run.parameters
    progress(0, RUN_STEPS)
    outermost = not connection.in_atomic_block  # asked before the snapshot's transaction opens
    with transaction.atomic():
        snapshot = _repeatable_read(outermost=outermost)
        fingerprint, summary = evaluation_data_fingerprint(**params)
        # Progress written on this connection would be a write inside the snapshot (see above): only where progress
        # has a connection of its own (JOBS_PROGRESS_DATABASE), or where there is no snapshot.
        if not snapshot or connection.alias != settings.JOBS_PROGRESS_DATABASE:
            progress(1, RUN_STEPS)
        results = evaluation_results(**params)
    progress(2, RUN_STEPS)
    outcome = {"run": run.pk, "fingerprint": fingerprint}
    with transaction.atomic():
        run.fingerprint, run.data_summary, run.results = fingerprint, summary, results
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
        job_finish(job_id=job.pk, result=outcome)
    return outcome
