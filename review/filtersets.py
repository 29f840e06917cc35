import django_filters as df
from django.utils.translation import gettext_lazy as _

from core.filtersets import ordering_filter, year_filter

from .choices import PeriodStatus
from .models import ReportingPeriod

__all__ = ["ReportingPeriodFilterSet"]


class ReportingPeriodFilterSet(df.FilterSet):
    hub = df.CharFilter(field_name="hub__slug", label=_("Hub (slug)"))
    status = df.ChoiceFilter(choices=PeriodStatus.choices, label=_("Open or closed"))
    year = year_filter("year", label=_("Year"))
    year_min = year_filter("year", "gte", _("In or after this year"))
    year_max = year_filter("year", "lte", _("In or before this year"))
    ordering = ordering_filter("year", "hub__name", "status")

    class Meta:
        model = ReportingPeriod
        fields = ["year", "status"]
