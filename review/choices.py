"""The states of everything a hub reports and the bureau reviews (funding records, measurements), and of periods.

Kept free of model imports: funding and evaluation models use these choices, and the access policy reads them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["HUB_STATUSES", "PeriodStatus", "RecordStatus", "WorkflowAction"]


class RecordStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


# Still with the hub: its coordinators may change, delete and submit these; other hubs and analysts do not see them.
HUB_STATUSES = (RecordStatus.DRAFT, RecordStatus.RETURNED)


class WorkflowAction(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return")


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
