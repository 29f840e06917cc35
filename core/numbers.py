"""Rounding of money and ratios, in one place for every app that reports figures (funding's sums, the evaluation's
tables): money to cents, ratios to four decimals.

Aggregate first, round once at the edge: the database sums (exact decimals), a ratio or mean is computed from those
exact sums with ``exact_ratio`` and rounded half-up exactly once, when it becomes a figure in a row (``ratio`` to 4
places, ``money``/``per_unit`` to 2). A mean is never taken over already-rounded ratios. Python only rounds the few
rows the database aggregated; it never adds up records.
"""

from __future__ import annotations

__all__ = ["CENT", "ONE", "RATIO", "ZERO", "exact_ratio", "jsonable", "money", "per_unit", "ratio"]

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")
ZERO = Decimal("0.00")
ONE = Decimal("1")


def money(value) -> Decimal:
    return (value if value is not None else ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


def exact_ratio(numerator, denominator) -> Decimal | None:
    """numerator / denominator unrounded (the context's 28 digits), for figures that are combined further."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


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
