"""The one task that runs every job, and the sweeper's task (the worker's beat runs it every JOBS_SWEEP_SECONDS).

The work of each kind is registered by the app that does it (jobs/registry.py); this task only knows the job's id.
"""

from celery import shared_task
from django.conf import settings

from .services import JOB_RUN_TASK, job_run, jobs_sweep

__all__ = ["JOB_TASK_OPTIONS", "job_run_task", "jobs_sweep_task"]

# Acknowledge when done (a worker killed mid-job leaves the task for redelivery), give it back if the worker process
# is lost, and bound its time. No automatic retry: a job that failed for a reason says so; the sweeper and a
# redelivery cover the worker that died (safe: every job's work is one transaction, all or nothing, or only reads).
JOB_TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": settings.JOBS_SOFT_TIME_LIMIT,
    "time_limit": settings.JOBS_HARD_TIME_LIMIT,
    # The job row is the result: no result backend to write, and none to reach when the task is sent.
    "ignore_result": True,
}


@shared_task(bind=True, name=JOB_RUN_TASK, **JOB_TASK_OPTIONS)
def job_run_task(self, job_id: int) -> None:
    # The heartbeat thread only in a real worker: an eager task runs inside the request (and SQLite allows one writer).
    job_run(job_id=job_id, beat=not self.request.is_eager)


@shared_task(name="jobs.sweep")
def jobs_sweep_task() -> dict:
    return jobs_sweep()
