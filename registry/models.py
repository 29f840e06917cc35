"""Organisations of the Smart Industry network: partners, bureau, provinces, hubs, fieldlabs, companies."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import YEAR_MAX, YEAR_MIN, ProvenanceModel, TimeStampedModel, bounded_text_field, year_range_q

from .choices import CompanySize, FieldlabStatus, PartnerKind, SupportType, TnoType

year_validators = [MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
kvk_validator = RegexValidator(r"^\d{8}$", _("A KvK number has exactly 8 digits."))


class Partner(ProvenanceModel):
    """A member of the coalition that launched the programme."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=PartnerKind.choices)
    joined_year = models.PositiveSmallIntegerField(_("joined in"), validators=year_validators)
    website = models.URLField(_("website"), blank=True)
    description = bounded_text_field(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta(ProvenanceModel.Meta):
        ordering = ["joined_year", "short_name"]
        verbose_name = _("coalition partner")
        verbose_name_plural = _("coalition partners")
        constraints = [
            *ProvenanceModel.Meta.constraints,
            models.CheckConstraint(condition=year_range_q("joined_year"), name="%(app_label)s_%(class)s_year_range"),
            models.CheckConstraint(condition=Q(kind__in=PartnerKind.values), name="%(app_label)s_%(class)s_kind_valid"),
        ]

    def __str__(self):
        return self.short_name


class ProgrammeBureau(ProvenanceModel):
    """The national programme bureau. There is exactly one; the database refuses a second."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    # A constant column with a unique index: the cheapest way to let the database keep it single.
    singleton = models.BooleanField(default=True, unique=True, editable=False)
    founded_year = models.PositiveSmallIntegerField(_("founded in"), validators=year_validators)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = bounded_text_field(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta(ProvenanceModel.Meta):
        verbose_name = _("programme bureau")
        verbose_name_plural = _("programme bureau")
        constraints = [
            *ProvenanceModel.Meta.constraints,
            models.CheckConstraint(condition=Q(singleton=True), name="%(app_label)s_%(class)s_single"),
            models.CheckConstraint(condition=year_range_q("founded_year"), name="%(app_label)s_%(class)s_year_range"),
        ]

    def __str__(self):
        return self.name


class Province(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    code = models.CharField(_("code"), max_length=2, unique=True, help_text=_("Two-letter abbreviation"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class Hub(ProvenanceModel):
    """One of the five regional hubs (from 2018)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    slug = models.SlugField(_("slug"), unique=True)
    provinces = models.ManyToManyField(Province, related_name="hubs", verbose_name=_("provinces covered"))
    founded_year = models.PositiveSmallIntegerField(_("founded in"), validators=year_validators)
    coordinating_organisation = models.CharField(_("coordinating organisation"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = bounded_text_field(_("description"), blank=True)
    history = HistoricalRecords(m2m_fields=[provinces])

    class Meta(ProvenanceModel.Meta):
        ordering = ["name"]
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")
        constraints = [
            *ProvenanceModel.Meta.constraints,
            models.CheckConstraint(condition=year_range_q("founded_year"), name="%(app_label)s_%(class)s_year_range"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:registry_hub_change", args=[self.pk])


class Fieldlab(ProvenanceModel):
    """A practice environment where companies develop, test and roll out Smart Industry solutions."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    theme = models.CharField(_("theme"), max_length=200)
    tno_type = models.PositiveSmallIntegerField(_("TNO type"), choices=TnoType.choices, null=True, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    # PROTECT: a province or hub that still has fieldlabs must not take their records with it.
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="fieldlabs", verbose_name=_("province")
    )
    hub = models.ForeignKey(
        Hub,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fieldlabs",
        verbose_name=_("hub"),
        help_text=_("Empty for a fieldlab that works nationally or whose hub is not known."),
    )
    start_year = models.PositiveSmallIntegerField(_("start year"), validators=year_validators)
    end_year = models.PositiveSmallIntegerField(_("end year"), validators=year_validators, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=FieldlabStatus.choices, default=FieldlabStatus.ACTIVE)
    website = models.URLField(_("website"), blank=True)
    description = bounded_text_field(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta(ProvenanceModel.Meta):
        ordering = ["name"]
        verbose_name = _("fieldlab")
        verbose_name_plural = _("fieldlabs")
        constraints = [
            *ProvenanceModel.Meta.constraints,
            models.CheckConstraint(condition=year_range_q("start_year"), name="%(app_label)s_%(class)s_start_range"),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=F("start_year")),
                name="%(app_label)s_%(class)s_end_after_start",
                violation_error_message=_("A fieldlab cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(tno_type__isnull=True) | Q(tno_type__gte=1, tno_type__lte=4),
                name="%(app_label)s_%(class)s_tno_type_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=FieldlabStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["hub", "start_year"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:registry_fieldlab_change", args=[self.pk])

    def clean(self):
        """A fieldlab's province lies in the region its hub covers (a hub without provinces covers anything)."""
        super().clean()
        if self.hub_id and self.province_id:
            covered = set(self.hub.provinces.values_list("pk", flat=True))
            if covered and self.province_id not in covered:
                raise ValidationError(
                    {
                        "province": _("%(province)s is not one of the provinces of %(hub)s (%(covered)s).")
                        % {
                            "province": self.province,
                            "hub": self.hub,
                            "covered": ", ".join(p.name for p in self.hub.provinces.order_by("name")),
                        }
                    }
                )


class Company(ProvenanceModel):
    """A participating company; counted once however many fieldlabs it joins."""

    name = models.CharField(_("name"), max_length=200)
    kvk_number = models.CharField(
        _("KvK number"),
        max_length=8,
        null=True,
        blank=True,
        validators=[kvk_validator],
        help_text=_("Chamber of Commerce registration number, 8 digits."),
    )
    size_class = models.CharField(_("size class"), max_length=16, choices=CompanySize.choices, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="companies", verbose_name=_("province")
    )
    history = HistoricalRecords()

    class Meta(ProvenanceModel.Meta):
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            *ProvenanceModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["kvk_number"],
                condition=Q(kvk_number__isnull=False),
                name="%(app_label)s_%(class)s_kvk_unique",
                violation_error_message=_("Another company already has this KvK number."),
            ),
            models.CheckConstraint(
                condition=Q(kvk_number__isnull=True) | Q(kvk_number__regex=r"^[0-9]{8}$"),
                name="%(app_label)s_%(class)s_kvk_format",
                violation_error_message=_("A KvK number has exactly 8 digits."),
            ),
            models.CheckConstraint(
                condition=Q(size_class="") | Q(size_class__in=CompanySize.values),
                name="%(app_label)s_%(class)s_size_valid",
            ),
        ]

    def __str__(self):
        return self.name


class Participation(ProvenanceModel):
    """A company taking part in a fieldlab's or a hub's activity in a year, with the kind of support."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="participations")
    fieldlab = models.ForeignKey(
        Fieldlab, on_delete=models.PROTECT, null=True, blank=True, related_name="participations"
    )
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, null=True, blank=True, related_name="participations")
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    support_type = models.CharField(_("support type"), max_length=16, choices=SupportType.choices)
    history = HistoricalRecords()

    class Meta(ProvenanceModel.Meta):
        ordering = ["year", "company__name"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        indexes = [
            # Companies reached (registry.selectors) counts a window of years from this index alone, without reading
            # the table: 83 ms → 46 ms at 100,000 participations (docs/benchmarks.md).
            models.Index(fields=["year", "company", "fieldlab", "hub"], name="registry_participation_reach"),
        ]
        constraints = [
            *ProvenanceModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(fieldlab__isnull=False, hub__isnull=True) | Q(fieldlab__isnull=True, hub__isnull=False),
                name="%(app_label)s_%(class)s_one_host",
                violation_error_message=_("A participation is at a fieldlab or at a hub, not both or neither."),
            ),
            models.CheckConstraint(condition=year_range_q("year"), name="%(app_label)s_%(class)s_year_range"),
            models.CheckConstraint(
                condition=Q(support_type__in=SupportType.values), name="%(app_label)s_%(class)s_support_valid"
            ),
            models.UniqueConstraint(
                fields=["company", "fieldlab", "year", "support_type"],
                condition=Q(fieldlab__isnull=False),
                name="%(app_label)s_%(class)s_unique_fieldlab",
            ),
            models.UniqueConstraint(
                fields=["company", "hub", "year", "support_type"],
                condition=Q(hub__isnull=False),
                name="%(app_label)s_%(class)s_unique_hub",
            ),
        ]

    def __str__(self):
        return f"{self.company} @ {self.fieldlab or self.hub} ({self.year})"
