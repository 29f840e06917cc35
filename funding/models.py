"""Funders and funding records. (Reporting periods belong to the reporting app.)"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Fieldlab, Hub, ProgrammeBureau, Province
from reporting.models import ReviewableModel
from smartindustry.models import YEAR_MAX, YEAR_MIN, ProvenanceModel, bounded_text_field, year_range_q

from .choices import FunderKind, FundingKind, Realisation, RecipientKind, RecordStatus, Source

year_validators = [MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
# Words in a funder's name that say it contributes in kind, not in cash (Dutch and English).
IN_KIND_FUNDER_MARKERS = ("(in natura)", "in natura", "in kind", "in-kind")

lazy_year_range_message = lazy(
    lambda: _("The year is outside %(min)s–%(max)s.") % {"min": YEAR_MIN, "max": YEAR_MAX}, str
)


class Funder(ProvenanceModel):
    """A named organisation that puts money in: a province, ERDF/EFRO, TNO, a company …"""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    kind = models.CharField(_("kind"), max_length=32, choices=FunderKind.choices, default=FunderKind.OTHER)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="funders", verbose_name=_("province")
    )
    history = HistoricalRecords()

    class Meta(ProvenanceModel.Meta):
        ordering = ["name"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        constraints = [
            *ProvenanceModel.Meta.constraints,
            models.CheckConstraint(condition=Q(source__in=Source.values), name="%(app_label)s_%(class)s_source_valid"),
            models.CheckConstraint(condition=Q(kind__in=FunderKind.values), name="%(app_label)s_%(class)s_kind_valid"),
        ]

    def __str__(self):
        return self.name

    @property
    def gives_in_kind(self) -> bool:
        """A funder that stands for in-kind contributions ("… (in natura)"): its records cannot be cash."""
        name = self.name.casefold()
        return any(marker in name for marker in IN_KIND_FUNDER_MARKERS)


class FundingRecordQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=RecordStatus.APPROVED)

    def for_recipient_kind(self, kind: str):
        return self.filter(**{f"{kind}__isnull": False})


class FundingRecord(ReviewableModel, ProvenanceModel):
    """One amount from one source to one recipient in one year. Only approved records count in evaluations."""

    # Exactly one recipient (database check below). PROTECT: money records must outlive edits to organisations.
    fieldlab = models.ForeignKey(
        Fieldlab, on_delete=models.PROTECT, null=True, blank=True, related_name="funding_records"
    )
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, null=True, blank=True, related_name="funding_records")
    bureau = models.ForeignKey(
        ProgrammeBureau, on_delete=models.PROTECT, null=True, blank=True, related_name="funding_records"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    funder = models.ForeignKey(
        Funder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_records",
        verbose_name=_("funder"),
    )
    amount = models.DecimalField(
        _("amount (EUR)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    kind = models.CharField(_("cash or in kind"), max_length=16, choices=FundingKind.choices, default=FundingKind.CASH)
    realisation = models.CharField(
        _("planned or realised"), max_length=16, choices=Realisation.choices, default=Realisation.REALISED
    )
    activity_type = models.ForeignKey(
        "evaluation.ActivityType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_records",
        verbose_name=_("activity type"),
    )
    evidence_note = bounded_text_field(_("evidence"), blank=True)
    history = HistoricalRecords()

    objects = FundingRecordQuerySet.as_manager()

    class Meta(ProvenanceModel.Meta):
        ordering = ["year", "source", "id"]
        verbose_name = _("funding record")
        verbose_name_plural = _("funding records")
        constraints = [
            *ProvenanceModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="%(app_label)s_%(class)s_amount_non_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(fieldlab__isnull=False, hub__isnull=True, bureau__isnull=True)
                | Q(fieldlab__isnull=True, hub__isnull=False, bureau__isnull=True)
                | Q(fieldlab__isnull=True, hub__isnull=True, bureau__isnull=False),
                name="%(app_label)s_%(class)s_one_recipient",
                violation_error_message=_(
                    "A funding record has exactly one recipient: a fieldlab, a hub or the bureau."
                ),
            ),
            models.CheckConstraint(
                condition=Q(source__in=Source.values),
                name="%(app_label)s_%(class)s_source_valid",
                violation_error_message=_("Unknown source code."),
            ),
            models.CheckConstraint(
                condition=year_range_q("year"),
                name="%(app_label)s_%(class)s_year_range",
                # Interpolated lazily: formatting at import would freeze the message in the language active then
                # (Dutch under the default settings), and makemigrations would see a change that is not there.
                violation_error_message=lazy_year_range_message(),
            ),
            models.CheckConstraint(condition=Q(kind__in=FundingKind.values), name="%(app_label)s_%(class)s_kind_valid"),
            models.CheckConstraint(
                condition=Q(realisation__in=Realisation.values), name="%(app_label)s_%(class)s_realisation_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RecordStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            # NULL never equals NULL in a plain unique index, so the optional columns are coalesced to 0.
            models.UniqueConstraint(
                Coalesce("fieldlab", Value(0), output_field=models.BigIntegerField()),
                Coalesce("hub", Value(0), output_field=models.BigIntegerField()),
                Coalesce("bureau", Value(0), output_field=models.BigIntegerField()),
                "year",
                "source",
                Coalesce("funder", Value(0), output_field=models.BigIntegerField()),
                "kind",
                "realisation",
                name="%(app_label)s_%(class)s_unique_entry",
                violation_error_message=_(
                    "This recipient already has a record for this year, source, funder, kind and realisation."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "year", "source"]),
            models.Index(fields=["fieldlab", "year"]),
            models.Index(fields=["hub", "year"]),
            # The lists' orderings (the default and each one offered, each ending in the primary key as the lists
            # do), so a page reads 50 index entries instead of sorting every row. Status is included so that the
            # policy's status filter and a deep page's primary-key subquery can be answered from the index alone.
            models.Index(fields=["year", "source", "id"], include=["status"], name="funding_rec_list_default"),
            models.Index(fields=["year", "id"], include=["status"], name="funding_rec_list_year"),
            models.Index(fields=["amount", "id"], include=["status"], name="funding_rec_list_amount"),
            models.Index(fields=["source", "id"], include=["status"], name="funding_rec_list_source"),
            models.Index(fields=["status", "id"], name="funding_rec_list_status"),
            models.Index(fields=["updated_at", "id"], include=["status"], name="funding_rec_list_updated"),
        ]

    def __str__(self):
        return f"{self.recipient} {self.year} {self.get_source_display()} €{self.amount}"

    @property
    def recipient(self):
        return self.fieldlab or self.hub or self.bureau

    @property
    def recipient_kind(self) -> str | None:
        if self.fieldlab_id:
            return RecipientKind.FIELDLAB
        if self.hub_id:
            return RecipientKind.HUB
        if self.bureau_id:
            return RecipientKind.BUREAU
        return None

    def clean(self):
        """Rules across fields that a bureau analyst expects: the funder belongs to the record's source, and a
        funder that stands for in-kind contributions does not give cash."""
        super().clean()
        errors = {}
        funder = self.funder if self.funder_id else None
        if funder is not None and self.source and funder.source != self.source:
            errors["funder"] = _(
                "%(funder)s is a funder of source “%(funder_source)s”; this record's source is “%(source)s”."
            ) % {
                "funder": funder.name,
                "funder_source": funder.get_source_display(),
                "source": self.get_source_display(),
            }
        if funder is not None and funder.gives_in_kind and self.kind == FundingKind.CASH:
            errors["kind"] = _("%(funder)s contributes in kind; a record of it cannot be cash.") % {
                "funder": funder.name
            }
        if errors:
            raise ValidationError(errors)
