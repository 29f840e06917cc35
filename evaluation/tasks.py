"""Celery tasks: thin — ids in, call a service. (An evaluation run is a job kind: evaluation/apps.py registers its
work with the jobs app, and the one generic task jobs.run runs it.)"""

__all__ = ["reference_data_load_task"]

from celery import shared_task

from accounts.models import User

from .reference_data import reference_data_load


# Here rather than in registry/: the whole dataset's loader is the evaluation's (it builds on the others), and the
# registry sits below it.
@shared_task(name="evaluation.reference_data_load")
def reference_data_load_task(*, actor_id: int | None = None, update: bool = False) -> dict:
    """Load the reference dataset in the background; returns what was created/updated per model."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    report = reference_data_load(actor=actor, update=update)
    return {"created": report.created, "updated": report.updated}
