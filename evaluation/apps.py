from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        # Inside ready() because the app registry must be complete before models load: registers the Celery task
        # so the services' enqueue-by-name (services.EVALUATION_RUN_TASK) finds it in every process, web included.
        from . import tasks  # noqa: F401
