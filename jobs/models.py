"""A job: one piece of long work (import check, import, large export, evaluation run) as a row that outlives the
worker."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .choices import FINISHED, JobKind, JobStatus


class Job(TimeStampedModel):
    # The policy shows a job to its owner and the bureau only (accounts/policy.py reads this name).
    policy_owner_field = "owner"

    kind = models.CharField(_("kind"), max_length=32, choices=JobKind.choices)
    # Empty for a job the system started (``manage.py evaluate --save``) or whose account was deleted: the bureau's
    # alone then. SET_NULL, not CASCADE: an evaluation run is evidence and outlives the account that started it, and
    # its status and times live on its job.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("owner"),
    )
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True)
    # For people: what went wrong and what to do. Never a traceback (it may name hosts and ports); that is logged.
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to="jobs/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # When its task was last sent (created, or re-sent by the sweeper): the sweeper re-sends a pending job at most
    # once per JOBS_PENDING_RESEND_MINUTES, not on every sweep.
    sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="jobs_status_heartbeat")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=JobKind.values), name="%(app_label)s_%(class)s_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=JobStatus.FAILED) | ~Q(error=""), name="%(app_label)s_%(class)s_failed_has_error"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.finished else 0)
