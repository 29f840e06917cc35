import django_filters as df

from registry.filtersets import SearchFilterMixin

from .choices import RecipientKind
from .models import Funder, FundingRecord, ReportingPeriod


class FunderFilterSet(SearchFilterMixin):
    province = df.CharFilter(field_name="province__slug", label="Province (slug)")

    class Meta:
        model = Funder
        fields = ["source", "kind", "provenance"]


class FundingRecordFilterSet(df.FilterSet):
    year_min = df.NumberFilter(field_name="year", lookup_expr="gte")
    year_max = df.NumberFilter(field_name="year", lookup_expr="lte")
    amount_min = df.NumberFilter(field_name="amount", lookup_expr="gte")
    amount_max = df.NumberFilter(field_name="amount", lookup_expr="lte")
    source = df.MultipleChoiceFilter(choices=FundingRecord._meta.get_field("source").choices)
    status = df.MultipleChoiceFilter(choices=FundingRecord._meta.get_field("status").choices)
    fieldlab = df.CharFilter(field_name="fieldlab__slug", label="Fieldlab (slug)")
    hub = df.CharFilter(method="filter_hub", label="Hub (slug): the hub's own records and its fieldlabs'")
    province = df.CharFilter(field_name="fieldlab__province__slug", label="Fieldlab province (slug)")
    funder = df.CharFilter(field_name="funder__slug", label="Funder (slug)")
    activity_type = df.CharFilter(field_name="activity_type__code", label="Activity type (code)")
    recipient_kind = df.ChoiceFilter(choices=RecipientKind.choices, method="filter_recipient_kind")

    class Meta:
        model = FundingRecord
        fields = ["year", "kind", "realisation", "provenance"]

    def filter_hub(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(hub__slug=value) | Q(fieldlab__hub__slug=value))

    def filter_recipient_kind(self, queryset, name, value):
        return queryset.for_recipient_kind(value)


class ReportingPeriodFilterSet(df.FilterSet):
    hub = df.CharFilter(field_name="hub__slug")

    class Meta:
        model = ReportingPeriod
        fields = ["year", "status"]
