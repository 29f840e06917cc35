"""Forms of the funding pages. They parse input only; funding.services does every write."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext_lazy as _

from registry.models import Fieldlab, Hub
from smartindustry.constants import YEAR_MAX, YEAR_MIN
from smartindustry.forms import SlugFromNameMixin

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


def _normalise_number(text: str) -> str:
    """Turn '12.500,00', '12,500.00', '12500,5' or '12500.5' into '12500.00'-style text.

    When both separators occur, the last one is the decimal separator. When one occurs, it is a thousands separator
    only if every group after it has exactly three digits and the active language uses it for thousands."""
    thousands = get_format("THOUSAND_SEPARATOR")
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        other = "." if decimal == "," else ","
        whole = text.rsplit(decimal, 1)[0]
        if not re.fullmatch(r"\d{1,3}(" + re.escape(other) + r"\d{3})+", whole):
            return "invalid"  # thousands separators in the wrong places: refuse rather than guess
        return text.replace(other, "").replace(decimal, ".")
    for sep in (",", "."):
        if sep in text:
            head, *groups = text.split(sep)
            if sep == thousands and groups and all(len(g) == 3 for g in groups) and 1 <= len(head) <= 3:
                return text.replace(sep, "")
            if len(groups) > 1:
                return text  # several separators that are not thousands: leave it to Decimal to refuse
            return text.replace(sep, ".")
    return text


def parse_amount(raw: str | int | float | Decimal | None) -> Decimal | None:
    """A euro amount as typed in either language: '1.234,50' (Dutch), '1234.50' or '1,234.50'. Empty → None.

    A number (a JSON number, a spreadsheet's numeric cell) is taken as it is: it has no separators to read, so
    0.125 stays 0.125 (and is refused for its third decimal) instead of being read as the Dutch 0.125 = 125.
    The portal form, the API and the import all read amounts here, so they accept and refuse the same ones."""
    if isinstance(raw, bool):
        raise ValidationError(_("Enter an amount in euros, for example 12500 or 12.500,00."))
    if isinstance(raw, int | float | Decimal):
        amount = Decimal(str(raw))
    else:
        text = (raw or "").strip().replace("€", "").replace("\u00a0", "").replace(" ", "")
        if not text:
            return None
        if not re.fullmatch(r"-?[0-9.,]+", text):
            raise ValidationError(_("Enter an amount in euros, for example 12500 or 12.500,00."))
        try:
            amount = Decimal(_normalise_number(text))
        except InvalidOperation:
            raise ValidationError(_("Enter an amount in euros, for example 12500 or 12.500,00.")) from None
    if not amount.is_finite():
        raise ValidationError(_("Enter an amount in euros, for example 12500 or 12.500,00."))
    if amount < 0:
        raise ValidationError(_("An amount cannot be negative."))
    if amount.as_tuple().exponent < -2:
        raise ValidationError(_("Use at most two decimals (whole cents)."))
    return amount.quantize(Decimal("0.01"))


def parse_number(raw: str) -> Decimal | None:
    """A non-negative count or measure as typed in either language ('1.250', '12,5'); empty → None."""
    text = (raw or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if not re.fullmatch(r"-?[0-9.,]+", text):
        raise ValidationError(_("Enter a number, for example 120 or 12,5."))
    try:
        value = Decimal(_normalise_number(text))
    except InvalidOperation:
        raise ValidationError(_("Enter a number, for example 120 or 12,5.")) from None
    if value < 0:
        raise ValidationError(_("A measured value cannot be negative."))
    if value.as_tuple().exponent < -2:
        raise ValidationError(_("Use at most two decimals."))
    return value.quantize(Decimal("0.01"))


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
