from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        # Inside ready() because the app registry must be complete before models load. An evaluation run is a job:
        # its work is registered under its kind, in every process (web included: with no broker it runs eagerly).
        from jobs.choices import JobKind
        from jobs.registry import job_kind_register

        from .services import evaluation_run_work

        job_kind_register(JobKind.EVALUATION_RUN, work=evaluation_run_work)
