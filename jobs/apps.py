from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        # Registers the sweeper's task (the worker's beat sends it by name).
        from . import tasks  # noqa: F401
