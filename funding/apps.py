from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")

    def ready(self):
        # Registers the job tasks, so jobs.services' send-by-name (jobs.choices.JOB_TASKS) finds them in every
        # process, web included: with no broker the signature then runs the task eagerly.
        # No signal receivers: the rollups are moved by explicit calls in funding/services.py (funding/rollups.py).
        from . import tasks  # noqa: F401
