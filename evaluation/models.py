"""The evaluation's intervention logic. The foundation holds only the activity types that funding refers to."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smartindustry.models import ProvenanceModel

from .choices import LeadLevel


class ActivityType(ProvenanceModel):
    """A kind of activity the programme funds and the evaluation judges (awareness, skills, …)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    lead_level = models.CharField(_("lead level"), max_length=16, choices=LeadLevel.choices, blank=True)
    target_groups = models.TextField(_("target groups"), blank=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta(ProvenanceModel.Meta):
        ordering = ["sort_order", "name"]
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        constraints = [
            *ProvenanceModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(lead_level="") | Q(lead_level__in=LeadLevel.values),
                name="%(app_label)s_%(class)s_lead_level_valid",
            ),
        ]

    def __str__(self):
        return self.name
