"""The five recommendation checks on the hand-built dataset (conftest.py); thresholds: met 1.0, partly 0.5."""

from decimal import Decimal

import pytest

from evaluation.checks import recommendation_checks
from evaluation.models import ActivityType, OutputGoal, Recommendation

pytestmark = pytest.mark.django_db


def _checks():
    return {c["code"]: c for c in recommendation_checks(year_min=2015, year_max=2019)}


def _causes(check):
    return sorted((r["code"], r["problem"]) for r in check["records"])


def test_national_modules_partly(evaluation_data):
    check = _checks()["national_modules"]
    # Regional money: aware 50 (F1), activate 40 (hub-a) + 60 (F3); skills and coord have none → 2 of 4 = 0.5.
    assert (check["status"], check["compliant"], check["total"]) == ("partly", 2, 4)
    assert check["figures"]["regional_amount"] == "150.00"
    assert _causes(check) == [("coord", "no regional co-financing"), ("skills", "no regional co-financing")]


def test_skills_scope_not_met_then_met(evaluation_data):
    check = _checks()["skills_scope"]
    assert (check["status"], check["compliant"], check["total"]) == ("not_met", 0, 1)
    assert _causes(check) == [("skills", "no decision whether it belongs in the programme")]
    ActivityType.objects.filter(code="skills").update(scope_decision="in_programme")
    check = _checks()["skills_scope"]  # kept in, and goal g2 has a target in the window
    assert (check["status"], check["compliant"], check["records"]) == ("met", 1, [])


def test_skills_kept_in_without_target_fails(evaluation_data):
    ActivityType.objects.filter(code="skills").update(scope_decision="in_programme")
    OutputGoal.objects.filter(code="g2").update(indicator=None)
    check = _checks()["skills_scope"]
    assert check["status"] == "not_met"
    assert _causes(check) == [("skills", "kept in the programme without a measurable target")]


def test_target_groups_and_reach(evaluation_data):
    check = _checks()["target_groups"]
    # Target groups: aware and activate (2 of 4). Reach (approved companies-reached measurements): 2017: 35,
    # 2018: 5, 2019: 0 → no growth. 2 of 5 = 0.4 → not met.
    assert (check["status"], check["compliant"], check["total"]) == ("not_met", 2, 5)
    assert check["figures"]["reach_by_year"] == {"2017": "35.00", "2018": "5.00", "2019": "0.00"}
    assert check["figures"]["companies_reached"] == 4  # c1, c2, c3 at fieldlabs and c4 at hub-a
    assert ("reach", "reach did not grow in the last year") in _causes(check)


def test_lead_levels_partly(evaluation_data):
    check = _checks()["lead_levels"]
    # aware ✓, activate ✓; skills lacks demand steering; coord has two lead levels → 2 of 4.
    assert (check["status"], check["compliant"], check["total"]) == ("partly", 2, 4)
    assert _causes(check) == [
        ("coord", "two lead levels: Programme bureau and Hub"),
        ("skills", "no demand steering"),
    ]


def test_intervention_logic_partly(evaluation_data):
    check = _checks()["intervention_logic"]
    # Activity types with a measurable goal: aware, skills, activate (coord not); goals linked to a bottleneck:
    # g1, g3 (g2, g4 not) → 3 + 2 = 5 of 8 = 0.625.
    assert (check["status"], check["compliant"], check["total"]) == ("partly", 5, 8)
    assert check["share"] == Decimal("0.6250")
    assert _causes(check) == [
        ("coord", "no measurable output goal"),
        ("g2", "not linked to any bottleneck"),
        ("g4", "not linked to any bottleneck"),
    ]


def test_thresholds_are_data(evaluation_data):
    rec = Recommendation.objects.filter(code="intervention_logic")
    rec.update(partly_share=Decimal("0.7"), met_share=Decimal("0.9"))
    assert _checks()["intervention_logic"]["status"] == "not_met"  # 0.625 < 0.7
    rec.update(partly_share=Decimal("0.5"), met_share=Decimal("0.6"))
    assert _checks()["intervention_logic"]["status"] == "met"  # 0.625 ≥ 0.6


def test_nothing_to_check_is_not_met(evaluation_data):
    ActivityType.objects.filter(code="skills").update(concerns_skills=False)
    check = _checks()["skills_scope"]
    assert (check["status"], check["total"]) == ("not_met", 0)


def test_checks_query_count_is_fixed(evaluation_data, django_assert_num_queries):
    from tests import factories

    with django_assert_num_queries(9):
        recommendation_checks()
    for i in range(4):
        t = ActivityType.objects.create(code=f"extra-{i}", name=f"Extra {i}", lead_level="hub")
        OutputGoal.objects.create(code=f"eg-{i}", name="x", activity_type=t)
        factories.FundingRecordFactory(activity_type=t, source="regional")
    with django_assert_num_queries(9):
        recommendation_checks()
