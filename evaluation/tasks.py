"""Celery tasks: thin — ids in, call a service.

The services enqueue these by name (services.EVALUATION_RUN_TASK), so this module may import the services and the
services never import it back.
"""

__all__ = ["evaluation_run_task"]

from celery import shared_task

from jobs.services import job_heartbeat
from jobs.tasks import JOB_TASK_OPTIONS

from .models import EvaluationRun
from .services import EVALUATION_RUN_TASK, evaluation_run_execute


@shared_task(bind=True, name=EVALUATION_RUN_TASK, **JOB_TASK_OPTIONS)
def evaluation_run_task(self, run_id: int) -> int:
    # A run is one transaction: a redelivery after a worker died computes it again from scratch (safe to repeat).
    if self.request.is_eager:
        evaluation_run_execute(run_id=run_id)
    else:
        with job_heartbeat(queryset=EvaluationRun.objects.filter(pk=run_id)):
            evaluation_run_execute(run_id=run_id)
    return run_id
