"""Celery tasks: thin — ids in, call a service.

The services enqueue these by name (services.EVALUATION_RUN_TASK), so this module may import the services and the
services never import it back.
"""

__all__ = ["evaluation_run_task"]

from celery import shared_task

from .services import EVALUATION_RUN_TASK, evaluation_run_execute


@shared_task(name=EVALUATION_RUN_TASK)
def evaluation_run_task(run_id: int) -> int:
    evaluation_run_execute(run_id=run_id)
    return run_id
