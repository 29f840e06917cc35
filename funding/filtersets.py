import django_filters as df
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.filtersets import (
    IntegerFilter,
    SearchFilterMixin,
    ordering_filter,
    provenance_filter,
    year_filter,
)

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
    province = df.CharFilter(field_name="province__slug", label=_("Province (slug)"))
    source = df.MultipleChoiceFilter(choices=Source.choices, label=_("Source category (repeat for several)"))
    kind = df.ChoiceFilter(choices=FunderKind.choices, label=_("Kind of funder"))
    provenance = provenance_filter()
    ordering = ordering_filter("name", "source", "kind")

    class Meta:
        model = Funder
        fields = ["source", "kind", "provenance"]


class FundingRecordFilterSet(SearchFilterMixin):
    search_fields = ("fieldlab__name", "hub__name", "bureau__name", "funder__name", "evidence_note")
    year = year_filter("year", label=_("Year"))
    year_min = year_filter("year", "gte", _("In or after this year"))
    year_max = year_filter("year", "lte", _("In or before this year"))
    amount_min = AmountFilter(field_name="amount", lookup_expr="gte", label=_("Amount at least (EUR)"))
    amount_max = AmountFilter(field_name="amount", lookup_expr="lte", label=_("Amount at most (EUR)"))
    source = df.MultipleChoiceFilter(choices=Source.choices, label=_("Source (repeat for several)"))
    status = df.MultipleChoiceFilter(choices=RecordStatus.choices, label=_("Workflow status (repeat for several)"))
    kind = df.ChoiceFilter(choices=FundingKind.choices, label=_("Cash or in kind"))
    realisation = df.ChoiceFilter(choices=Realisation.choices, label=_("Planned or realised"))
    provenance = provenance_filter()
    fieldlab = df.CharFilter(field_name="fieldlab__slug", label=_("Fieldlab (slug)"))
    hub = df.CharFilter(method="filter_hub", label=_("Hub (slug): the hub's own records and its fieldlabs'"))
    province = df.CharFilter(field_name="fieldlab__province__slug", label=_("Fieldlab province (slug)"))
    funder = df.CharFilter(field_name="funder__slug", label=_("Funder (slug)"))
    activity_type = df.CharFilter(field_name="activity_type__code", label=_("Activity type (code)"))
    recipient_kind = df.ChoiceFilter(
        choices=RecipientKind.choices, method="filter_recipient_kind", label=_("Kind of recipient")
    )
    ordering = ordering_filter("year", "amount", "source", "status", "id", "updated_at")

    class Meta:
        model = FundingRecord
        fields = ["year", "kind", "realisation", "provenance"]

    def filter_hub(self, queryset, name, value):
        return queryset.filter(Q(hub__slug=value) | Q(fieldlab__hub__slug=value))

    def filter_recipient_kind(self, queryset, name, value):
        return queryset.for_recipient_kind(value)


__all__ = ["FunderFilterSet", "FundingRecordFilterSet", "IntegerFilter"]
