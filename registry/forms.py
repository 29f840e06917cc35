"""Bureau editing forms of the registry. They only parse input; core.services does the write."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import SlugFromNameMixin

from .models import Company, Fieldlab, Hub, Partner

PROVENANCE_FIELDS = ["provenance", "provenance_source"]


def _website():
    # A web address typed without a scheme is taken as https (Django 6's default, chosen now).
    return forms.URLField(label=capfirst(_("website")), required=False, assume_scheme="https")


class PartnerForm(SlugFromNameMixin, forms.ModelForm):
    website = _website()

    class Meta:
        model = Partner
        fields = ["name", "short_name", "slug", "kind", "joined_year", "website", "description", *PROVENANCE_FIELDS]


class HubForm(SlugFromNameMixin, forms.ModelForm):
    website = _website()

    class Meta:
        model = Hub
        fields = [
            "name",
            "short_name",
            "slug",
            "provinces",
            "founded_year",
            "coordinating_organisation",
            "website",
            "description",
            *PROVENANCE_FIELDS,
        ]
        widgets = {"provinces": forms.CheckboxSelectMultiple}


class FieldlabForm(SlugFromNameMixin, forms.ModelForm):
    website = _website()

    class Meta:
        model = Fieldlab
        fields = [
            "name",
            "slug",
            "theme",
            "tno_type",
            "city",
            "province",
            "hub",
            "start_year",
            "end_year",
            "status",
            "website",
            "description",
            *PROVENANCE_FIELDS,
        ]


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = ["name", "kvk_number", "size_class", "city", "province", *PROVENANCE_FIELDS]

    def clean_kvk_number(self):
        # An empty KvK number is stored as NULL so the "unique when present" rule leaves it alone.
        return self.cleaned_data["kvk_number"] or None
