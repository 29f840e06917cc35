"""Thin Celery tasks: ids and flags in, a service does the work."""

__all__ = ["reference_data_load_task"]

from celery import shared_task

from accounts.models import User
from evaluation.reference_data import reference_data_load


@shared_task(name="registry.reference_data_load")
def reference_data_load_task(*, actor_id: int | None = None, update: bool = False) -> dict:
    """Load the reference dataset in the background; returns what was created/updated per model."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    report = reference_data_load(actor=actor, update=update)
    return {"created": report.created, "updated": report.updated}
