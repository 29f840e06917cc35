"""One FilterSet per model, shared by the web pages and the API."""

import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filtersets import (
    ApiFilterSet,
    choice_filter,
    ordering_filter,
    provenance_filter,
    slug_filter,
    slugs_of,
    year_filter,
)
from funding.choices import RecordStatus
from jobs.choices import JobStatus
from registry.models import Fieldlab, Hub

from .choices import IndicatorUnit
from .models import (
    ActivityType,
    EfficiencyNorm,
    EvaluationRun,
    Indicator,
    Measurement,
    OutputGoal,
    OutputTarget,
    VerdictBand,
)


def _activity_types(request=None):
    return ActivityType.objects.all()


def _indicators(request=None):
    return Indicator.objects.all()


class IndicatorFilterSet(ApiFilterSet):
    lookup_fields = {"name": "name"}
    code = slug_filter("", _indicators, _("Indicator (code)"), to_field_name="code")
    unit = choice_filter(IndicatorUnit.choices, _("Unit"))
    provenance = provenance_filter()
    ordering = ordering_filter("code", "name")

    class Meta:
        model = Indicator
        fields = ["unit", "provenance"]


class OutputGoalFilterSet(ApiFilterSet):
    lookup_fields = {"name": "name", "indicator": "indicator__code"}
    activity_type = slug_filter("activity_type", _activity_types, _("Activity type (code)"), to_field_name="code")
    indicator = slug_filter("indicator", _indicators, _("Indicator (code)"), to_field_name="code")
    measurable = df.BooleanFilter(
        field_name="indicator", lookup_expr="isnull", exclude=True, label=_("Has an indicator")
    )
    provenance = provenance_filter()
    ordering = ordering_filter("code", "name")

    class Meta:
        model = OutputGoal
        fields = ["provenance"]


class OutputTargetFilterSet(ApiFilterSet):
    goal = slug_filter("goal", OutputGoal.objects.all(), _("Output goal (code)"), to_field_name="code")
    activity_type = slug_filter("goal__activity_type", _activity_types, _("Activity type (code)"), to_field_name="code")
    year = year_filter("year", label=_("Year"))
    year_min = year_filter("year", "gte", _("In or after this year"))
    year_max = year_filter("year", "lte", _("In or before this year"))
    provenance = provenance_filter()
    ordering = ordering_filter("year", "goal__code")

    class Meta:
        model = OutputTarget
        fields = ["year", "provenance"]


class MeasurementFilterSet(ApiFilterSet):
    year = year_filter("year", label=_("Year"))
    year_min = year_filter("year", "gte", _("In or after this year"))
    year_max = year_filter("year", "lte", _("In or before this year"))
    status = df.MultipleChoiceFilter(choices=RecordStatus.choices, label=_("Workflow status"))
    activity_type = slug_filter("activity_type", _activity_types, _("Activity type (code)"), to_field_name="code")
    indicator = slug_filter("indicator", _indicators, _("Indicator (code)"), to_field_name="code")
    fieldlab = slug_filter("fieldlab", Fieldlab.objects.all(), _("Fieldlab (slug)"))
    hub = slug_filter(
        "", Hub.objects.all(), _("Hub (slug): the hub's own figures and its fieldlabs'"), method="filter_hub"
    )
    provenance = provenance_filter()
    ordering = ordering_filter("year", "indicator__code")

    class Meta:
        model = Measurement
        fields = ["year", "provenance"]

    def filter_hub(self, queryset, name, value):
        if not value:
            return queryset
        slugs = slugs_of(value)
        return queryset.filter(Q(hub__slug__in=slugs) | Q(fieldlab__hub__slug__in=slugs))


class VerdictBandFilterSet(ApiFilterSet):
    verdict = choice_filter(VerdictBand._meta.get_field("verdict").choices, _("Verdict"))
    provenance = provenance_filter()
    ordering = ordering_filter("min_ratio", "verdict")

    class Meta:
        model = VerdictBand
        fields = ["verdict", "provenance"]


class EfficiencyNormFilterSet(ApiFilterSet):
    activity_type = slug_filter("activity_type", _activity_types, _("Activity type (code)"), to_field_name="code")
    indicator = slug_filter("indicator", _indicators, _("Indicator (code)"), to_field_name="code")
    provenance = provenance_filter()
    ordering = ordering_filter("activity_type__code", "indicator__code")

    class Meta:
        model = EfficiencyNorm
        fields = ["provenance"]


class EvaluationRunFilterSet(ApiFilterSet):
    # A run's status is its job's.
    status = df.MultipleChoiceFilter(field_name="job__status", choices=JobStatus.choices, label=_("Run status"))
    ordering = ordering_filter("created_at", "id")

    class Meta:
        model = EvaluationRun
        fields = ["status"]
