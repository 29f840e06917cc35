from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        from core.exporters import set_job_starter

        # Registers the sweeper's task (the worker's beat sends it by name).
        from . import tasks  # noqa: F401
        from .exports import ExportJobs

        # Large exports become jobs of this app (core cannot import it: it sits below).
        set_job_starter(ExportJobs())
