"""A small hand-built dataset; every expected figure in these tests is worked out from it by hand.

Funding (A = approved; the rest must be ignored):
  #1 F1 2016 companies 100.00 aware      A      #6 bureau 2016 national 10.00 coord   A
  #2 F1 2016 regional   50.00 aware      A      #7 F1 2016 eu 999.00                 draft
  #3 F2 2017 national  200.00 skills     A      #8 F2 2017 knowledge 888.00          returned
  #4 F3 2017 companies 300.00 activate   A      #9 F3 2019 regional 60.00 activate   A (in kind)
  #5 hub-a 2017 regional 40.00 activate  A      (no funding at all in 2015 and 2018)
  Hubs: F1, F2 in hub-a (province p-one); F3 in hub-b (province p-two).

Goals, targets and approved measurements (bands: effective ≥ 0.9, partly ≥ 0.6, limited ≥ 0):
  G1 aware/events   targets 2016: 10, 2017: 10    actual 2016: 9 (programme), 2017: 12 (F1)
  G2 skills/trained target 2017: 100              actual 2017: 30 (F2); a draft of 50 at F1 is ignored
  G3 activate/reach targets 2017: 50, 2019: 5     actual 2017: 25 (hub-a) + 10 (F3), 2018: 5 (F3, no target),
                                                  2019: 0 (F3: zero output)
  G4 coord, no indicator (throughput): not measurable
Participations at fieldlabs: c1 in F1, F2, F3 (2017); c2 in F1 (2016 and 2017); c3 in F3 (2018);
  c4 at hub-a only (not a fieldlab; companies reached counts it, company×fieldlab pairs do not).
"""

from decimal import Decimal

import pytest

from evaluation.models import (
    ActivityType,
    Bottleneck,
    EfficiencyNorm,
    Indicator,
    Measurement,
    OutputGoal,
    OutputTarget,
    Recommendation,
    VerdictBand,
)
from registry.models import Participation
from tests import factories

D = Decimal


class Data:
    pass


@pytest.fixture
def evaluation_data(db):
    d = Data()
    p1 = factories.ProvinceFactory(slug="p-one", name="P One")
    p2 = factories.ProvinceFactory(slug="p-two", name="P Two")
    d.hub_a = factories.HubFactory(slug="hub-a")
    d.hub_b = factories.HubFactory(slug="hub-b")
    d.f1 = factories.FieldlabFactory(slug="f1", hub=d.hub_a, province=p1)
    d.f2 = factories.FieldlabFactory(slug="f2", hub=d.hub_a, province=p1)
    d.f3 = factories.FieldlabFactory(slug="f3", hub=d.hub_b, province=p2)
    d.bureau = factories.ProgrammeBureauFactory()

    at = ActivityType.objects
    d.aware = at.create(
        code="aware", name="Awareness", lead_level="bureau", demand_steered=True, target_groups="SMEs", sort_order=1
    )
    d.skills = at.create(code="skills", name="Skills", lead_level="fieldlab", concerns_skills=True, sort_order=2)
    d.coord = at.create(
        code="coord",
        name="Coordination",
        lead_level="bureau",
        shared_lead_level="hub",
        demand_steered=True,
        sort_order=3,
    )
    d.activate = at.create(
        code="activate",
        name="Activation",
        lead_level="hub",
        demand_steered=True,
        target_groups="Manufacturers",
        sort_order=4,
    )

    rec = factories.FundingRecordFactory
    d.r1 = rec(fieldlab=d.f1, year=2016, source="companies", amount=D("100.00"), activity_type=d.aware)
    d.r2 = rec(fieldlab=d.f1, year=2016, source="regional", amount=D("50.00"), activity_type=d.aware)
    d.r3 = rec(fieldlab=d.f2, year=2017, source="national", amount=D("200.00"), activity_type=d.skills)
    d.r4 = rec(fieldlab=d.f3, year=2017, source="companies", amount=D("300.00"), activity_type=d.activate)
    d.r5 = rec(fieldlab=None, hub=d.hub_a, year=2017, source="regional", amount=D("40.00"), activity_type=d.activate)
    d.r6 = rec(fieldlab=None, bureau=d.bureau, year=2016, source="national", amount=D("10.00"), activity_type=d.coord)
    d.r7 = rec(fieldlab=d.f1, year=2016, source="eu", amount=D("999.00"), status="draft", activity_type=d.aware)
    d.r8 = rec(fieldlab=d.f2, year=2017, source="knowledge", amount=D("888.00"), status="returned")
    d.r9 = rec(fieldlab=d.f3, year=2019, source="regional", amount=D("60.00"), kind="in_kind", activity_type=d.activate)

    d.b1 = Bottleneck.objects.create(code="b1", name="No time")
    d.b2 = Bottleneck.objects.create(code="b2", name="No business case")
    d.events = Indicator.objects.create(code="events", name="Events", unit="events")
    d.trained = Indicator.objects.create(code="trained", name="People trained", unit="people_trained")
    d.reach = Indicator.objects.create(code="reach", name="Companies reached", unit="companies_reached")

    d.g1 = OutputGoal.objects.create(code="g1", name="Events held", activity_type=d.aware, indicator=d.events)
    d.g1.bottlenecks.set([d.b1])
    d.g2 = OutputGoal.objects.create(code="g2", name="People trained", activity_type=d.skills, indicator=d.trained)
    d.g3 = OutputGoal.objects.create(code="g3", name="Companies reached", activity_type=d.activate, indicator=d.reach)
    d.g3.bottlenecks.set([d.b1, d.b2])
    d.g4 = OutputGoal.objects.create(code="g4", name="Well coordinated", activity_type=d.coord, indicator=None)
    for goal, year, value in [(d.g1, 2016, 10), (d.g1, 2017, 10), (d.g2, 2017, 100), (d.g3, 2017, 50), (d.g3, 2019, 5)]:
        OutputTarget.objects.create(goal=goal, year=year, value=D(value))

    m = Measurement.objects
    m.create(activity_type=d.aware, indicator=d.events, year=2016, value=D(9), status="approved")
    m.create(activity_type=d.aware, indicator=d.events, year=2017, fieldlab=d.f1, value=D(12), status="approved")
    m.create(activity_type=d.skills, indicator=d.trained, year=2017, fieldlab=d.f2, value=D(30), status="approved")
    m.create(activity_type=d.skills, indicator=d.trained, year=2017, fieldlab=d.f1, value=D(50), status="draft")
    d.m_hub = m.create(
        activity_type=d.activate, indicator=d.reach, year=2017, hub=d.hub_a, value=D(25), status="approved"
    )
    m.create(activity_type=d.activate, indicator=d.reach, year=2017, fieldlab=d.f3, value=D(10), status="approved")
    m.create(activity_type=d.activate, indicator=d.reach, year=2018, fieldlab=d.f3, value=D(5), status="approved")
    m.create(activity_type=d.activate, indicator=d.reach, year=2019, fieldlab=d.f3, value=D(0), status="approved")

    for verdict, min_ratio in [("effective", "0.9"), ("partly_effective", "0.6"), ("limited", "0")]:
        VerdictBand.objects.create(verdict=verdict, min_ratio=D(min_ratio))
    EfficiencyNorm.objects.create(activity_type=d.aware, indicator=d.events, max_cost_per_unit=D("10.00"))
    EfficiencyNorm.objects.create(activity_type=d.skills, indicator=d.trained, max_cost_per_unit=D("5.00"))
    EfficiencyNorm.objects.create(
        activity_type=d.activate, indicator=d.reach, max_cost_per_unit=D("20.00"), max_regional_cost_per_unit=D("2.00")
    )

    c1, c2, c3, c4 = (factories.CompanyFactory() for _ in range(4))
    for company, fieldlab, year in [(c1, d.f1, 2017), (c1, d.f2, 2017), (c1, d.f3, 2017), (c2, d.f1, 2016),
                                    (c2, d.f1, 2017), (c3, d.f3, 2018)]:  # fmt: skip
        Participation.objects.create(company=company, fieldlab=fieldlab, year=year, support_type="experiment")
    Participation.objects.create(company=c4, hub=d.hub_a, year=2017, support_type="voucher")

    for number, code in enumerate(
        ["national_modules", "skills_scope", "target_groups", "lead_levels", "intervention_logic"], start=1
    ):
        Recommendation.objects.create(number=number, code=code, title=code, text=code)
    return d
