"""Stream or job: the one place that decides how an export leaves, and the work a background export job does.

``export_answer`` is what the portal's lists, the evaluation's downloads and the API's lists and tables call with an
exporter: up to ``stream_max_rows`` rows (EXPORT_STREAM_MAX_ROWS; for XLSX also EXPORT_XLSX_STREAM_MAX_ROWS) the file
is the answer to the request; above it a background job writes it (the interfaces then show the job: the portal its
page, the API a 202); an XLSX above Excel's sheet limit, or a big export where no job can run, is refused
(ExportRefused) with a message. Never a file cut short.

core sits below the jobs app and cannot import it: the jobs app hands its starter over when it is ready
(``set_job_starter``; jobs/exports.py). A job stores only the exporter's registry key and its parameters; its work is
``export_run``, which builds the same exporter again for the job's owner and writes the file.
"""

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, Protocol

from django.http import HttpResponse

from .base import Exporter, ExportRefused, exporter_get, stream_max_rows, too_many_rows


class ExportJobStarter(Protocol):
    """What the jobs app gives core (jobs/exports.py)."""

    def start(self, *, owner, parameters: dict, filename: str) -> Any:
        """Record a job that runs ``export_run`` with these parameters; the job (it has a ``pk``)."""

    def api_response(self, request, job) -> HttpResponse:
        """The API's answer for a started job: 202 Accepted, the job, Location naming it."""

    def page_url(self, job) -> str:
        """The portal page of the job (its progress, then the download)."""


_job_starter: ExportJobStarter | None = None


def set_job_starter(starter: ExportJobStarter | None) -> None:
    """Called by the jobs app once it is ready; None: no background exports (a big export is refused)."""
    global _job_starter
    _job_starter = starter


def job_starter() -> ExportJobStarter | None:
    return _job_starter


@dataclass(frozen=True)
class ExportAnswer:
    """What became of an export request: the file (``response``) or the job that writes it."""

    response: HttpResponse | None = None
    job: Any = None


def _check(exporter: Exporter) -> int:
    count = exporter.count()
    refused = exporter.refusal(count)
    if refused is not None:
        raise refused
    return count


def export_answer(exporter: Exporter) -> ExportAnswer:
    """Stream the file, or start the job that writes it. ExportRefused (ExportInvalid for a bad selection) when
    neither can be done."""
    count = _check(exporter)
    limit = stream_max_rows(exporter.format)
    if count <= limit:
        return ExportAnswer(response=exporter.response())
    if _job_starter is None:
        raise ExportRefused(too_many_rows(count, limit))
    job = _job_starter.start(
        owner=exporter.user, parameters=exporter.parameters(rows=count), filename=exporter.file_name()
    )
    return ExportAnswer(job=job)


@dataclass
class ExportFile:
    """What an export job made: the file (a temporary file, at its start), its name and the job's result."""

    file: IO[bytes]
    filename: str
    result: dict


class Progress:
    """A job's progress callback for one export, and the database connection it writes on (None: unknown, assumed
    the default one)."""

    def __init__(self, report: Callable[[int, int], None], total: int, database: str | None = None):
        self.report, self.total, self.database = report, total, database

    def __call__(self, done: int) -> None:
        self.report(done, self.total)

    def shares_connection(self, alias: str) -> bool:
        """Whether reporting would write on ``alias`` — the connection a PostgreSQL COPY holds to its last row, so
        progress written on it would wait for ever."""
        return (self.database or "default") == alias


def export_run(
    *, owner, parameters: dict, progress: Callable[[int, int], None], progress_database: str | None = None
) -> ExportFile:
    """A background export job's work: the exporter the parameters name (its registry key), built again for the
    job's owner with the stored query and format, writes its file. ``progress(done, total)`` as rows are written;
    ``progress_database``: the connection alias ``progress`` writes on. ExportRefused for what people can act on."""
    exporter_class = exporter_get(parameters.get("exporter", ""))
    exporter = exporter_class(user=owner, query=parameters.get("query") or {}, fmt=parameters.get("format", "csv"))
    total = _check(exporter)
    progress(0, total)
    output = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the job's storage, which closes it)
    try:
        rows = exporter.write(output, progress=Progress(progress, total, progress_database))
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return ExportFile(file=output, filename=exporter.file_name(), result={"rows": rows})
