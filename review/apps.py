from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """The review machinery beneath funding and evaluation: reviewable items, reporting periods, the one workflow.

    The hub-year report that reads and writes both funding records and measurements sits above them, in
    ``reporting``."""

    name = "review"
    verbose_name = _("Review")
