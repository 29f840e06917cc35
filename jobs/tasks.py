"""The sweeper's task (the worker's beat runs it every JOBS_SWEEP_SECONDS) and the options every job task carries."""

from celery import shared_task
from django.conf import settings

from evaluation.services import evaluation_runs_sweep

from .services import jobs_sweep

__all__ = ["JOB_TASK_OPTIONS", "jobs_sweep_task"]

# Acknowledge when done (a worker killed mid-job leaves the task for redelivery), give it back if the worker process
# is lost, and bound its time. No automatic retry: a job that failed for a reason says so; the sweeper and a
# redelivery cover the worker that died (safe: every job's work is one transaction, all or nothing).
JOB_TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": settings.JOBS_SOFT_TIME_LIMIT,
    "time_limit": settings.JOBS_HARD_TIME_LIMIT,
    # The job row is the result: no result backend to write, and none to reach when the task is sent.
    "ignore_result": True,
}


@shared_task(name="jobs.sweep")
def jobs_sweep_task() -> dict:
    return {**jobs_sweep(), **{f"runs_{key}": n for key, n in evaluation_runs_sweep().items()}}
