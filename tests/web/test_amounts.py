"""Euro amounts as people type them, in Dutch and in English."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.amounts import parse_amount


@pytest.mark.parametrize(
    "language, raw, expected",
    [
        ("nl", "12.500,50", "12500.50"),
        ("nl", "12500,5", "12500.50"),
        ("nl", "1.250", "1250.00"),
        ("nl", "€ 1.234.567", "1234567.00"),
        ("nl", "7,25", "7.25"),
        ("en", "12,500.50", "12500.50"),
        ("en", "1,250", "1250.00"),
        ("en", "1.25", "1.25"),
        ("en", "  300 ", "300.00"),
    ],
)
def test_amounts_in_either_language(language, raw, expected):
    with translation.override(language):
        assert parse_amount(raw) == Decimal(expected)


def test_empty_is_none():
    assert parse_amount("  ") is None


@pytest.mark.parametrize("raw", ["-1", "abc", "1,234.567", "1e5", "1.2.3,4", "0,001"])
def test_refused(raw):
    with translation.override("nl"), pytest.raises(ValidationError):
        parse_amount(raw)
