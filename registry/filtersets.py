"""One FilterSet per model, shared by the web lists and the API."""

import django_filters as df
from django.db.models import Q

from .models import Company, Fieldlab, Hub, Partner, Province


class SearchFilterMixin(df.FilterSet):
    q = df.CharFilter(method="search", label="Search")
    search_fields: tuple[str, ...] = ("name",)

    def search(self, queryset, name, value):
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)


class PartnerFilterSet(SearchFilterMixin):
    search_fields = ("name", "short_name")

    class Meta:
        model = Partner
        fields = ["kind", "provenance", "joined_year"]


class ProvinceFilterSet(SearchFilterMixin):
    class Meta:
        model = Province
        fields = ["code"]


class HubFilterSet(SearchFilterMixin):
    search_fields = ("name", "short_name", "coordinating_organisation")
    province = df.CharFilter(field_name="provinces__slug", label="Province (slug)", distinct=True)

    class Meta:
        model = Hub
        fields = ["provenance", "founded_year"]


class FieldlabFilterSet(SearchFilterMixin):
    search_fields = ("name", "theme", "city")
    hub = df.CharFilter(field_name="hub__slug", label="Hub (slug)")
    province = df.CharFilter(field_name="province__slug", label="Province (slug)")
    national = df.BooleanFilter(field_name="hub", lookup_expr="isnull", label="Works nationally (no hub)")
    start_year_min = df.NumberFilter(field_name="start_year", lookup_expr="gte")
    start_year_max = df.NumberFilter(field_name="start_year", lookup_expr="lte")
    active_in = df.NumberFilter(method="filter_active_in", label="Existed in year")

    class Meta:
        model = Fieldlab
        fields = ["status", "tno_type", "provenance"]

    def filter_active_in(self, queryset, name, value):
        return queryset.filter(start_year__lte=value).filter(Q(end_year__isnull=True) | Q(end_year__gte=value))


class CompanyFilterSet(SearchFilterMixin):
    search_fields = ("name", "kvk_number", "city")
    province = df.CharFilter(field_name="province__slug", label="Province (slug)")
    fieldlab = df.CharFilter(field_name="participations__fieldlab__slug", label="Fieldlab (slug)", distinct=True)

    class Meta:
        model = Company
        fields = ["size_class", "kvk_number", "provenance"]
