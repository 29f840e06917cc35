from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        # Registers the one job task and the sweeper's task (both are sent by name: jobs.run, jobs.sweep).
        from . import tasks  # noqa: F401
