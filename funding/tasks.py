"""Background work of the funding pages. Thin: parse nothing, call the import service, report progress."""

from celery import shared_task

from accounts.models import User

from .importers import funding_records_import


@shared_task(bind=True)
def funding_import_task(self, *, rows: list[dict], actor_id: int) -> dict:
    actor = User.objects.get(pk=actor_id)

    def progress(done: int, total: int) -> None:
        if not self.request.called_directly and not self.request.is_eager:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return funding_records_import(rows=rows, actor=actor, dry_run=False, progress=progress).as_dict()
