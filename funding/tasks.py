"""Background work of the funding pages, as jobs (jobs/): the task gets a job id, reads the job's stored file, and
calls the import service; jobs.services.job_run records start, progress, the result or the reason it failed."""

from celery import shared_task

from jobs.choices import JOB_TASKS, JobKind
from jobs.exports import export_job_work
from jobs.models import Job
from jobs.services import JobRefused, job_run
from jobs.tasks import JOB_TASK_OPTIONS

from .importers import ImportFileError, funding_records_import, read_rows

__all__ = ["funding_export_task", "funding_import_confirm_task", "funding_import_preview_task"]


def _import(job: Job, progress, *, dry_run: bool) -> dict:
    with job.file.open("rb") as stored:
        content = stored.read()  # bounded: the upload was checked (importers.check_file) and read_rows checks again
    try:
        rows = read_rows(name=job.filename, content=content)
    except ImportFileError as exc:
        raise JobRefused(str(exc)) from exc
    progress(0, len(rows))
    result = funding_records_import(rows=rows, actor=job.owner, dry_run=dry_run, progress=progress).as_dict()
    if dry_run:
        # Every row is kept for the paged preview (jobs/views.py), as lists in the columns' order: the file's own
        # text, before labels become codes. A NUL byte (that row's error) cannot be stored in PostgreSQL's JSON, so
        # it is shown as ␀.
        columns = list(rows[0]) if rows else []
        result["columns"] = columns
        result["rows"] = [
            [
                value.replace("\x00", "\N{SYMBOL FOR NULL}") if isinstance(value, str) else value
                for value in (row.get(column, "") for column in columns)
            ]
            for row in rows
        ]
    return result


# Safe to run again after a worker died (acks_late redelivery): the import is one transaction, all rows or none.
@shared_task(bind=True, name=JOB_TASKS[JobKind.IMPORT_PREVIEW], **JOB_TASK_OPTIONS)
def funding_import_preview_task(self, job_id: int) -> None:
    job_run(
        job_id=job_id, beat=not self.request.is_eager, work=lambda job, progress: _import(job, progress, dry_run=True)
    )


@shared_task(bind=True, name=JOB_TASKS[JobKind.IMPORT_CONFIRM], **JOB_TASK_OPTIONS)
def funding_import_confirm_task(self, job_id: int) -> None:
    job_run(
        job_id=job_id, beat=not self.request.is_eager, work=lambda job, progress: _import(job, progress, dry_run=False)
    )


# Every export job (any registered exporter, found by the key in its parameters: core/exporters, jobs/exports.py),
# under the task name jobs have always been sent by. Safe to run again after a worker died: an export only reads,
# and a redelivered task writes the file anew.
@shared_task(bind=True, name=JOB_TASKS[JobKind.EXPORT], **JOB_TASK_OPTIONS)
def funding_export_task(self, job_id: int) -> None:
    job_run(job_id=job_id, beat=not self.request.is_eager, work=export_job_work)
