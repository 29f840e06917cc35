"""Amounts and numbers as people type them, in Dutch or English: one parser for portal forms, the API and imports."""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

__all__ = ["parse_amount", "parse_number"]


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
