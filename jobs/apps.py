from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        from core.exporters import set_job_starter

        # Registers the one job task and the sweeper's task (both are sent by name: jobs.run, jobs.sweep).
        from . import tasks  # noqa: F401
        from .api.views import ExportJobs
        from .choices import JobKind
        from .exports import export_job_work
        from .registry import job_kind_register

        # Large exports become jobs of this app (core cannot import it: it sits below); an export job's work finds
        # its exporter by the registry key in its parameters (core/exporters), whatever app defined it.
        set_job_starter(ExportJobs())
        job_kind_register(JobKind.EXPORT, work=export_job_work)
