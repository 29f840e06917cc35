"""The registry's FilterSets, one per model, shared by the web lists and the API (the dialect: core/filtersets.py)."""

import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filtersets import (
    YEAR_BOUNDS,
    IntegerFilter,
    SearchFilterMixin,
    choice_filter,
    ordering_filter,
    provenance_filter,
    slug_filter,
    slugs_of,
    year_filter,
)

from .choices import CompanySize, FieldlabStatus, PartnerKind, SupportType, TnoType
from .models import Company, Fieldlab, Hub, Participation, Partner, Province


class PartnerFilterSet(SearchFilterMixin):
    search_fields = ("name", "short_name")
    lookup_fields = {"name": "name", "short_name": "short_name"}
    kind = choice_filter(PartnerKind.choices, _("Kind of partner"))
    provenance = provenance_filter()
    joined_year = year_filter("joined_year", label=_("Joined in this year"))
    joined_year_min = year_filter("joined_year", "gte", _("Joined in or after this year"))
    joined_year_max = year_filter("joined_year", "lte", _("Joined in or before this year"))
    ordering = ordering_filter("name", "short_name", "joined_year")

    class Meta:
        model = Partner
        fields = ["kind", "provenance", "joined_year"]


class ProvinceFilterSet(SearchFilterMixin):
    lookup_fields = {"name": "name"}
    code = df.MultipleChoiceFilter(
        choices=lambda: [(c, c) for c in Province.objects.order_by("code").values_list("code", flat=True)],
        label=_("Two-letter province code"),
    )
    hub = slug_filter("hubs", Hub.objects.all(), _("Covered by this hub (slug)"), distinct=True)
    ordering = ordering_filter("name", "code")

    class Meta:
        model = Province
        fields = ["code"]


class HubFilterSet(SearchFilterMixin):
    search_fields = ("name", "short_name", "coordinating_organisation")
    lookup_fields = {"name": "name", "province": "provinces__slug"}
    province = slug_filter("provinces", Province.objects.all(), _("Covers this province (slug)"), distinct=True)
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
    lookup_fields = {
        "name": "name",
        "theme": "theme",
        "city": "city",
        "website": "website",
        "hub": "hub__slug",
        "province": "province__slug",
    }
    hub = slug_filter("hub", Hub.objects.all(), _("Hub (slug)"))
    province = slug_filter("province", Province.objects.all(), _("Province (slug)"))
    national = df.BooleanFilter(field_name="hub", lookup_expr="isnull", label=_("Works nationally (no hub)"))
    status = choice_filter(FieldlabStatus.choices, _("Status"))
    tno_type = df.TypedMultipleChoiceFilter(choices=TnoType.choices, coerce=int, label=_("TNO type (1–4)"))
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
    lookup_fields = {"name": "name", "city": "city", "kvk_number": "kvk_number", "province": "province__slug"}
    province = slug_filter("province", Province.objects.all(), _("Province (slug)"))
    fieldlab = slug_filter(
        "participations__fieldlab", Fieldlab.objects.all(), _("Took part in this fieldlab (slug)"), distinct=True
    )
    hub = slug_filter(
        "", Hub.objects.all(), _("Took part at this hub or one of its fieldlabs (slug)"), method="filter_hub"
    )
    size_class = choice_filter(CompanySize.choices, _("Size class"))
    kvk_number = df.CharFilter(label=_("KvK number (8 digits)"))
    provenance = provenance_filter()
    ordering = ordering_filter("name", "city", "size_class")

    class Meta:
        model = Company
        fields = ["size_class", "kvk_number", "provenance"]

    def filter_hub(self, queryset, name, value):
        if not value:  # an empty queryset is not one of django-filter's EMPTY_VALUES
            return queryset
        slugs = slugs_of(value)
        hosted = Participation.objects.filter(Q(hub__slug__in=slugs) | Q(fieldlab__hub__slug__in=slugs))
        return queryset.filter(pk__in=hosted.values("company_id"))


class ParticipationFilterSet(SearchFilterMixin):
    search_fields = ("company__name", "fieldlab__name", "hub__name")
    lookup_fields = {"fieldlab": "fieldlab__slug"}
    company = slug_filter("company", Company.objects.all(), _("Company (id)"), to_field_name="pk")
    fieldlab = slug_filter("fieldlab", Fieldlab.objects.all(), _("Fieldlab (slug)"))
    hub = slug_filter(
        "", Hub.objects.all(), _("Hub (slug): at the hub itself or at one of its fieldlabs"), method="filter_hub"
    )
    support_type = choice_filter(SupportType.choices, _("Kind of support"))
    provenance = provenance_filter()
    year = year_filter("year", label=_("Year"))
    year_min = year_filter("year", "gte", _("In or after this year"))
    year_max = year_filter("year", "lte", _("In or before this year"))
    ordering = ordering_filter("year", "company__name", "support_type")

    class Meta:
        model = Participation
        fields = ["year", "support_type", "provenance"]

    def filter_hub(self, queryset, name, value):
        if not value:  # an empty queryset is not one of django-filter's EMPTY_VALUES
            return queryset
        slugs = slugs_of(value)
        return queryset.filter(Q(hub__slug__in=slugs) | Q(fieldlab__hub__slug__in=slugs))
