"""Rounding of the evaluation's figures, in one place: money to cents, ratios to four decimals.

Python only rounds the few rows the database aggregated; it never adds up records.
"""

from __future__ import annotations

__all__ = ["CENT", "ONE", "RATIO", "ZERO", "jsonable", "money", "per_unit", "ratio"]

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")
ZERO = Decimal("0.00")
ONE = Decimal("1")


def money(value) -> Decimal:
    return (value if value is not None else ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(numerator, denominator) -> Decimal | None:
    """numerator / denominator to four decimals; None when the denominator is zero (not assessable)."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATIO, rounding=ROUND_HALF_UP)


def per_unit(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


def jsonable(value):
    """Decimals to strings (they are already quantised), recursively; the form results are stored and compared in."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value
