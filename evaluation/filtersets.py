"""One FilterSet per model, shared by the web pages and the API."""

import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from funding.choices import RecordStatus
from registry.filtersets import ApiFilterSet, ordering_filter

from .choices import RunStatus
from .models import ActivityType, EvaluationRun, FollowUpAction, Measurement, OutputGoal


class ActivityTypeFilterSet(df.FilterSet):
    class Meta:
        model = ActivityType
        fields = ["lead_level", "demand_steered", "concerns_skills", "provenance"]


class OutputGoalFilterSet(df.FilterSet):
    activity_type = df.CharFilter(field_name="activity_type__code", label="Activity type (code)")
    indicator = df.CharFilter(field_name="indicator__code", label="Indicator (code)")
    measurable = df.BooleanFilter(field_name="indicator", lookup_expr="isnull", exclude=True, label="Has an indicator")

    class Meta:
        model = OutputGoal
        fields = ["provenance"]


class MeasurementFilterSet(df.FilterSet):
    year_min = df.NumberFilter(field_name="year", lookup_expr="gte")
    year_max = df.NumberFilter(field_name="year", lookup_expr="lte")
    status = df.MultipleChoiceFilter(choices=RecordStatus.choices)
    activity_type = df.CharFilter(field_name="activity_type__code", label="Activity type (code)")
    indicator = df.CharFilter(field_name="indicator__code", label="Indicator (code)")
    fieldlab = df.CharFilter(field_name="fieldlab__slug", label="Fieldlab (slug)")
    hub = df.CharFilter(method="filter_hub", label="Hub (slug): the hub's own figures and its fieldlabs'")

    class Meta:
        model = Measurement
        fields = ["year", "provenance"]

    def filter_hub(self, queryset, name, value):
        return queryset.filter(Q(hub__slug=value) | Q(fieldlab__hub__slug=value))


class FollowUpActionFilterSet(df.FilterSet):
    recommendation = df.CharFilter(field_name="recommendation__code", label="Recommendation (code)")
    due_before = df.DateFilter(field_name="due_date", lookup_expr="lte")

    class Meta:
        model = FollowUpAction
        fields = ["status"]


class EvaluationRunFilterSet(ApiFilterSet):
    status = df.MultipleChoiceFilter(choices=RunStatus.choices, label=_("Run status"))
    ordering = ordering_filter("created_at", "id")

    class Meta:
        model = EvaluationRun
        fields = ["status"]
