"""The work of funding's job kinds (import check, import, export), registered with the jobs app in
funding.apps.FundingConfig.ready(): the one job task (jobs.tasks) finds it by the job's kind and runs it through
jobs.services.job_run, which records start, progress, the result or the reason it failed."""

import tempfile

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _

from core.api.renderers import EXPORT_PROGRESS_ROWS, CSVRenderer, XLSXRenderer
from core.constants import EXPORT_CHUNK_SIZE
from core.exporters import rows_write
from jobs.models import Job
from jobs.services import JobOutput, JobRefused

from . import threesixtygiving
from .choices import RecordStatus
from .exports import (
    FUNDING_RECORD_EXPORT,
    FUNDING_RECORD_ORDERING,
    PORTAL_EXPORT,
    THREESIXTYGIVING_EXPORT,
    batched,
    funding_records_export_queryset,
)
from .importers import ImportFileError, funding_records_import, read_rows
from .tables import FundingRecordTable

__all__ = ["funding_export_work", "funding_import_confirm_work", "funding_import_preview_work"]


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


# Safe to run again after a worker died: an export only reads, and a redelivered task writes the file anew.
def funding_export_work(job: Job, progress) -> JobOutput:
    """Write the export the request described (its owner's rows, its filters, columns and format) to a file."""
    parameters = job.parameters
    try:
        queryset = funding_records_export_queryset(user=job.owner, query=parameters.get("query", {}))
    except ValueError as exc:
        raise JobRefused(str(exc)) from exc
    names = parameters.get("fields")
    if parameters.get("list") == THREESIXTYGIVING_EXPORT:
        return _threesixtygiving_export(job, queryset, progress)
    total = queryset.count()
    progress(0, total)
    if parameters.get("list") == PORTAL_EXPORT:
        return _portal_export(job, queryset, total, progress)
    # Handed to the job's storage by job_finish; the temporary file goes away when it is closed (garbage collected).
    output = tempfile.TemporaryFile()  # noqa: SIM115
    if parameters.get("format") == "xlsx":
        rows = XLSXRenderer().write(
            FUNDING_RECORD_EXPORT.header(names),
            FUNDING_RECORD_EXPORT.rows(queryset, names),
            output,
            progress=lambda done: progress(done, total),
        )
    else:
        rows = 0
        # A COPY holds its connection until the last row: progress written on that same connection would wait for
        # it for ever. Progress has its own connection in a real worker on PostgreSQL (JOBS_PROGRESS_DATABASE,
        # "jobs"); where it has not (tests), the heartbeat and the final result are what the page shows.
        report = queryset.db != settings.JOBS_PROGRESS_DATABASE or not FUNDING_RECORD_EXPORT.copy_supported(queryset)

        def counted(lines):
            nonlocal rows
            for line in lines:
                rows += 1
                if report and rows % EXPORT_PROGRESS_ROWS == 0:
                    progress(rows, total)
                yield line

        output.write(CSVRenderer.header_line(FUNDING_RECORD_EXPORT.header(names)))
        for chunk in batched(counted(FUNDING_RECORD_EXPORT.csv_lines(queryset, names))):
            output.write(chunk)
    output.seek(0)
    return JobOutput(result={"rows": rows}, file=File(output, name=job.filename), filename=job.filename)


def _portal_export(job: Job, queryset, total: int, progress) -> JobOutput:
    """The portal's "export this view" of the funding list: its table's columns, sort and BOM, as the streamed file
    (core/exporters.py) has them; model instances, as the list's table reads them."""
    parameters = job.parameters
    queryset = queryset.select_related("fieldlab", "hub", "bureau", "funder", "activity_type").order_by(
        *parameters.get("ordering") or FUNDING_RECORD_ORDERING
    )
    output = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the job's storage; see funding_export_work)
    rows = rows_write(
        parameters.get("format", "csv"),
        header=FundingRecordTable.export_keys(),
        rows=FundingRecordTable.export_rows(queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE)),
        fileobj=output,
        progress=lambda done: progress(done, total),
    )
    output.seek(0)
    return JobOutput(result={"rows": rows}, file=File(output, name=job.filename), filename=job.filename)


def _threesixtygiving_export(job: Job, queryset, progress) -> JobOutput:
    """The 360Giving export of the approved records in the selection: the same JSON package or spreadsheet the API
    streams for a smaller selection (funding/threesixtygiving.py), written to a file."""
    records = queryset.filter(status=RecordStatus.APPROVED).select_related(
        "fieldlab__hub", "hub", "bureau", "funder", "activity_type"
    )
    total = records.count()
    progress(0, total)
    if not total:
        raise JobRefused(
            _("No approved funding records match this selection; a 360Giving package holds at least one grant.")
        )
    rows = 0

    def counted(iterable):
        nonlocal rows
        for item in iterable:
            rows += 1
            if rows % EXPORT_PROGRESS_ROWS == 0:
                progress(rows, total)
            yield item

    stream = counted(records.iterator(chunk_size=EXPORT_CHUNK_SIZE))
    output = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the job's storage; see funding_export_work)
    fmt = job.parameters.get("format")
    if fmt == "xlsx":
        XLSXRenderer().write(threesixtygiving.CSV_HEADER, (threesixtygiving.spreadsheet_row(r) for r in stream), output)
    elif fmt == "csv":
        lines = CSVRenderer.iter_lines(
            threesixtygiving.CSV_HEADER, (threesixtygiving.spreadsheet_row(r) for r in stream)
        )
        for chunk in batched(line.encode("utf-8") for line in lines):
            output.write(chunk)
    else:
        for chunk in batched(threesixtygiving.iter_json_package(stream)):
            output.write(chunk)
    output.seek(0)
    return JobOutput(result={"rows": rows}, file=File(output, name=job.filename), filename=job.filename)
