"""One FilterSet per model, shared by the web lists and the API.

Every FilterSet has ``q`` (search), ``ordering`` (stable: the primary key breaks ties, so pages never overlap) and
exact, range and relation filters. Number filters are bounded, so out-of-range input is a 400, not a database error.
"""

import django_filters as df
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartindustry.constants import YEAR_MAX, YEAR_MIN
from smartindustry.models import Provenance

from .choices import CompanySize, FieldlabStatus, PartnerKind, SupportType, TnoType
from .models import Company, Fieldlab, Hub, Participation, Partner, Province

# The years the registry accepts (the models' validators and database checks): a year outside them is a 400 that
# names the bounds, not an empty list.
YEAR_BOUNDS = {"min_value": YEAR_MIN, "max_value": YEAR_MAX}


class IntegerFilter(df.NumberFilter):
    field_class = forms.IntegerField


def year_filter(field_name: str, lookup: str = "exact", label=None) -> IntegerFilter:
    return IntegerFilter(field_name=field_name, lookup_expr=lookup, label=label, **YEAR_BOUNDS)


class StableOrderingFilter(df.OrderingFilter):
    """Ordering by the chosen fields, then by primary key, so paging through a list is deterministic."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            ordering = list(qs.query.order_by)
            if "pk" not in ordering and "-pk" not in ordering:
                qs = qs.order_by(*ordering, "pk")
        return qs


class SearchFilterMixin(df.FilterSet):
    q = df.CharFilter(method="search", label=_("Search (case-insensitive, in names and other text)"))
    search_fields: tuple[str, ...] = ("name",)

    def search(self, queryset, name, value):
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)


def provenance_filter() -> df.ChoiceFilter:
    return df.ChoiceFilter(choices=Provenance.choices, label=_("Provenance: published or illustrative"))


def ordering_filter(*fields: str) -> StableOrderingFilter:
    return StableOrderingFilter(
        fields=fields, label=_("Sort by these fields (comma-separated; prefix with - for descending)")
    )


class PartnerFilterSet(SearchFilterMixin):
    search_fields = ("name", "short_name")
    kind = df.ChoiceFilter(choices=PartnerKind.choices, label=_("Kind of partner"))
    provenance = provenance_filter()
    joined_year = year_filter("joined_year", label=_("Joined in this year"))
    joined_year_min = year_filter("joined_year", "gte", _("Joined in or after this year"))
    joined_year_max = year_filter("joined_year", "lte", _("Joined in or before this year"))
    ordering = ordering_filter("name", "short_name", "joined_year")

    class Meta:
        model = Partner
        fields = ["kind", "provenance", "joined_year"]


class ProvinceFilterSet(SearchFilterMixin):
    code = df.CharFilter(label=_("Two-letter province code"))
    hub = df.CharFilter(field_name="hubs__slug", label=_("Covered by this hub (slug)"), distinct=True)
    ordering = ordering_filter("name", "code")

    class Meta:
        model = Province
        fields = ["code"]


class HubFilterSet(SearchFilterMixin):
    search_fields = ("name", "short_name", "coordinating_organisation")
    province = df.CharFilter(field_name="provinces__slug", label=_("Covers this province (slug)"), distinct=True)
    provenance = provenance_filter()
    founded_year = year_filter("founded_year", label=_("Founded in this year"))
    founded_year_min = year_filter("founded_year", "gte", _("Founded in or after this year"))
    founded_year_max = year_filter("founded_year", "lte", _("Founded in or before this year"))
    ordering = ordering_filter("name", "founded_year")

    class Meta:
        model = Hub
        fields = ["provenance", "founded_year"]


class FieldlabFilterSet(SearchFilterMixin):
    search_fields = ("name", "theme", "city")
    hub = df.CharFilter(field_name="hub__slug", label=_("Hub (slug)"))
    province = df.CharFilter(field_name="province__slug", label=_("Province (slug)"))
    national = df.BooleanFilter(field_name="hub", lookup_expr="isnull", label=_("Works nationally (no hub)"))
    status = df.ChoiceFilter(choices=FieldlabStatus.choices, label=_("Status"))
    tno_type = df.TypedChoiceFilter(choices=TnoType.choices, coerce=int, label=_("TNO type (1–4)"))
    provenance = provenance_filter()
    start_year = year_filter("start_year", label=_("Started in this year"))
    start_year_min = year_filter("start_year", "gte", _("Started in or after this year"))
    start_year_max = year_filter("start_year", "lte", _("Started in or before this year"))
    active_in = IntegerFilter(method="filter_active_in", label=_("Existed in this year"), **YEAR_BOUNDS)
    ordering = ordering_filter("name", "start_year", "city", "tno_type")

    class Meta:
        model = Fieldlab
        fields = ["status", "tno_type", "provenance"]

    def filter_active_in(self, queryset, name, value):
        return queryset.filter(start_year__lte=value).filter(Q(end_year__isnull=True) | Q(end_year__gte=value))


class CompanyFilterSet(SearchFilterMixin):
    search_fields = ("name", "kvk_number", "city")
    province = df.CharFilter(field_name="province__slug", label=_("Province (slug)"))
    fieldlab = df.CharFilter(
        field_name="participations__fieldlab__slug", label=_("Took part in this fieldlab (slug)"), distinct=True
    )
    hub = df.CharFilter(method="filter_hub", label=_("Took part at this hub or one of its fieldlabs (slug)"))
    size_class = df.ChoiceFilter(choices=CompanySize.choices, label=_("Size class"))
    kvk_number = df.CharFilter(label=_("KvK number (8 digits)"))
    provenance = provenance_filter()
    ordering = ordering_filter("name", "city", "size_class")

    class Meta:
        model = Company
        fields = ["size_class", "kvk_number", "provenance"]

    def filter_hub(self, queryset, name, value):
        hosted = Participation.objects.filter(Q(hub__slug=value) | Q(fieldlab__hub__slug=value))
        return queryset.filter(pk__in=hosted.values("company_id"))


class ParticipationFilterSet(SearchFilterMixin):
    search_fields = ("company__name", "fieldlab__name", "hub__name")
    company = df.NumberFilter(field_name="company_id", label=_("Company (id)"))
    fieldlab = df.CharFilter(field_name="fieldlab__slug", label=_("Fieldlab (slug)"))
    hub = df.CharFilter(method="filter_hub", label=_("Hub (slug): at the hub itself or at one of its fieldlabs"))
    support_type = df.ChoiceFilter(choices=SupportType.choices, label=_("Kind of support"))
    provenance = provenance_filter()
    year = year_filter("year", label=_("Year"))
    year_min = year_filter("year", "gte", _("In or after this year"))
    year_max = year_filter("year", "lte", _("In or before this year"))
    ordering = ordering_filter("year", "company__name", "support_type")

    class Meta:
        model = Participation
        fields = ["year", "support_type", "provenance"]

    def filter_hub(self, queryset, name, value):
        return queryset.filter(Q(hub__slug=value) | Q(fieldlab__hub__slug=value))
