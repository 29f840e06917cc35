"""Export jobs: how a large export (core/exporters) runs as a job of kind ``export``.

core sits below this app and cannot start a job itself; it asks the starter this app hands over when it is ready
(``jobs.api.views.ExportJobs``, set in jobs/apps.py, which also registers this work for the kind). The job
stores only the exporter's registry key and its parameters
(format, query, language); its work is core's ``export_run``, which finds the exporter by that key, builds it again
for the job's owner and writes the file. No upper app's task name is involved.
"""

from django.conf import settings
from django.core.files import File

from core.exporters import ExportRefused, export_run

from .models import Job
from .services import JobOutput, JobRefused

__all__ = ["export_job_work"]


def export_job_work(job: Job, progress) -> JobOutput:
    """An export job's work: core.exporters.export_run with the job's owner and parameters; its file, named as the
    job was, goes to the job's storage. A refusal (Excel's limit, a selection that no longer validates) is the job's
    error as it is."""
    try:
        output = export_run(
            owner=job.owner,
            parameters=job.parameters,
            progress=progress,
            progress_database=settings.JOBS_PROGRESS_DATABASE,
        )
    except ExportRefused as exc:
        raise JobRefused(str(exc)) from exc
    return JobOutput(result=output.result, file=File(output.file, name=job.filename), filename=job.filename)
