"""What hubs report: the shape every reviewable item shares, and reporting periods (a hub's year, open or closed)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.constants import YEAR_MAX, YEAR_MIN
from core.models import TimeStampedModel, bounded_text_field, year_range_q
from registry.models import Hub

from .choices import HUB_STATUSES, PeriodStatus, RecordStatus

__all__ = ["ReportingPeriod", "ReviewableModel"]


class ReviewableModel(models.Model):
    """An item a hub reports and the bureau reviews (a funding record, a measurement): one workflow for all.

    The concrete model has ``hub`` and ``fieldlab`` relations (either may be empty) and its own status constraint;
    review/workflow.py moves ``status`` and fills the review fields, accounts/policy.py reads them.
    """

    # The paths from an item to the hub whose people report it (the access policy filters on them in SQL).
    policy_hub_lookups = ("hub", "fieldlab__hub")
    # What readers outside the hub see (the bureau and the hub's own people see every status).
    policy_public_statuses = (RecordStatus.SUBMITTED, RecordStatus.APPROVED)

    status = models.CharField(_("status"), max_length=16, choices=RecordStatus.choices, default=RecordStatus.DRAFT)
    review_comment = bounded_text_field(_("review comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        abstract = True

    @property
    def recipient_hub_id(self) -> int | None:
        """The hub whose coordinators report this item (the fieldlab's hub, or the hub itself); None: national."""
        if self.hub_id:
            return self.hub_id
        if self.fieldlab_id:
            return self.fieldlab.hub_id
        return None

    @property
    def is_with_hub(self) -> bool:
        return self.status in HUB_STATUSES


class ReportingPeriod(TimeStampedModel):
    """A hub's reporting year. A closed period refuses edits and workflow steps until the bureau reopens it.

    No row for a hub-year means the period is open.
    """

    # CASCADE: a period means nothing without its hub (and a hub with records cannot be deleted anyway).
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="reporting_periods", verbose_name=_("hub"))
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
    )
    status = models.CharField(_("status"), max_length=16, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "hub__name"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["hub", "year"], name="%(app_label)s_%(class)s_unique_hub_year"),
            models.CheckConstraint(condition=year_range_q("year"), name="%(app_label)s_%(class)s_year_range"),
            models.CheckConstraint(
                condition=Q(status__in=PeriodStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.hub} {self.year} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == PeriodStatus.OPEN
