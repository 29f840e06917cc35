from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")

    def ready(self):
        from jobs.choices import JobKind
        from jobs.registry import job_kind_register

        from .extensions import extensions_register
        from .jobs import funding_import_confirm_work, funding_import_preview_work

        # The registry's hub and fieldlab pages show funding through the extension points they name.
        extensions_register()

        # No signal receivers: the rollups are moved by explicit calls in funding/services.py (funding/rollups.py).

        # The work of funding's job kinds, in every process (web included: with no broker a job runs eagerly there).
        # An export is the jobs app's own kind: it finds its exporter (funding's among them) by registry key.
        job_kind_register(JobKind.IMPORT_PREVIEW, work=funding_import_preview_work)
        job_kind_register(JobKind.IMPORT_CONFIRM, work=funding_import_confirm_work)
