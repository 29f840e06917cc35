"""Celery tasks: thin — ids in, call a service.

The services enqueue these by name (services.EVALUATION_RUN_TASK), so this module may import the services and the
services never import it back.
"""

__all__ = ["evaluation_run_task", "reference_data_load_task"]

from celery import shared_task

from accounts.models import User
from jobs.services import job_heartbeat
from jobs.tasks import JOB_TASK_OPTIONS

from .models import EvaluationRun
from .reference_data import reference_data_load
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


# Here rather than in registry/: the whole dataset's loader is the evaluation's (it builds on the others), and the
# registry sits below it.
@shared_task(name="evaluation.reference_data_load")
def reference_data_load_task(*, actor_id: int | None = None, update: bool = False) -> dict:
    """Load the reference dataset in the background; returns what was created/updated per model."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    report = reference_data_load(actor=actor, update=update)
    return {"created": report.created, "updated": report.updated}
