from django.db import models
from django.utils.translation import gettext_lazy as _


class LeadLevel(models.TextChoices):
    BUREAU = "bureau", _("Programme bureau")
    HUB = "hub", _("Hub")
    FIELDLAB = "fieldlab", _("Fieldlab")
