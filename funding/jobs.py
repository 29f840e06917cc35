"""The work of funding's job kinds (import check, import), registered with the jobs app in
funding.apps.FundingConfig.ready(): the one job task (jobs.tasks) finds it by the job's kind and runs it through
jobs.services.job_run, which records start, progress, the result or the reason it failed."""

from jobs.models import Job
from jobs.services import JobRefused

from .importers import ImportFileError, funding_records_import, read_rows

__all__ = ["funding_import_confirm_work", "funding_import_preview_work"]


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
def funding_import_preview_work(job: Job, progress) -> dict:
    return _import(job, progress, dry_run=True)


def funding_import_confirm_work(job: Job, progress) -> dict:
    return _import(job, progress, dry_run=False)
