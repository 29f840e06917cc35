"""Every write to a job: create, start, progress, finish, fail, and the sweep of jobs nobody is running any more.

A job's work runs inside its own transaction (an import is all or nothing). Progress written on that connection
would stay invisible until the end, so it goes through JOBS_PROGRESS_DATABASE: on PostgreSQL the ``jobs`` alias, a
second connection to the same database (settings.base), committed at once. Without it (SQLite, the embedded
default, where tasks run eagerly inside the request anyway) progress is written on the default connection. The
heartbeat has a thread of its own (``job_heartbeat``), so it also beats while the work waits on the database.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from celery import signature
from django.conf import settings
from django.core.files.base import File
from django.db import connections, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User

from .choices import FINISHED, JobStatus
from .models import Job
from .registry import Work, job_kind_work

logger = logging.getLogger(__name__)

__all__ = [
    "JOB_RUN_TASK",
    "JobGone",
    "JobOutput",
    "JobRefused",
    "job_create",
    "job_enqueue",
    "job_fail",
    "job_heartbeat",
    "job_finish",
    "job_progress",
    "job_run",
    "job_start",
    "jobs_sweep",
]


class JobGone(Exception):
    """The job is finished (or taken by a live worker): a redelivered or duplicate task must not run it again."""


# The one Celery task that runs every job (jobs/tasks.py), sent by name: this module may not import the task module,
# which imports it. It finds the job's work by its kind (jobs/registry.py).
JOB_RUN_TASK = "jobs.run"


def _progress_alias() -> str:
    return settings.JOBS_PROGRESS_DATABASE


@transaction.atomic
def job_create(
    *,
    kind: str,
    owner: User | None,
    file: File | None = None,
    stored_file: str = "",
    filename: str = "",
    parameters: dict | None = None,
) -> Job:
    """Record a job and send its task once the caller's transaction commits. ``owner``: who may see it besides the
    bureau (None: the bureau only). ``file``: an upload to store with the job; ``stored_file``: a file already stored
    (an import's confirm job reads its preview's file)."""
    job = Job(kind=kind, owner=owner, parameters=parameters or {}, filename=filename or getattr(file, "name", ""))
    job.sent_at = timezone.now()  # sent when this transaction commits
    job.full_clean(exclude=["file"])
    if file is not None:
        job.file.save(job.filename or "upload", file, save=False)
    elif stored_file:
        job.file.name = stored_file
    job.save()
    job_enqueue(job=job)
    return job


def job_enqueue(*, job: Job) -> None:
    """Send the one job task with the job id only (eager without a broker). robust: a broker that is down must not
    fail the request; the sweeper re-sends pending jobs."""
    transaction.on_commit(lambda: signature(JOB_RUN_TASK, args=(job.pk,)).delay(), robust=True)


@transaction.atomic
def job_start(*, job_id: int) -> Job:
    """Take the job for this worker. A redelivered task (acks_late after a worker died) takes a running job over
    once its heartbeat is stale; a finished job, or one a live worker holds, raises JobGone."""
    job = Job.objects.select_for_update().get(pk=job_id)
    now = timezone.now()
    if job.status in FINISHED:
        raise JobGone(job_id)
    fresh = now - timedelta(seconds=settings.JOBS_HEARTBEAT_SECONDS * 2)
    if job.status == JobStatus.RUNNING and job.heartbeat_at and job.heartbeat_at > fresh:
        raise JobGone(job_id)
    job.status, job.started_at, job.heartbeat_at, job.done = JobStatus.RUNNING, now, now, 0
    job.attempts += 1
    job.save(update_fields=["status", "started_at", "heartbeat_at", "done", "attempts", "updated_at"])
    return job


@contextmanager
def job_heartbeat(*, queryset: QuerySet, every: float | None = None) -> Iterator[None]:
    """While the body runs, a thread stamps ``heartbeat_at`` on the queryset's rows every few seconds, on its own
    connection (committed at once). A worker that dies takes the thread with it, so the stamps stop and the sweeper
    ends the job. Only in a real worker: an eager task runs inside a request (and SQLite allows one writer)."""
    every = every or settings.JOBS_HEARTBEAT_SECONDS
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                queryset.update(heartbeat_at=timezone.now())
        except Exception:  # a database outage: the stamps stop and the sweeper decides, the work goes on
            logger.warning("Job heartbeat stopped", exc_info=True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, name="job-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)


def job_progress(*, job_id: int, done: int, total: int) -> None:
    """Progress and a heartbeat, committed at once on the progress connection (visible while the work runs)."""
    now = timezone.now()
    Job.objects.using(_progress_alias()).filter(pk=job_id, status=JobStatus.RUNNING).update(
        done=done, total=total, heartbeat_at=now, updated_at=now
    )


@transaction.atomic
def job_finish(*, job_id: int, result: dict, file: File | None = None, filename: str = "") -> Job:
    """End a job as done with its result. A kind whose result lives in rows of its own (an evaluation run) calls
    this inside the transaction that writes them, so the rows and the job's end commit together; job_run's own call
    afterwards finds the job done and leaves it as it is."""
    job = Job.objects.select_for_update().get(pk=job_id)
    if job.status == JobStatus.DONE:
        return job
    if file is not None:
        job.file.save(filename or "result", file, save=False)
        job.filename = filename
    now = timezone.now()
    job.status, job.result, job.error, job.finished_at, job.heartbeat_at = JobStatus.DONE, result, "", now, now
    job.done = max(job.done, job.total)
    job.save()
    return job


@transaction.atomic
def job_fail(*, job_id: int, error: str) -> Job:
    """End a job as failed with a reason for people. Only pending or running jobs change."""
    job = Job.objects.select_for_update().get(pk=job_id)
    if job.status not in FINISHED:
        now = timezone.now()
        job.status, job.error, job.finished_at = JobStatus.FAILED, error or _("The job failed."), now
        job.save(update_fields=["status", "error", "finished_at", "updated_at"])
    return job


@dataclass
class JobOutput:
    """What a job's work may return besides a plain result: a file to offer for download (an export)."""

    result: dict
    file: File | None = None
    filename: str = ""


class JobRefused(Exception):
    """Raised by a job's work for a reason people can act on (a file too large, a column missing): the message is
    the job's error as it is."""


def job_run(*, job_id: int, beat: bool = True, work: Work | None = None) -> Job | None:
    """Start the job, run ``work(job, progress)``, and finish or fail it: the one task (jobs.tasks) runs every job
    through here. ``work``: the work registered for the job's kind (jobs/registry.py) unless given.

    ``JobRefused`` becomes the job's error as written; any other exception is logged with its traceback and the job
    gets a message without it. Time limits: Celery's soft limit raises SoftTimeLimitExceeded inside the work (a
    failure with a reason); the hard limit kills the process, and the sweeper ends the job.
    """
    try:
        job = job_start(job_id=job_id)
    except (JobGone, Job.DoesNotExist):
        logger.info("Job %s is finished, gone or taken by a live worker; not run again", job_id)
        return None

    def progress(done: int, total: int) -> None:
        job_progress(job_id=job_id, done=done, total=total)

    # The language of the page that started the job: row errors and messages read as they would have in the request.
    with translation.override(job.parameters.get("language") or settings.LANGUAGE_CODE):
        try:
            work = work or job_kind_work(job.kind)
            if beat:
                with job_heartbeat(queryset=Job.objects.filter(pk=job_id)):
                    result = work(job, progress)
            else:
                result = work(job, progress)
        except JobRefused as exc:
            return job_fail(job_id=job_id, error=str(exc))
        except Exception as exc:
            logger.exception("Job %s (%s) failed", job_id, job.kind)
            name = type(exc).__name__
            if name == "SoftTimeLimitExceeded":
                message = _("The job took longer than %(n)s seconds and was stopped. Try a smaller file or selection.")
                return job_fail(job_id=job_id, error=message % {"n": settings.JOBS_SOFT_TIME_LIMIT})
            message = _("The job failed unexpectedly (%(name)s). The log has the details.")
            return job_fail(job_id=job_id, error=message % {"name": name})
    output = result if isinstance(result, JobOutput) else JobOutput(result=result)
    try:
        return job_finish(job_id=job_id, result=output.result, file=output.file, filename=output.filename)
    except Exception as exc:  # the result could not be stored: the job must still end, with a reason
        logger.exception("Job %s (%s): the result could not be stored", job_id, job.kind)
        message = _("The job's result could not be stored (%(name)s). The log has the details.")
        return job_fail(job_id=job_id, error=message % {"name": type(exc).__name__})


def jobs_sweep(*, now=None) -> dict:
    """End or re-send the jobs nobody is running.

    - running, no heartbeat for JOBS_STALE_MINUTES: its worker died (kill -9, out of memory, the hard time limit, a
      database that went away mid-job): failed, with that reason.
    - pending for JOBS_PENDING_RESEND_MINUTES: its task was never delivered (Redis was down or restarted without
      persistence): sent again, and again only when its last sending (``sent_at``) is JOBS_PENDING_RESEND_MINUTES
      old, so a backed-up queue does not collect a duplicate per sweep. Pending for JOBS_PENDING_GIVE_UP_MINUTES:
      failed.
    """
    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.JOBS_STALE_MINUTES)
    counts = {"failed_stale": 0, "resent": 0, "failed_pending": 0}
    # The reason is written in the language of the page that started the job, as the job's own messages are.
    running = Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=stale)
    for job_id, language in running.values_list("pk", "parameters__language"):
        with translation.override(language or settings.LANGUAGE_CODE):
            error = _(
                "The worker running this job stopped answering (no sign of life for %(n)s minutes). Nothing was "
                "saved; start it again."
            ) % {"n": settings.JOBS_STALE_MINUTES}
        job_fail(job_id=job_id, error=error)
        counts["failed_stale"] += 1
    give_up = now - timedelta(minutes=settings.JOBS_PENDING_GIVE_UP_MINUTES)
    pending = Job.objects.filter(status=JobStatus.PENDING, created_at__lt=give_up)
    for job_id, language in pending.values_list("pk", "parameters__language"):
        with translation.override(language or settings.LANGUAGE_CODE):
            error = _("The job never started: the task queue did not deliver it for %(n)s minutes. Start it again.") % {
                "n": settings.JOBS_PENDING_GIVE_UP_MINUTES
            }
        job_fail(job_id=job_id, error=error)
        counts["failed_pending"] += 1
    resend = now - timedelta(minutes=settings.JOBS_PENDING_RESEND_MINUTES)
    not_sent_lately = Q(sent_at__isnull=True) | Q(sent_at__lt=resend)
    for job in Job.objects.filter(not_sent_lately, status=JobStatus.PENDING, created_at__lt=resend):
        with transaction.atomic():
            # Compare and set: of two sweepers (or a sweep and a re-send in flight), one sends.
            if not Job.objects.filter(not_sent_lately, pk=job.pk, status=JobStatus.PENDING).update(sent_at=now):
                continue
            job_enqueue(job=job)
        counts["resent"] += 1
    return counts
