"""Admin for the intervention logic, norms, measurements, recommendations and (read-only) runs.

Edits in the admin go through Django's ModelAdmin save, which validates with full_clean and is recorded by
django-simple-history with the request user (HistoryRequestMiddleware), as for the other apps' admins.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ActivityType,
    Bottleneck,
    EfficiencyNorm,
    EvaluationRun,
    FollowUpAction,
    Indicator,
    Measurement,
    OutputGoal,
    OutputTarget,
    Recommendation,
    RecommendationCheck,
    VerdictBand,
)


class OutputGoalInline(admin.TabularInline):
    model = OutputGoal
    extra = 0
    fields = ("code", "name", "indicator", "provenance")
    show_change_link = True


class OutputTargetInline(admin.TabularInline):
    model = OutputTarget
    extra = 0
    fields = ("year", "value", "provenance", "provenance_source")


class FollowUpActionInline(admin.TabularInline):
    model = FollowUpAction
    extra = 0
    fields = ("title", "owner", "due_date", "status", "evidence", "provenance")


@admin.register(ActivityType)
class ActivityTypeAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "code",
        "lead_level",
        "shared_lead_level",
        "demand_steered",
        "concerns_skills",
        "scope_decision",
        "sort_order",
        "provenance",
    )
    list_filter = ("lead_level", "demand_steered", "concerns_skills", "provenance")
    search_fields = ("name", "code")
    inlines = [OutputGoalInline]


@admin.register(Bottleneck)
class BottleneckAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "sort_order", "provenance")
    search_fields = ("name", "code")
    list_filter = ("provenance",)


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "unit", "provenance")
    list_filter = ("unit", "provenance")
    search_fields = ("name", "code")


@admin.register(OutputGoal)
class OutputGoalAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "activity_type", "indicator", "provenance")
    list_filter = ("activity_type", "provenance")
    list_select_related = ("activity_type", "indicator")
    search_fields = ("name", "code")
    filter_horizontal = ("bottlenecks",)
    inlines = [OutputTargetInline]


@admin.register(Measurement)
class MeasurementAdmin(SimpleHistoryAdmin):
    list_display = ("indicator", "activity_type", "year", "fieldlab", "hub", "value", "status", "provenance")
    list_filter = ("status", "year", "activity_type", "indicator", "provenance")
    list_select_related = ("indicator", "activity_type", "fieldlab", "hub")
    search_fields = ("fieldlab__name", "hub__name", "indicator__name")
    autocomplete_fields = ("fieldlab", "hub")
    readonly_fields = ("created_by",)


@admin.register(VerdictBand)
class VerdictBandAdmin(SimpleHistoryAdmin):
    list_display = ("verdict", "min_ratio", "provenance")


@admin.register(EfficiencyNorm)
class EfficiencyNormAdmin(SimpleHistoryAdmin):
    list_display = ("activity_type", "indicator", "max_cost_per_unit", "max_regional_cost_per_unit", "provenance")
    list_select_related = ("activity_type", "indicator")


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ("number", "title", "code", "met_share", "partly_share", "provenance")
    inlines = [FollowUpActionInline]


@admin.register(FollowUpAction)
class FollowUpActionAdmin(SimpleHistoryAdmin):
    list_display = ("title", "recommendation", "owner", "due_date", "status")
    list_filter = ("status", "recommendation")
    list_select_related = ("recommendation",)
    search_fields = ("title", "owner")


class RecommendationCheckInline(admin.TabularInline):
    model = RecommendationCheck
    extra = 0
    can_delete = False
    fields = ("recommendation", "status", "compliant", "total", "figures", "records")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(EvaluationRun)
class EvaluationRunAdmin(admin.ModelAdmin):
    """Runs are evidence: they are read here, never edited."""

    list_display = ("id", "status", "created_at", "created_by", "fingerprint_short")
    list_filter = ("status",)
    list_select_related = ("created_by",)
    inlines = [RecommendationCheckInline]
    readonly_fields = [f.name for f in EvaluationRun._meta.fields]

    @admin.display(description=_("fingerprint"))
    def fingerprint_short(self, obj):
        return obj.fingerprint[:12]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutputTarget)
class OutputTargetAdmin(SimpleHistoryAdmin):
    list_display = ("goal", "year", "value", "provenance")
    list_filter = ("year", "goal__activity_type", "provenance")
    list_select_related = ("goal",)


@admin.register(RecommendationCheck)
class RecommendationCheckAdmin(admin.ModelAdmin):
    """Check results belong to a frozen run: read-only."""

    list_display = ("run", "recommendation", "status", "compliant", "total")
    list_filter = ("status", "recommendation")
    list_select_related = ("run", "recommendation")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
