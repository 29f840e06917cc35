"""Abstract building blocks shared by every app's models."""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .constants import TEXT_MAX_LENGTH, YEAR_MAX, YEAR_MIN

__all__ = [
    "YEAR_MAX",
    "YEAR_MIN",
    "bounded_text_field",
    "Provenance",
    "ProvenanceModel",
    "TimeStampedModel",
    "year_range_q",
]


class Provenance(models.TextChoices):
    PUBLISHED = "published", _("Published")
    ILLUSTRATIVE = "illustrative", _("Illustrative")


def bounded_text_field(verbose_name, *, max_length: int = TEXT_MAX_LENGTH, **kwargs) -> models.TextField:
    """Free text with a maximum length that full_clean() enforces (a TextField's max_length alone only reaches
    forms and serializers)."""
    return models.TextField(verbose_name, max_length=max_length, validators=[MaxLengthValidator(max_length)], **kwargs)


def year_range_q(field: str) -> Q:
    return Q(**{f"{field}__gte": YEAR_MIN, f"{field}__lte": YEAR_MAX})


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Optimistic concurrency: audited_save raises it by one per write and refuses a write based on an older one, so
    # two editors of the same record cannot silently overwrite each other (forms carry it, the API's ETag is it).
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    class Meta:
        abstract = True


class ProvenanceModel(TimeStampedModel):
    """Every record says where it comes from, so an illustrative figure is never shown as published."""

    provenance = models.CharField(
        _("provenance"), max_length=16, choices=Provenance.choices, default=Provenance.ILLUSTRATIVE
    )
    provenance_source = models.CharField(
        _("provenance source"),
        max_length=500,
        blank=True,
        help_text=_("Where a published fact was seen, or what an illustrative value stands in for."),
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(provenance__in=Provenance.values),
                name="%(app_label)s_%(class)s_provenance_valid",
                violation_error_message=_("Provenance must be 'published' or 'illustrative'."),
            ),
            models.CheckConstraint(
                condition=~Q(provenance=Provenance.PUBLISHED) | ~Q(provenance_source=""),
                name="%(app_label)s_%(class)s_published_has_source",
                violation_error_message=_("A published record must name its source."),
            ),
        ]

    @property
    def is_published(self) -> bool:
        return self.provenance == Provenance.PUBLISHED
