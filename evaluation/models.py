"""The evaluation's intervention logic, its norms (as data), measurements, recommendations and frozen runs.

Intervention logic (RPE): input (money, in funding.FundingRecord) → activities (ActivityType) → output
(Indicator, measured per year in Measurement) against targets (OutputGoal → OutputTarget), each goal resting on the
bottlenecks entrepreneurs meet (Bottleneck). The bands that turn an actual/target ratio into a verdict and the
cost-per-output norms are rows, not code, so the bureau can change them and a run records what it used.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import (
    YEAR_MAX,
    YEAR_MIN,
    Bilingual,
    ProvenanceModel,
    TimeStampedModel,
    bounded_text_field,
    year_range_q,
)
from review.choices import RecordStatus
from review.models import ReviewableModel

from .choices import (
    BAND_VERDICTS,
    ActionStatus,
    CheckStatus,
    IndicatorUnit,
    LeadLevel,
    RecommendationCode,
    ScopeDecision,
)

year_validators = [MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]


class ActivityType(Bilingual, ProvenanceModel):
    """A kind of activity the programme funds and the evaluation judges (awareness, skills, …)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200, blank=True)
    lead_level = models.CharField(_("lead level"), max_length=16, choices=LeadLevel.choices, blank=True)
    # Recommendation 4 asks for one lead level per activity; a second one is recorded, not hidden, so the check
    # can name the activities where the lead is shared.
    shared_lead_level = models.CharField(
        _("second lead level"),
        max_length=16,
        choices=LeadLevel.choices,
        blank=True,
        help_text=_("Filled only when a second level shares the lead."),
    )
    demand_steered = models.BooleanField(
        _("demand-steered"), default=False, help_text=_("What is offered follows what companies ask for.")
    )
    concerns_skills = models.BooleanField(_("skills activity"), default=False)
    scope_decision = models.CharField(
        _("scope decision"),
        max_length=20,
        choices=ScopeDecision.choices,
        blank=True,
        help_text=_("For skills activities: has the programme decided whether this belongs in it?"),
    )
    target_groups = bounded_text_field(_("target groups"), blank=True)
    description = bounded_text_field(_("description"), blank=True)
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
            models.CheckConstraint(
                condition=Q(shared_lead_level="")
                | (
                    Q(shared_lead_level__in=LeadLevel.values)
                    & ~Q(lead_level="")
                    & ~Q(shared_lead_level=F("lead_level"))
                ),
                name="%(app_label)s_%(class)s_shared_lead_valid",
                violation_error_message=_("A second lead level needs a first one and must differ from it."),
            ),
            models.CheckConstraint(
                condition=Q(scope_decision__in=ScopeDecision.values),
                name="%(app_label)s_%(class)s_scope_valid",
            ),
        ]

    def __str__(self):
        return self.localized("name")

    @property
    def lead_level_count(self) -> int:
        return bool(self.lead_level) + bool(self.shared_lead_level)


class Bottleneck(Bilingual, ProvenanceModel):
    """What entrepreneurs run into when they digitalise (no time, no skills, unclear business case …)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200, blank=True)
    description = bounded_text_field(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta(ProvenanceModel.Meta):
        ordering = ["sort_order", "name"]
        verbose_name = _("bottleneck")
        verbose_name_plural = _("bottlenecks")

    def __str__(self):
        return self.localized("name")


class Indicator(Bilingual, ProvenanceModel):
    """A countable output (companies reached, people trained, experiments …)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=32, choices=IndicatorUnit.choices)
    description = bounded_text_field(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta(ProvenanceModel.Meta):
        ordering = ["name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            *ProvenanceModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(unit__in=IndicatorUnit.values), name="%(app_label)s_%(class)s_unit_valid"
            ),
        ]

    def __str__(self):
        return self.localized("name")


class OutputGoal(Bilingual, ProvenanceModel):
    """An output an activity type should deliver. Measurable only with an indicator and at least one yearly target."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200, blank=True)
    # PROTECT: goals are the evaluation's yardstick; deleting an activity type must not erase them silently.
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="output_goals", verbose_name=_("activity type")
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="output_goals",
        verbose_name=_("indicator"),
        help_text=_("Empty for a goal stated as throughput rather than measurable output."),
    )
    bottlenecks = models.ManyToManyField(
        Bottleneck, blank=True, related_name="output_goals", verbose_name=_("bottlenecks addressed")
    )
    description = bounded_text_field(_("description"), blank=True)
    history = HistoricalRecords(m2m_fields=[bottlenecks])

    class Meta(ProvenanceModel.Meta):
        ordering = ["activity_type__sort_order", "code"]
        verbose_name = _("output goal")
        verbose_name_plural = _("output goals")

    def __str__(self):
        return self.localized("name")


class OutputTarget(ProvenanceModel):
    """The target value of one output goal in one year."""

    goal = models.ForeignKey(OutputGoal, on_delete=models.CASCADE, related_name="targets", verbose_name=_("goal"))
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    value = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    history = HistoricalRecords()

    class Meta(ProvenanceModel.Meta):
        ordering = ["goal", "year"]
        verbose_name = _("output target")
        verbose_name_plural = _("output targets")
        constraints = [
            *ProvenanceModel.Meta.constraints,
            models.UniqueConstraint(fields=["goal", "year"], name="%(app_label)s_%(class)s_unique_goal_year"),
            models.CheckConstraint(condition=year_range_q("year"), name="%(app_label)s_%(class)s_year_range"),
            # A zero target would make every actual "infinitely" effective; a goal with no target has no row.
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="%(app_label)s_%(class)s_value_positive",
                violation_error_message=_("A target must be greater than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.goal} {self.year}: {self.value}"


class Measurement(ReviewableModel, ProvenanceModel):
    """The actual value of an indicator for an activity type in a year, at a fieldlab, at a hub or programme-wide.

    It goes through the same draft → submitted → approved workflow as funding; only approved values count.
    """

    # A figure reaches readers outside its hub once the bureau has approved it (analysts recompute verdicts from
    # approved figures only); funding records show from submission on.
    policy_public_statuses = (RecordStatus.APPROVED,)

    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="measurements", verbose_name=_("activity type")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="measurements", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    fieldlab = models.ForeignKey(
        "registry.Fieldlab",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=_("fieldlab"),
    )
    hub = models.ForeignKey(
        "registry.Hub",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=_("hub"),
    )
    value = models.DecimalField(
        _("value"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    evidence_note = bounded_text_field(_("evidence"), blank=True)
    history = HistoricalRecords()

    class Meta(ProvenanceModel.Meta):
        ordering = ["year", "activity_type__sort_order", "indicator__name", "id"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            *ProvenanceModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="%(app_label)s_%(class)s_value_non_negative",
                violation_error_message=_("A measured value cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(fieldlab__isnull=True) | Q(hub__isnull=True),
                name="%(app_label)s_%(class)s_one_host",
                violation_error_message=_("A measurement belongs to a fieldlab, a hub or the whole programme."),
            ),
            models.CheckConstraint(condition=year_range_q("year"), name="%(app_label)s_%(class)s_year_range"),
            models.CheckConstraint(
                condition=Q(status__in=RecordStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.UniqueConstraint(
                "activity_type",
                "indicator",
                "year",
                Coalesce("fieldlab", Value(0), output_field=models.BigIntegerField()),
                Coalesce("hub", Value(0), output_field=models.BigIntegerField()),
                name="%(app_label)s_%(class)s_unique_entry",
                violation_error_message=_("This activity, indicator, year and place already have a measurement."),
            ),
        ]
        indexes = [models.Index(fields=["status", "year"])]

    def __str__(self):
        place = self.fieldlab or self.hub or _("programme")
        return f"{self.indicator} {self.year} @ {place}: {self.value}"


class VerdictBand(ProvenanceModel):
    """Turns actual/target into a verdict: the band with the highest `min_ratio` not above the ratio wins."""

    verdict = models.CharField(
        _("verdict"), max_length=20, unique=True, choices=[(v.value, v.label) for v in BAND_VERDICTS]
    )
    min_ratio = models.DecimalField(
        _("from actual/target"),
        max_digits=6,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("0.9 means: at least 90% of the target."),
    )
    description = bounded_text_field(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-min_ratio"]
        verbose_name = _("verdict band")
        verbose_name_plural = _("verdict bands")
        constraints = [
            *ProvenanceModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(verdict__in=[v.value for v in BAND_VERDICTS]), name="%(app_label)s_%(class)s_verdict_valid"
            ),
            models.CheckConstraint(condition=Q(min_ratio__gte=0), name="%(app_label)s_%(class)s_ratio_non_negative"),
            models.UniqueConstraint(fields=["min_ratio"], name="%(app_label)s_%(class)s_unique_ratio"),
        ]

    def __str__(self):
        return f"{self.get_verdict_display()} ≥ {self.min_ratio}"


class EfficiencyNorm(ProvenanceModel):
    """The highest acceptable cost per unit of output of an activity type, overall and for the regions."""

    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.CASCADE, related_name="efficiency_norms", verbose_name=_("activity type")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="efficiency_norms", verbose_name=_("indicator")
    )
    max_cost_per_unit = models.DecimalField(
        _("norm: euro per unit"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    max_regional_cost_per_unit = models.DecimalField(
        _("norm: regional euro per regional unit"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    history = HistoricalRecords()

    class Meta(ProvenanceModel.Meta):
        ordering = ["activity_type__sort_order", "indicator__name"]
        verbose_name = _("efficiency norm")
        verbose_name_plural = _("efficiency norms")
        constraints = [
            *ProvenanceModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["activity_type", "indicator"], name="%(app_label)s_%(class)s_unique_activity_indicator"
            ),
            models.CheckConstraint(
                condition=Q(max_cost_per_unit__gt=0)
                & (Q(max_regional_cost_per_unit__isnull=True) | Q(max_regional_cost_per_unit__gt=0)),
                name="%(app_label)s_%(class)s_positive",
            ),
        ]

    def __str__(self):
        return f"{self.activity_type} / {self.indicator}: ≤ €{self.max_cost_per_unit}"


class Recommendation(Bilingual, ProvenanceModel):
    """One of the five recommendations of the 2021 evaluation, checked against the data.

    A check counts items (activity types, goals …) and how many comply; the share decides the status through the
    two thresholds stored here.
    """

    number = models.PositiveSmallIntegerField(_("number"), unique=True, validators=[MinValueValidator(1)])
    code = models.CharField(_("code"), max_length=32, unique=True, choices=RecommendationCode.choices)
    title = models.CharField(_("title"), max_length=200)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200, blank=True)
    text = bounded_text_field(_("recommendation"))
    text_nl = bounded_text_field(_("recommendation (Dutch)"), blank=True)
    met_share = models.DecimalField(
        _("met from share"), max_digits=5, decimal_places=4, default=Decimal("1"),
        help_text=_("Share of complying items from which the check is met."),
    )  # fmt: skip
    partly_share = models.DecimalField(
        _("partly met from share"), max_digits=5, decimal_places=4, default=Decimal("0.5"),
        help_text=_("Share of complying items from which the check is partly met."),
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta(ProvenanceModel.Meta):
        ordering = ["number"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            *ProvenanceModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(code__in=RecommendationCode.values), name="%(app_label)s_%(class)s_code_valid"
            ),
            models.CheckConstraint(
                condition=Q(partly_share__gte=0, partly_share__lte=F("met_share"), met_share__lte=1),
                name="%(app_label)s_%(class)s_shares_ordered",
                violation_error_message=_("Thresholds must satisfy 0 ≤ partly ≤ met ≤ 1."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.localized('title')}"


class FollowUpAction(Bilingual, ProvenanceModel):
    """What is being done about a recommendation: owner, due date, status and evidence."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="actions", verbose_name=_("recommendation")
    )
    title = models.CharField(_("action"), max_length=300)
    title_nl = models.CharField(_("action (Dutch)"), max_length=300, blank=True)
    owner = models.CharField(_("owner"), max_length=200)
    owner_nl = models.CharField(_("owner (Dutch)"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    evidence = bounded_text_field(_("evidence"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation__number", "due_date", "id"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        constraints = [
            *ProvenanceModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.DONE) | ~Q(evidence=""),
                name="%(app_label)s_%(class)s_done_has_evidence",
                violation_error_message=_("An action marked done must say what shows it is done."),
            ),
        ]

    def __str__(self):
        return self.localized("title")

    @property
    def localized_owner(self) -> str:
        return self.localized("owner")


class EvaluationRun(TimeStampedModel):
    """A frozen evaluation: the parameters, a fingerprint of the data read, the results.

    Its life is its job's (jobs.Job, kind ``evaluation_run``): who started it, status, start, finish, progress,
    heartbeat and error live there, and the one job runner and sweeper run and end it as every other job.
    """

    # PROTECT: the run's status and times live on its job; the job may not go while the run is kept.
    job = models.OneToOneField(
        "jobs.Job", on_delete=models.PROTECT, related_name="evaluation_run", verbose_name=_("job")
    )
    parameters = models.JSONField(_("parameters"), default=dict)
    fingerprint = models.CharField(_("data fingerprint"), max_length=64, blank=True)
    data_summary = models.JSONField(_("data read"), default=dict, blank=True)
    results = models.JSONField(_("results"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("evaluation run")
        verbose_name_plural = _("evaluation runs")
        constraints = [
            # Results are frozen with the fingerprint of the data they were computed from, never without it.
            models.CheckConstraint(
                condition=Q(results__isnull=True) | ~Q(fingerprint=""),
                name="%(app_label)s_%(class)s_results_have_fingerprint",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} ({self.created_at:%Y-%m-%d %H:%M})"


class RecommendationCheck(models.Model):
    """The outcome of one recommendation's check in one run (also inside run.results; here for querying)."""

    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="checks", verbose_name=_("run"))
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="checks", verbose_name=_("recommendation")
    )
    status = models.CharField(_("status"), max_length=16, choices=CheckStatus.choices)
    compliant = models.PositiveIntegerField(_("complying items"))
    total = models.PositiveIntegerField(_("items checked"))
    figures = models.JSONField(_("figures"), default=dict)
    records = models.JSONField(_("records causing it"), default=list)

    class Meta:
        ordering = ["run", "recommendation__number"]
        verbose_name = _("recommendation check")
        verbose_name_plural = _("recommendation checks")
        constraints = [
            models.UniqueConstraint(fields=["run", "recommendation"], name="%(app_label)s_%(class)s_unique_run_rec"),
            models.CheckConstraint(
                condition=Q(status__in=CheckStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.CheckConstraint(condition=Q(compliant__lte=F("total")), name="%(app_label)s_%(class)s_counts"),
        ]

    def __str__(self):
        return f"{self.recommendation}: {self.get_status_display()}"
