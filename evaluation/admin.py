"""Admin for the intervention logic, norms, measurements, recommendations and (read-only) runs.

The policy decides and the services write (core/admin.py): the intervention logic through the
bureau's generic services, measurements through their own services and the one workflow.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyInline, ServiceAdmin
from review.admin_base import ReviewableAdmin, workflow_actions
from review.workflow import workflow_transition

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
from .services import (
    follow_up_action_create,
    follow_up_action_update,
    measurement_create,
    measurement_update,
)


class OutputGoalInline(ReadOnlyInline):
    model = OutputGoal
    fields = ("code", "name", "indicator", "provenance")
    show_change_link = True


class OutputTargetInline(ReadOnlyInline):
    model = OutputTarget
    fields = ("year", "value", "provenance", "provenance_source")


class FollowUpActionInline(ReadOnlyInline):
    model = FollowUpAction
    fields = ("title", "owner", "due_date", "status", "evidence", "provenance")


@admin.register(ActivityType)
class ActivityTypeAdmin(ServiceAdmin):
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
class BottleneckAdmin(ServiceAdmin):
    list_display = ("name", "code", "sort_order", "provenance")
    search_fields = ("name", "code")
    list_filter = ("provenance",)


@admin.register(Indicator)
class IndicatorAdmin(ServiceAdmin):
    list_display = ("name", "code", "unit", "provenance")
    list_filter = ("unit", "provenance")
    search_fields = ("name", "code")


@admin.register(OutputGoal)
class OutputGoalAdmin(ServiceAdmin):
    list_display = ("name", "code", "activity_type", "indicator", "provenance")
    list_filter = ("activity_type", "provenance")
    list_select_related = ("activity_type", "indicator")
    search_fields = ("name", "code")
    filter_horizontal = ("bottlenecks",)
    inlines = [OutputTargetInline]


@admin.register(Measurement)
class MeasurementAdmin(ReviewableAdmin):
    list_display = ("indicator", "activity_type", "year", "fieldlab", "hub", "value", "status", "provenance")
    list_filter = ("status", "year", "activity_type", "indicator", "provenance")
    list_select_related = ("indicator", "activity_type", "fieldlab", "hub")
    search_fields = ("fieldlab__name", "hub__name", "indicator__name")
    autocomplete_fields = ("fieldlab", "hub")
    actions = workflow_actions(workflow_transition)  # a measurement's step is the workflow's alone

    def service_create(self, *, actor, data):
        return measurement_create(actor=actor, **data)

    def service_update(self, *, instance, actor, data):
        return measurement_update(measurement=instance, actor=actor, data=data)


@admin.register(VerdictBand)
class VerdictBandAdmin(ServiceAdmin):
    list_display = ("verdict", "min_ratio", "provenance")


@admin.register(EfficiencyNorm)
class EfficiencyNormAdmin(ServiceAdmin):
    list_display = ("activity_type", "indicator", "max_cost_per_unit", "max_regional_cost_per_unit", "provenance")
    list_select_related = ("activity_type", "indicator")


@admin.register(Recommendation)
class RecommendationAdmin(ServiceAdmin):
    list_display = ("number", "title", "code", "met_share", "partly_share", "provenance")
    inlines = [FollowUpActionInline]


@admin.register(FollowUpAction)
class FollowUpActionAdmin(ServiceAdmin):
    list_display = ("title", "recommendation", "owner", "due_date", "status")
    list_filter = ("status", "recommendation")
    list_select_related = ("recommendation",)
    search_fields = ("title", "title_nl", "owner", "owner_nl")
    fields = ("recommendation", "title", "title_nl", "owner", "owner_nl", "due_date", "status", "evidence")

    def get_readonly_fields(self, request, obj=None):
        # An action stays with its recommendation; the service changes only the action's own fields.
        return ("recommendation",) if obj else ()

    def service_create(self, *, actor, data):
        return follow_up_action_create(actor=actor, **data)

    def service_update(self, *, instance, actor, data):
        return follow_up_action_update(action=instance, actor=actor, data=data)


class RecommendationCheckInline(admin.TabularInline):
    model = RecommendationCheck
    can_delete = False
    fields = ("recommendation", "status", "compliant", "total", "figures", "records")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(EvaluationRun)
class EvaluationRunAdmin(admin.ModelAdmin):
    """Runs are evidence: they are read here, never edited. Status and who started a run are its job's."""

    list_display = ("id", "status", "created_at", "created_by", "fingerprint_short")
    list_filter = ("job__status",)
    list_select_related = ("job__owner",)
    inlines = [RecommendationCheckInline]
    readonly_fields = [f.name for f in EvaluationRun._meta.fields]

    @admin.display(description=_("status"), ordering="job__status")
    def status(self, obj):
        return obj.job.get_status_display()

    @admin.display(description=_("started by"), ordering="job__owner__username")
    def created_by(self, obj):
        return obj.job.owner

    @admin.display(description=_("fingerprint"))
    def fingerprint_short(self, obj):
        return obj.fingerprint[:12]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutputTarget)
class OutputTargetAdmin(ServiceAdmin):
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
