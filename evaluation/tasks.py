"""Celery tasks: thin — ids in, call a service."""

from celery import shared_task


@shared_task(name="evaluation.run")
def evaluation_run_task(run_id: int) -> int:
    from .services import evaluation_run_execute

    evaluation_run_execute(run_id=run_id)
    return run_id
