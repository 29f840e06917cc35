import django_filters as df
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filtersets import (
    IntegerFilter,
    SearchFilterMixin,
    choice_filter,
    ordering_filter,
    provenance_filter,
    slug_filter,
    slugs_of,
    year_filter,
)
from registry.models import Fieldlab, Hub, Province

from .choices import FunderKind, FundingKind, Realisation, RecipientKind, RecordStatus, Source
from .models import Funder, FundingRecord


class AmountFilter(df.NumberFilter):
    """Euro amounts: at most 12 digits before and 2 after the point, like the column itself."""

    field_class = forms.DecimalField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        super().__init__(*args, **kwargs)


class FunderFilterSet(SearchFilterMixin):
    lookup_fields = {"name": "name", "province": "province__slug"}
    province = slug_filter("province", Province.objects.all(), _("Province (slug)"))
    source = choice_filter(Source.choices, _("Source category"))
    kind = choice_filter(FunderKind.choices, _("Kind of funder"))
    provenance = provenance_filter()
    ordering = ordering_filter("name", "source", "kind")

    class Meta:
        model = Funder
        fields = ["source", "kind", "provenance"]


class FundingRecordFilterSet(SearchFilterMixin):
    search_fields = ("fieldlab__name", "hub__name", "bureau__name", "funder__name", "evidence_note")
    lookup_fields = {
        "evidence_note": "evidence_note",
        "fieldlab": "fieldlab__slug",
        "funder": "funder__slug",
        "activity_type": "activity_type__code",
    }
    year = year_filter("year", label=_("Year"))
    year_min = year_filter("year", "gte", _("In or after this year"))
    year_max = year_filter("year", "lte", _("In or before this year"))
    amount_min = AmountFilter(field_name="amount", lookup_expr="gte", label=_("Amount at least (EUR)"))
    amount_max = AmountFilter(field_name="amount", lookup_expr="lte", label=_("Amount at most (EUR)"))
    source = choice_filter(Source.choices, _("Source"))
    status = choice_filter(RecordStatus.choices, _("Workflow status"))
    kind = choice_filter(FundingKind.choices, _("Cash or in kind"))
    realisation = choice_filter(Realisation.choices, _("Planned or realised"))
    provenance = provenance_filter()
    fieldlab = slug_filter("fieldlab", Fieldlab.objects.all(), _("Fieldlab (slug)"))
    hub = slug_filter(
        "", Hub.objects.all(), _("Hub (slug): the hub's own records and its fieldlabs'"), method="filter_hub"
    )
    province = slug_filter("fieldlab__province", Province.objects.all(), _("Fieldlab province (slug)"))
    funder = slug_filter("funder", Funder.objects.all(), _("Funder (slug)"))
    # evaluation sits above funding: reach the activity types through the foreign key, not an import.
    activity_type = slug_filter(
        "activity_type",
        lambda request: FundingRecord.activity_type.field.related_model.objects.all(),
        _("Activity type (code)"),
        to_field_name="code",
    )
    recipient_kind = choice_filter(RecipientKind.choices, _("Kind of recipient"), method="filter_recipient_kind")
    ordering = ordering_filter("year", "amount", "source", "status", "id", "updated_at")

    class Meta:
        model = FundingRecord
        fields = ["year", "kind", "realisation", "provenance"]

    def filter_hub(self, queryset, name, value):
        if not value:  # an empty queryset is not one of django-filter's EMPTY_VALUES
            return queryset
        slugs = slugs_of(value)
        return queryset.filter(Q(hub__slug__in=slugs) | Q(fieldlab__hub__slug__in=slugs))

    def filter_recipient_kind(self, queryset, name, value):
        query = Q()
        for kind in value:
            query |= Q(**{f"{kind}__isnull": False})
        return queryset.filter(query)


__all__ = ["FunderFilterSet", "FundingRecordFilterSet", "IntegerFilter"]
