from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")

    def ready(self):
        # Registers the job tasks, so jobs.services' send-by-name (jobs.choices.JOB_TASKS) finds them in every
        # process, web included: with no broker the signature then runs the task eagerly.
        from . import tasks  # noqa: F401
        from .extensions import extensions_register
        from .rollups import rollup_signals_connect

        # The registry's hub and fieldlab pages show funding through the extension points they name.
        extensions_register()

        # Every save and delete of a funding record keeps the approved-funding rollups, in its own transaction.
        rollup_signals_connect()
