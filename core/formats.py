"""Amounts as the pages show them, for Python code that writes text (flash messages, a record's name): the same
rule as the ``eur`` template filter, which calls this."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format


def format_eur(value, decimals: int = 2) -> str:
    """€ 1.234.567,89 in Dutch, € 1,234,567.89 in English; '—' for nothing."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    # Round half up first: Django's number_format cuts decimals off rather than rounding them.
    amount = amount.quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)
    return "€\u00a0" + number_format(amount, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)
