"""Query parameters of the evaluation tables: parsed into the typed arguments of the selectors, or refused with the
bad parameter named (the API answers those as 400s, the page shows them)."""

import pytest
from django.core.exceptions import ValidationError

from core.constants import EVALUATION_YEAR_MAX, EVALUATION_YEAR_MIN
from evaluation.filters import parse_funding_filters, parse_funding_totals, parse_group_by, parse_year_window
from funding.selectors import FundingFilters

pytestmark = pytest.mark.django_db


def test_a_query_string_becomes_typed_filters(evaluation_data):
    data = {"group_by": "source, year", "year_min": "2017", "source": "companies,regional", "hub": "hub-a"}
    group_by, filters = parse_funding_totals(data)
    assert group_by == ("source", "year")
    assert filters == FundingFilters(year_min=2017, sources=("companies", "regional"), hub="hub-a")
    assert parse_funding_filters({"source": ["eu", "national"], "kind": "cash"}) == FundingFilters(
        sources=("eu", "national"), kind="cash"
    )
    assert parse_group_by(["hub"]) == ("hub",)


def test_the_window_defaults_to_the_evaluation_window():
    assert parse_year_window({}) == (EVALUATION_YEAR_MIN, EVALUATION_YEAR_MAX) == (2015, 2019)
    assert parse_year_window({"year_min": "2016"}) == (2016, 2019)
    assert parse_year_window({"year_max": 2017}, default_min=2010) == (2010, 2017)


@pytest.mark.parametrize(
    ("group_by", "filters", "bad_key"),
    [
        ("source,colour", {}, "group_by"),
        ("source,source", {}, "group_by"),
        ("", {"year_min": "twenty"}, "year_min"),
        ("", {"year_min": "2019", "year_max": "2015"}, "year_max"),
        ("", {"year_max": "1900"}, "year_max"),
        ("", {"recipient_kind": "company"}, "recipient_kind"),
        ("", {"source": "companies,lottery"}, "source"),
        ("", {"colour": "red"}, "filters"),
        ("", {"hub": "atlantis"}, "hub"),
        ("", {"activity_type": "juggling"}, "activity_type"),
    ],
)
def test_bad_input_is_refused_with_the_parameter_named(group_by, filters, bad_key, evaluation_data):
    with pytest.raises(ValidationError) as exc:
        parse_funding_totals({"group_by": group_by, **filters})
    assert set(exc.value.message_dict) == {bad_key}


def test_every_bad_parameter_is_named_at_once(evaluation_data):
    with pytest.raises(ValidationError) as exc:
        parse_funding_totals({"group_by": "colour", "year_min": "twenty", "hub": "atlantis"})
    assert set(exc.value.message_dict) == {"group_by", "year_min", "hub"}


@pytest.mark.parametrize(
    ("data", "bad_key"),
    [({"year_min": "2019", "year_max": "2015"}, "year_max"), ({"year_min": "1900"}, "year_min")],
)
def test_a_bad_window_is_refused(data, bad_key):
    with pytest.raises(ValidationError) as exc:
        parse_year_window(data)
    assert set(exc.value.message_dict) == {bad_key}
