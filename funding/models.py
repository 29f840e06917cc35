"""Funders and funding records. (Reporting periods belong to the reporting app.)"""

from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.formats import format_eur
from core.models import YEAR_MAX, YEAR_MIN, ProvenanceModel, bounded_text_field, year_range_q
from registry.models import Fieldlab, Hub, ProgrammeBureau, Province
from review.models import ReviewableModel

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


class RollupContribution(NamedTuple):
    """One approved record's share of the rollups: the fine group it belongs to and its amount."""

    fieldlab_id: int | None
    hub_id: int | None
    bureau_id: int | None
    year: int
    source: str
    kind: str
    realisation: str
    activity_type_id: int | None
    amount: Decimal
    status: str = RecordStatus.APPROVED.value

    @property
    def approved(self) -> bool:
        return self.status == RecordStatus.APPROVED

    @property
    def status_key(self) -> str:
        """The status count's key (recipient × year × status), as FundingStatusCount.group_key stores it."""
        recipient = self.fieldlab_id or self.hub_id or self.bureau_id
        return f"{self.recipient_kind}:{recipient}|{self.year}|{self.status}"

    @property
    def recipient_kind(self) -> str:
        if self.fieldlab_id is not None:
            return RecipientKind.FIELDLAB.value
        if self.hub_id is not None:
            return RecipientKind.HUB.value
        return RecipientKind.BUREAU.value

    @property
    def group_key(self) -> str:
        """The fine group's key, as FundingRollup.group_key stores it (the rebuild builds the same text in SQL)."""
        recipient = self.fieldlab_id or self.hub_id or self.bureau_id
        return (
            f"{self.recipient_kind}:{recipient}|{self.year}|{self.source}|{self.kind}|{self.realisation}"
            f"|{self.activity_type_id or 0}"
        )

    @property
    def total_key(self) -> str:
        """The coarse group's key (no recipient), as FundingRollupTotal.group_key stores it."""
        tail = f"{self.year}|{self.source}|{self.kind}|{self.realisation}|{self.activity_type_id or 0}"
        return f"{self.recipient_kind}|{tail}"


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
        # The amount as the pages show it, in the active language (a flash message names the record by this).
        return f"{self.recipient} {self.year} {self.get_source_display()} {format_eur(self.amount)}"

    # --- what the record adds to the approved-funding rollups (funding/rollups.py keeps them) ---------------------

    def rollup_contribution(self) -> "RollupContribution":
        """What this record adds to the rollups as it is now: its group, status and amount. Every record counts in
        the status counts; only an approved one in the approved-funding rollups."""
        return RollupContribution(
            fieldlab_id=self.fieldlab_id,
            hub_id=self.hub_id,
            bureau_id=self.bureau_id,
            year=self.year,
            source=self.source,
            kind=self.kind,
            realisation=self.realisation,
            activity_type_id=self.activity_type_id,
            amount=Decimal(self.amount),
            status=self.status,
        )

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


# --- rollups: approved funding pre-summed, kept in the same transaction as every write (funding/rollups.py) --------


class FundingRollupBase(models.Model):
    """What both rollup levels share: a group of approved records, its summed amount and its number of records.

    Derived data: written only by funding/rollups.py (the update every write path calls, and the rebuild). A group
    whose last approved record goes is deleted, so a rollup never holds a group the records do not have.
    """

    # The group's columns as one text, unique: writers add to a group with one INSERT … ON CONFLICT (group_key),
    # which PostgreSQL and SQLite both speak (NULLs in the columns would never conflict in a composite key).
    group_key = models.CharField(max_length=120, unique=True)
    recipient_kind = models.CharField(_("recipient kind"), max_length=16, choices=RecipientKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    kind = models.CharField(_("cash or in kind"), max_length=16, choices=FundingKind.choices)
    realisation = models.CharField(_("planned or realised"), max_length=16, choices=Realisation.choices)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=18, decimal_places=2)
    records = models.IntegerField(_("records"))

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(condition=Q(records__gte=0), name="%(app_label)s_%(class)s_records_not_negative"),
        ]

    def __str__(self):
        return f"{self.group_key}: €{self.amount} ({self.records})"


class FundingRollup(FundingRollupBase):
    """Approved funding per recipient × year × source × kind × realisation × activity type. Read when a question
    names a recipient, a hub or a province (which are reached through the recipient)."""

    # CASCADE is safe: a group exists only while approved records of the recipient exist, and those PROTECT it.
    fieldlab = models.ForeignKey(Fieldlab, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    bureau = models.ForeignKey(ProgrammeBureau, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    activity_type = models.ForeignKey(
        "evaluation.ActivityType", on_delete=models.CASCADE, null=True, blank=True, related_name="funding_rollups"
    )

    class Meta(FundingRollupBase.Meta):
        verbose_name = _("funding rollup")
        verbose_name_plural = _("funding rollups")
        indexes = [models.Index(fields=["year", "source"])]


class FundingRollupTotal(FundingRollupBase):
    """Approved funding per recipient kind × year × source × kind × realisation × activity type: the coarse level,
    a few thousand rows whatever the number of records or recipients. Read whenever a question does not name a
    recipient, hub or province (the dashboard, the leverage, the yearly series, most totals)."""

    activity_type = models.ForeignKey(
        "evaluation.ActivityType", on_delete=models.CASCADE, null=True, blank=True, related_name="funding_rollup_totals"
    )

    class Meta(FundingRollupBase.Meta):
        verbose_name = _("funding rollup total")
        verbose_name_plural = _("funding rollup totals")


class FundingStatusCount(models.Model):
    """How many funding records, of any status, each recipient has per year and status, and their amount: what the
    reporting status panel (the dashboard's) counts per hub × year × status, and the dashboard's approved fieldlab
    funding per year with its number of fieldlabs, without reading the records. Kept by the same update as the rollups
    above; the hub is reached through the recipient at read time (a fieldlab may move to another hub)."""

    group_key = models.CharField(max_length=80, unique=True)
    fieldlab = models.ForeignKey(Fieldlab, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    bureau = models.ForeignKey(ProgrammeBureau, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=16, choices=RecordStatus.choices)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=18, decimal_places=2)
    records = models.IntegerField(_("records"))

    class Meta:
        verbose_name = _("funding status count")
        verbose_name_plural = _("funding status counts")
        constraints = [
            models.CheckConstraint(condition=Q(records__gte=0), name="%(app_label)s_%(class)s_records_not_negative"),
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        return f"{self.group_key}: {self.records}"
