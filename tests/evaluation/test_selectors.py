"""Selectors against the hand-built dataset of conftest.py; each expected figure is derived in the comment."""

from decimal import Decimal

import pytest

from evaluation import selectors
from evaluation.models import Measurement, VerdictBand
from evaluation.results import evaluation_data_fingerprint
from funding import selectors as funding_selectors
from funding.selectors import FundingFilters
from registry.selectors import companies_reached, companies_reached_by_year
from tests import factories

D = Decimal
pytestmark = pytest.mark.django_db


def _rows(rows, *keys):
    return {tuple(r[k] for k in keys): (r["amount"], r["records"]) for r in rows}


def test_total_counts_only_approved(evaluation_data):
    # 100 + 50 + 200 + 300 + 40 + 10 + 60 = 760 over 7 approved records; the draft (999) and returned (888) drop out.
    assert funding_selectors.funding_totals(group_by=[]) == [{"amount": D("760.00"), "records": 7}]


def test_totals_per_source_and_year(evaluation_data):
    rows = funding_selectors.funding_totals(group_by=["source", "year"])
    assert _rows(rows, "source", "year") == {
        ("companies", 2016): (D("100.00"), 1),
        ("companies", 2017): (D("300.00"), 1),
        ("national", 2016): (D("10.00"), 1),
        ("national", 2017): (D("200.00"), 1),
        ("regional", 2016): (D("50.00"), 1),
        ("regional", 2017): (D("40.00"), 1),
        ("regional", 2019): (D("60.00"), 1),
    }
    # Ordered by the group keys, source then year (the database's ORDER BY, not the dict above): written out, so
    # that any other order (by amount, by year first, or none) fails.
    assert [(r["source"], r["year"]) for r in rows] == [
        ("companies", 2016),
        ("companies", 2017),
        ("national", 2016),
        ("national", 2017),
        ("regional", 2016),
        ("regional", 2017),
        ("regional", 2019),
    ]


def test_totals_per_hub_province_fieldlab_and_recipient_kind(evaluation_data):
    # hub: hub-a = F1 (100+50) + F2 (200) + its own record (40) = 390; hub-b = F3 (300+60) = 360; bureau: none = 10.
    assert _rows(funding_selectors.funding_totals(group_by=["hub"]), "hub") == {
        ("hub-a",): (D("390.00"), 4),
        ("hub-b",): (D("360.00"), 2),
        (None,): (D("10.00"), 1),
    }
    # province of the fieldlab: p-one = 350, p-two = 360; hub and bureau records have none: 40 + 10.
    assert _rows(funding_selectors.funding_totals(group_by=["province"]), "province") == {
        ("p-one",): (D("350.00"), 3),
        ("p-two",): (D("360.00"), 2),
        (None,): (D("50.00"), 2),
    }
    assert _rows(funding_selectors.funding_totals(group_by=["recipient_kind"]), "recipient_kind") == {
        ("bureau",): (D("10.00"), 1),
        ("fieldlab",): (D("710.00"), 5),
        ("hub",): (D("40.00"), 1),
    }
    assert _rows(
        funding_selectors.funding_totals(group_by=["fieldlab", "kind"], filters=FundingFilters(hub="hub-b")),
        "fieldlab",
        "kind",
    ) == {
        ("f3", "cash"): (D("300.00"), 1),
        ("f3", "in_kind"): (D("60.00"), 1),
    }
    assert _rows(funding_selectors.funding_totals(group_by=["activity_type"]), "activity_type") == {
        ("activate",): (D("400.00"), 3),
        ("aware",): (D("150.00"), 2),
        ("coord",): (D("10.00"), 1),
        ("skills",): (D("200.00"), 1),
    }


def test_filters(evaluation_data):
    rows = funding_selectors.funding_totals(
        group_by=["source"], filters=FundingFilters(recipient_kind="fieldlab", year_min=2017, year_max=2019)
    )
    # fieldlab records 2017–2019: national 200 (F2), companies 300 (F3), regional 60 (F3).
    assert _rows(rows, "source") == {
        ("companies",): (D("300.00"), 1),
        ("national",): (D("200.00"), 1),
        ("regional",): (D("60.00"), 1),
    }
    hub_a_money = FundingFilters(sources=("companies", "regional"), hub="hub-a")
    rows = funding_selectors.funding_totals(group_by=["year"], filters=hub_a_money)
    # hub-a: companies 100 (2016), regional 50 (2016) + 40 (2017).
    assert _rows(rows, "year") == {(2016,): (D("150.00"), 2), (2017,): (D("40.00"), 1)}


@pytest.mark.parametrize("group_by", ["source,year", ["source", "colour"]])
def test_group_keys_are_parsed_before_a_selector_sees_them(group_by, evaluation_data):
    # A query string or an unknown key is a programming error here; evaluation.filters parses user input.
    with pytest.raises(ValueError, match="group_by"):
        funding_selectors.funding_totals(group_by=group_by)


def test_cumulative_shows_years_without_funding(evaluation_data):
    rows = funding_selectors.funding_cumulative(filters=FundingFilters(year_min=2015, year_max=2019))
    # 2015: nothing; 2016: 100+50+10 = 160; 2017: 200+300+40 = 540 → 700; 2018: nothing → 700; 2019: 60 → 760.
    assert [(r["year"], r["amount"], r["records"], r["cumulative"]) for r in rows] == [
        (2015, D("0.00"), 0, D("0.00")),
        (2016, D("160.00"), 3, D("160.00")),
        (2017, D("540.00"), 3, D("700.00")),
        (2018, D("0.00"), 0, D("700.00")),
        (2019, D("60.00"), 1, D("760.00")),
    ]


def test_leverage(evaluation_data):
    lev = funding_selectors.funding_leverage()
    # private = companies 100 + 300 = 400; public = 50 + 200 + 40 + 10 + 60 = 360.
    assert (lev["private"], lev["public"], lev["total"]) == (D("400.00"), D("360.00"), D("760.00"))
    assert lev["leverage"] == D("1.1111")  # 400 / 360
    assert lev["private_share"] == D("0.5263")  # 400 / 760
    only_public = funding_selectors.funding_leverage(filters=FundingFilters(sources=("national",)))
    assert only_public["leverage"] == D("0.0000") and only_public["public_per_private"] is None


def test_unique_companies_count_once(evaluation_data):
    reach = companies_reached()
    # c1 (in three fieldlabs), c2 (one fieldlab, two years), c3 (F3), c4 (at hub-a only): four companies.
    assert reach["unique_companies"] == 4
    assert (reach["companies_at_fieldlabs"], reach["companies_at_hubs"]) == (3, 1)
    assert reach["company_fieldlab_pairs"] == 5  # c1×F1, c1×F2, c1×F3, c2×F1, c3×F3
    assert reach["participations"] == 7
    assert companies_reached(year_max=2016)["unique_companies"] == 1  # only c2 in 2016
    assert companies_reached(hub="hub-b")["unique_companies"] == 2  # c1 and c3 at F3
    assert companies_reached(hub="hub-a")["unique_companies"] == 3  # c1 (F1, F2), c2 (F1), c4 (the hub itself)
    by_year = {r["year"]: (r["unique_companies"], r["company_fieldlab_pairs"]) for r in companies_reached_by_year()}
    assert by_year == {2016: (1, 1), 2017: (3, 4), 2018: (1, 1)}  # 2017: c1 in F1, F2, F3, c2 in F1, c4 at hub-a


def test_effectiveness_each_band_and_edge_cases(evaluation_data):
    tables = selectors.effectiveness_tables(year_min=2015, year_max=2019)
    by_year = {(r["activity_type"], r["year"]): (r["ratio"], r["verdict"]) for r in tables["by_year"]}
    assert by_year[("aware", 2016)] == (D("0.9000"), "effective")  # 9 / 10
    assert by_year[("aware", 2017)] == (D("1.0000"), "effective")  # 12 / 10 = 1.2, capped at 1
    assert by_year[("skills", 2017)] == (D("0.3000"), "limited")  # 30 / 100; the draft 50 is ignored
    assert by_year[("activate", 2017)] == (D("0.7000"), "partly_effective")  # (25 + 10) / 50
    assert by_year[("activate", 2018)] == (None, "not_assessable")  # output 5 but no target that year
    assert by_year[("activate", 2019)] == (D("0.0000"), "limited")  # zero output against a target of 5
    assert by_year[("coord", 2017)] == (None, "not_assessable")  # goal without indicator
    assert by_year[("aware", 2015)] == (None, "not_assessable")

    overall = {r["activity_type"]: (r["measurable_goals"], r["ratio"], r["verdict"]) for r in tables["overall"]}
    assert overall == {
        "aware": (1, D("1.0000"), "effective"),  # (9 + 12) / (10 + 10) = 1.05, capped
        "skills": (1, D("0.3000"), "limited"),
        "coord": (0, None, "not_assessable"),
        "activate": (1, D("0.6364"), "partly_effective"),  # (35 + 0) / (50 + 5); 2018's 5 has no target
    }
    goals = {(r["goal"], r["year"]): (r["target"], r["actual"]) for r in tables["goals"]}
    assert goals[("g3", 2019)] == (D("5.00"), D("0.00"))


def test_verdict_bands_are_data(evaluation_data):
    VerdictBand.objects.filter(verdict="partly_effective").update(min_ratio=D("0.3"))
    overall = {r["activity_type"]: r["verdict"] for r in selectors.effectiveness_tables()["overall"]}
    assert overall["skills"] == "partly_effective"  # 0.3 now reaches the lowered band


def test_cost_per_output_against_norm(evaluation_data):
    rows = {(r["activity_type"], r["indicator"]): r for r in selectors.cost_per_output()}
    aware = rows[("aware", "events")]
    assert (aware["cost"], aware["output"], aware["cost_per_unit"], aware["verdict"]) == (
        D("150.00"), D("21.00"), D("7.14"), "within_norm",  # 150 / 21 ≤ 10
    )  # fmt: skip
    skills = rows[("skills", "trained")]
    assert (skills["cost_per_unit"], skills["verdict"]) == (D("6.67"), "above_norm")  # 200 / 30 > 5
    activate = rows[("activate", "reach")]
    assert (activate["cost"], activate["output"], activate["cost_per_unit"]) == (D("400.00"), D("40.00"), D("10.00"))
    assert ("coord", "events") not in rows  # no output and no norm: nothing to say


def test_zero_output_is_not_assessable(evaluation_data):
    # Only 2019 in the window: activate has 60 regional euro and zero output.
    rows = {(r["activity_type"], r["indicator"]): r for r in selectors.cost_per_output(year_min=2019, year_max=2019)}
    assert rows[("activate", "reach")]["cost_per_unit"] is None
    assert rows[("activate", "reach")]["verdict"] == "not_assessable"


def test_regions_view(evaluation_data):
    rows = {(r["hub"], r["activity_type"], r["indicator"]): r for r in selectors.regional_cost_per_output()}
    a = rows[("hub-a", "activate", "reach")]
    # hub-a: regional 40 (own record) over 25 companies reached at the hub = 1.60 ≤ 2.00.
    assert (a["regional_amount"], a["output"], a["cost_per_unit"], a["verdict"]) == (
        D("40.00"), D("25.00"), D("1.60"), "within_norm",
    )  # fmt: skip
    b = rows[("hub-b", "activate", "reach")]
    # hub-b: regional 60 (F3, 2019) over 10 + 5 + 0 at F3 = 4.00 > 2.00.
    assert (b["regional_amount"], b["output"], b["cost_per_unit"], b["verdict"]) == (
        D("60.00"), D("15.00"), D("4.00"), "above_norm",
    )  # fmt: skip
    eff = {r["activity_type"]: (r["verdict"], r["regional_verdict"]) for r in selectors.efficiency_by_activity_type()}
    # activate overall 10.00 ≤ 20 (within); regions together (40 + 60) / (25 + 15) = 2.50 > 2.00 (above).
    assert eff == {
        "aware": ("within_norm", "not_assessable"),
        "skills": ("above_norm", "not_assessable"),
        "coord": ("not_assessable", "not_assessable"),
        "activate": ("within_norm", "above_norm"),
    }


def test_fingerprint_changes_with_an_approved_record_only(evaluation_data):
    first, _summary = evaluation_data_fingerprint()
    assert evaluation_data_fingerprint()[0] == first
    factories.FundingRecordFactory(fieldlab=evaluation_data.f1, year=2018, source="eu", status="draft")
    assert evaluation_data_fingerprint()[0] == first  # a draft is not read
    evaluation_data.r4.amount = D("301.00")
    evaluation_data.r4.save()
    changed, summary = evaluation_data_fingerprint()
    assert changed != first
    assert summary["funding_records"]["value_sum"] == "761.00"


def _count_queries(django_assert_max_num_queries, n, func):
    with django_assert_max_num_queries(n):
        return func()


def _grow(data, times=5):
    """Add records of every kind the selectors read, so a per-record query would show."""
    for i in range(times):
        fl = factories.FieldlabFactory(hub=data.hub_b)
        factories.FundingRecordFactory(fieldlab=fl, year=2017, activity_type=data.activate, source="regional")
        Measurement.objects.create(
            activity_type=data.activate, indicator=data.reach, year=2017, fieldlab=fl, value=D(i), status="approved"
        )
        factories.ParticipationFactory(fieldlab=fl, year=2017)


SELECTOR_CALLS = {
    "funding_totals": (
        lambda: funding_selectors.funding_totals(group_by=["source", "year", "hub", "province", "fieldlab"]),
        1,
    ),
    "funding_totals_total": (lambda: funding_selectors.funding_totals(), 1),
    "funding_cumulative": (
        lambda: funding_selectors.funding_cumulative(filters=FundingFilters(year_min=2015, year_max=2019)),
        1,
    ),
    "funding_leverage": (lambda: funding_selectors.funding_leverage(), 1),
    "companies_reached": (lambda: companies_reached(), 1),
    "companies_reached_by_year": (lambda: companies_reached_by_year(), 1),
    "effectiveness_tables": (lambda: selectors.effectiveness_tables(), 5),
    "cost_per_output": (lambda: selectors.cost_per_output(), 5),
    "regional_cost_per_output": (lambda: selectors.regional_cost_per_output(), 6),
    "efficiency_by_activity_type": (lambda: selectors.efficiency_by_activity_type(), 12),
    "evaluation_data_fingerprint": (lambda: evaluation_data_fingerprint(), 12),
}


@pytest.mark.parametrize("name", sorted(SELECTOR_CALLS))
def test_query_count_does_not_grow(name, evaluation_data, django_assert_num_queries):
    func, expected = SELECTOR_CALLS[name]
    with django_assert_num_queries(expected):
        func()
    _grow(evaluation_data)
    with django_assert_num_queries(expected):
        func()
