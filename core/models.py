"""Abstract building blocks shared by every app's models."""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .constants import TEXT_MAX_LENGTH, YEAR_MAX, YEAR_MIN

__all__ = [
    "YEAR_MAX",
    "YEAR_MIN",
    "Bilingual",
    "bounded_text_field",
    "localized_values",
    "Provenance",
    "ProvenanceModel",
    "TimeStampedModel",
    "year_range_q",
]


class Provenance(models.TextChoices):
    PUBLISHED = "published", _("Published")
    ILLUSTRATIVE = "illustrative", _("Illustrative")


class Bilingual:
    """Reference text in Dutch and English: ``name`` (or ``title`` …) holds the English text, the model's key in
    files, imports and the API; ``name_nl`` holds the Dutch. ``localized("name")`` answers the text in the active
    language, the English where no Dutch is stored. Chosen over django-modeltranslation: two languages, a handful
    of reference models, and no monkey-patched descriptors between the history tables and the admin."""

    def localized(self, field: str) -> str:
        if (get_language() or "").startswith("nl"):
            return getattr(self, f"{field}_nl", "") or getattr(self, field)
        return getattr(self, field)


def localized_values(model, field: str = "name", key: str = "code") -> dict:
    """``{code: text in the active language}`` of a bilingual model, in one query."""
    dutch = (get_language() or "").startswith("nl")
    return {k: (nl or en) if dutch else en for k, en, nl in model.objects.values_list(key, field, f"{field}_nl")}


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
