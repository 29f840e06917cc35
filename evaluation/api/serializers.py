from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.serializers import ApiModelSerializer
from core.constants import EVALUATION_YEAR_MAX, EVALUATION_YEAR_MIN
from jobs.choices import JobStatus

from ..models import EfficiencyNorm, EvaluationRun, Indicator, Measurement, OutputGoal, OutputTarget, VerdictBand


class RunCreateSerializer(serializers.Serializer):
    year_min = serializers.IntegerField(
        required=False, help_text=f"First year evaluated (default {EVALUATION_YEAR_MIN})"
    )
    year_max = serializers.IntegerField(
        required=False, help_text=f"Last year evaluated (default {EVALUATION_YEAR_MAX})"
    )


class RunListSerializer(serializers.ModelSerializer):
    """Flat: every field a scalar, so the CSV and XLSX renderers can write it unchanged."""

    # A run's life (status, times, error, who started it) is its job's: read from there, under the names (and the
    # labels: the verbose names of the run's own fields) the runs always had.
    status = serializers.ChoiceField(
        source="job.status", choices=JobStatus.choices, read_only=True, help_text=_("Status")
    )
    job = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("The run's job: its progress at /api/v1/jobs/<id>/ (the bureau's).")
    )
    year_min = serializers.SerializerMethodField(help_text="First year evaluated")
    year_max = serializers.SerializerMethodField(help_text="Last year evaluated")
    created_by = serializers.SlugRelatedField(
        source="job.owner", read_only=True, slug_field="username", help_text=_("Started by")
    )
    started_at = serializers.DateTimeField(
        source="job.started_at",
        read_only=True,
        allow_null=True,
        label=capfirst(_("started at")),
        help_text=capfirst(_("started at")),
    )
    finished_at = serializers.DateTimeField(
        source="job.finished_at",
        read_only=True,
        allow_null=True,
        label=capfirst(_("finished at")),
        help_text=capfirst(_("finished at")),
    )
    error = serializers.CharField(
        source="job.error", read_only=True, label=capfirst(_("error")), help_text=capfirst(_("error"))
    )

    class Meta:
        model = EvaluationRun
        fields = [
            "id",
            "status",
            "job",
            "year_min",
            "year_max",
            "fingerprint",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "error",
        ]

    def get_year_min(self, obj) -> int | None:
        return (obj.parameters or {}).get("year_min")

    def get_year_max(self, obj) -> int | None:
        return (obj.parameters or {}).get("year_max")


class RunDetailSerializer(RunListSerializer):
    class Meta(RunListSerializer.Meta):
        fields = [*RunListSerializer.Meta.fields, "parameters", "data_summary", "results"]


# Row schemas of the evaluation tables: what the JSON holds, field by field, so the schema says `type: array` of a
# named component and generated clients get typed rows. The CSV/XLSX columns are the same keys (the renderers write
# the rows unchanged). Money is a string with two decimals, ratios a string with four (rounded once, half-up).
def _money(help_text):
    return serializers.DecimalField(max_digits=16, decimal_places=2, help_text=help_text)


def _ratio(help_text, **kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=4, help_text=help_text, **kwargs)


def _key(help_text):
    return serializers.CharField(required=False, allow_null=True, help_text=help_text)


class FundingTotalsRowSerializer(serializers.Serializer):
    source = _key("Source code (when grouped by source)")
    year = serializers.IntegerField(required=False, allow_null=True, help_text="Year (when grouped by year)")
    hub = _key("Hub slug (when grouped by hub; empty for the bureau and national fieldlabs)")
    province = _key("Province slug of the fieldlab (when grouped by province)")
    fieldlab = _key("Fieldlab slug (when grouped by fieldlab)")
    activity_type = _key("Activity type code (when grouped by activity type)")
    amount = _money("Approved funding in EUR")
    records = serializers.IntegerField(help_text="Number of approved funding records counted")


class FundingCumulativeRowSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="Year")
    amount = _money("Approved funding in the year, EUR")
    records = serializers.IntegerField(help_text="Approved records in the year")
    cumulative = _money("Running total from the first year of the window, EUR")


class LeverageRowSerializer(serializers.Serializer):
    source = _key("Source code (when grouped by source)")
    year = serializers.IntegerField(required=False, allow_null=True, help_text="Year (when grouped by year)")
    hub = _key("Hub slug (when grouped by hub)")
    province = _key("Province slug (when grouped by province)")
    fieldlab = _key("Fieldlab slug (when grouped by fieldlab)")
    activity_type = _key("Activity type code (when grouped by activity type)")
    private = _money("Private euro (source companies)")
    public = _money("Public euro (national, regional, knowledge institutions, EU)")
    total = _money("Private plus public euro")
    private_share = _ratio("private / total", allow_null=True)
    leverage = _ratio("Private euro per public euro (private / public)", allow_null=True)
    public_per_private = _ratio("Public euro per private euro", allow_null=True)


class ActivityTypeRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Activity type code")
    name = serializers.CharField(help_text="Name")
    lead_level = serializers.CharField(help_text="Lead level")
    shared_lead_level = serializers.CharField(help_text="Second lead level, if shared (else empty)")
    demand_steered = serializers.BooleanField(help_text="Steered by entrepreneurs' demand")
    target_groups = serializers.CharField(help_text="Defined target groups")
    funding = _money("Approved funding in the window, EUR")
    goals = serializers.IntegerField(help_text="Output goals")
    measurable_goals = serializers.IntegerField(help_text="Output goals with an indicator and a target")
    effectiveness_ratio = _ratio("Mean actual/target over the measurable goals", allow_null=True)
    effectiveness = serializers.CharField(allow_null=True, help_text="Effectiveness verdict (verdict band code)")
    efficiency = serializers.CharField(allow_null=True, help_text="Efficiency verdict against the norm")
    regional_efficiency = serializers.CharField(allow_null=True, help_text="Efficiency verdict, regions' view")
    provenance = serializers.CharField(help_text="published or illustrative")
    year_min = serializers.IntegerField(help_text="First year evaluated")
    year_max = serializers.IntegerField(help_text="Last year evaluated")


class EffectivenessRowSerializer(serializers.Serializer):
    activity_type = serializers.CharField(help_text="Activity type code")
    year = serializers.IntegerField(help_text="Year")
    measurable_goals = serializers.IntegerField(help_text="Measurable output goals")
    ratio = _ratio("Mean actual/target over the measurable goals", allow_null=True)
    verdict = serializers.CharField(help_text="Verdict band code")


class GoalYearRowSerializer(serializers.Serializer):
    activity_type = serializers.CharField(help_text="Activity type code")
    goal = serializers.CharField(help_text="Output goal code")
    indicator = serializers.CharField(allow_null=True, help_text="Indicator code")
    year = serializers.IntegerField(help_text="Year")
    target = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, help_text="Target")
    actual = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, help_text="Approved actual")
    ratio = _ratio("actual/target", allow_null=True)


class CostPerOutputRowSerializer(serializers.Serializer):
    activity_type = serializers.CharField(help_text="Activity type code")
    indicator = serializers.CharField(help_text="Indicator code")
    cost = _money("Approved funding, EUR")
    output = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="Approved output")
    cost_per_unit = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, help_text="EUR per unit of output"
    )
    norm = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, help_text="Norm, EUR per unit")
    verdict = serializers.CharField(allow_null=True, help_text="Verdict against the norm")


class RegionalCostPerOutputRowSerializer(CostPerOutputRowSerializer):
    hub = serializers.CharField(help_text="Hub slug")
    regional_amount = _money("Regional funding to the hub and its fieldlabs, EUR")
    cost = None


class ActivityTypeDetailSerializer(ActivityTypeRowSerializer):
    by_year = EffectivenessRowSerializer(many=True, help_text="Effectiveness per year")
    goals_by_year = GoalYearRowSerializer(many=True, help_text="Actual against target per goal and year")
    cost_per_output = CostPerOutputRowSerializer(many=True, help_text="Cost per output")


class CompaniesReachedRowSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True, help_text="Year; empty on the row for the whole window")
    unique_companies = serializers.IntegerField(help_text="Unique companies reached")
    companies_at_fieldlabs = serializers.IntegerField(help_text="Unique companies reached at fieldlabs")
    companies_at_hubs = serializers.IntegerField(help_text="Unique companies reached at hubs")
    company_fieldlab_pairs = serializers.IntegerField(help_text="Company × fieldlab pairs (the sum over fieldlabs)")
    fieldlabs = serializers.IntegerField(help_text="Fieldlabs with participants")
    participations = serializers.IntegerField(help_text="Participations")


class _RecommendationStatusSerializer(serializers.Serializer):
    """What a row and a detail of a recommendation check share: which one, and how it stands."""

    number = serializers.IntegerField(help_text="Number (1–5)")
    code = serializers.CharField(help_text="Recommendation code")
    title = serializers.CharField(help_text="Title")
    status = serializers.CharField(help_text="met, partly or not_met")
    compliant = serializers.IntegerField(help_text="Items that comply")
    total = serializers.IntegerField(help_text="Items checked")
    share = _ratio("compliant/total", allow_null=True)


class RecommendationRowSerializer(_RecommendationStatusSerializer):
    causes = serializers.CharField(help_text="The records that cause the status, joined")
    actions = serializers.IntegerField(help_text="Follow-up actions")
    actions_open = serializers.IntegerField(help_text="Open follow-up actions")
    actions_overdue = serializers.IntegerField(help_text="Overdue follow-up actions")


class CheckRecordSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="Kind of record")
    code = serializers.CharField(help_text="Its code or slug")
    name = serializers.CharField(help_text="Its name")
    problem = serializers.CharField(help_text="What is wrong")


class FollowUpActionRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id")
    title = serializers.CharField(help_text="Title")
    owner = serializers.CharField(help_text="Owner")
    due_date = serializers.DateField(allow_null=True, help_text="Due date")
    status = serializers.CharField(help_text="Status")
    evidence = serializers.CharField(help_text="Evidence")
    overdue = serializers.BooleanField(help_text="Past its due date and not done")


class RecommendationDetailSerializer(_RecommendationStatusSerializer):
    figures = serializers.DictField(help_text="The figures behind the status (named numbers)")
    records = CheckRecordSerializer(many=True, help_text="The records that cause the status")
    text = serializers.CharField(help_text="The recommendation's text")
    provenance = serializers.CharField(help_text="published or illustrative")
    provenance_source = serializers.CharField(help_text="Source")
    actions = FollowUpActionRowSerializer(many=True, help_text="Follow-up actions")


# The evaluation's inputs, read-only: with them every verdict can be recomputed from the API alone.
class IndicatorSerializer(ApiModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "code", "name", "unit", "description", "provenance"]
        brief_fields = ["id", "code", "name"]


class OutputGoalSerializer(ApiModelSerializer):
    activity_type = serializers.SlugRelatedField(read_only=True, slug_field="code", help_text="Activity type (code)")
    indicator = serializers.SlugRelatedField(
        read_only=True, slug_field="code", help_text="Indicator (code); empty: not measurable"
    )

    class Meta:
        model = OutputGoal
        fields = ["id", "code", "name", "activity_type", "indicator", "description", "provenance"]
        brief_fields = ["id", "code", "name"]


class OutputTargetSerializer(ApiModelSerializer):
    goal = serializers.SlugRelatedField(read_only=True, slug_field="code", help_text="Output goal (code)")

    class Meta:
        model = OutputTarget
        fields = ["id", "goal", "year", "value", "provenance"]
        brief_fields = ["id", "goal", "year"]


class MeasurementSerializer(ApiModelSerializer):
    activity_type = serializers.SlugRelatedField(read_only=True, slug_field="code", help_text="Activity type (code)")
    indicator = serializers.SlugRelatedField(read_only=True, slug_field="code", help_text="Indicator (code)")
    fieldlab = serializers.SlugRelatedField(read_only=True, slug_field="slug", help_text="Fieldlab (slug)")
    hub = serializers.SlugRelatedField(read_only=True, slug_field="slug", help_text="Hub (slug)")

    class Meta:
        model = Measurement
        fields = ["id", "activity_type", "indicator", "year", "fieldlab", "hub", "value", "status", "provenance"]
        brief_fields = ["id", "indicator", "year", "value"]


class VerdictBandSerializer(ApiModelSerializer):
    class Meta:
        model = VerdictBand
        fields = ["id", "verdict", "min_ratio", "description", "provenance"]
        brief_fields = ["id", "verdict", "min_ratio"]


class EfficiencyNormSerializer(ApiModelSerializer):
    activity_type = serializers.SlugRelatedField(read_only=True, slug_field="code", help_text="Activity type (code)")
    indicator = serializers.SlugRelatedField(read_only=True, slug_field="code", help_text="Indicator (code)")

    class Meta:
        model = EfficiencyNorm
        fields = [
            "id",
            "activity_type",
            "indicator",
            "max_cost_per_unit",
            "max_regional_cost_per_unit",
            "provenance",
        ]
        brief_fields = ["id", "activity_type", "indicator"]
