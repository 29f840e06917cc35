"""Forms of the funding pages. They parse input only; funding.services does every write."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from core.amounts import parse_amount
from core.constants import YEAR_MAX, YEAR_MIN
from core.forms import SlugFromNameMixin
from registry.models import Fieldlab, Hub

from .choices import Source
from .fields import EDITABLE_FIELDS, RECIPIENT_FIELDS, recipient_lookup
from .models import Funder, FundingRecord


class FundingRecordForm(forms.ModelForm):
    field_order = RECIPIENT_FIELDS  # the recipient first, then the rest in the order of funding/fields.py

    class Meta:
        model = FundingRecord
        fields = EDITABLE_FIELDS
        labels = {"fieldlab": _("fieldlab"), "hub": _("hub"), "bureau": _("programme bureau")}
        help_texts = {"fieldlab": _("Choose exactly one recipient: a fieldlab, a hub or the bureau.")}
        widgets = {"evidence_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Amounts as people type them in either language (12.500,00 or 12,500.00), not only Python's 12500.00.
        original = self.fields["amount"]
        self.fields["amount"] = AmountField(label=original.label, help_text=original.help_text)
        if user is not None and user.is_coordinator:
            # A coordinator reports only for their own hub; the service enforces it, the choices say it.
            self.fields["fieldlab"].queryset = Fieldlab.objects.filter(hub_id=user.hub_id)
            self.fields["hub"].queryset = Hub.objects.filter(pk=user.hub_id)
            del self.fields["bureau"]

    @staticmethod
    def initial_recipient(params) -> dict:
        """Initial data naming the recipient as links and files do (``?recipient_kind=fieldlab&recipient=<slug>``);
        nothing when the link names no recipient or one that does not exist (the form then starts empty)."""
        kind, slug = params.get("recipient_kind", ""), params.get("recipient", "")
        if not (kind or slug):
            return {}
        try:
            return {kind: recipient_lookup(kind=kind, slug=slug).pk}
        except ValidationError:
            return {}

    @classmethod
    def initial_from_link(cls, params) -> dict:
        """Everything an "add funding" link can fill in: the recipient, ``funder=<slug>`` (with the funder's source),
        ``year`` and ``source``. Unknown or malformed values are left out; the form then asks for them as usual."""
        initial = cls.initial_recipient(params)
        funder = Funder.objects.filter(slug=params.get("funder", "")).first() if params.get("funder") else None
        if funder is not None:
            initial.update(funder=funder.pk, source=funder.source)
        if params.get("source", "") in Source.values:
            initial["source"] = params["source"]
        year = params.get("year", "")
        if year.isdigit() and YEAR_MIN <= int(year) <= YEAR_MAX:
            initial["year"] = int(year)
        return initial


class AmountField(forms.CharField):
    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        amount = parse_amount(value)
        if amount is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return amount

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return number_format(value, decimal_pos=2, use_l10n=True)
        return value


class FunderForm(SlugFromNameMixin, forms.ModelForm):
    class Meta:
        model = Funder
        fields = ["name", "slug", "source", "kind", "province", "provenance", "provenance_source"]


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What needs fixing"), widget=forms.Textarea(attrs={"rows": 2}), required=True, max_length=2000
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        help_text=_("The same columns as the CSV/XLSX export of the funding records list."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > 20 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 20 MB."))
        return upload
