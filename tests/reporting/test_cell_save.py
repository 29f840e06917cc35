"""The report cell services take the hub-year their caller has read (its period read once, handed down to the funding
and evaluation services), yet refuse on their own, for any caller, a closed period and a user who may not write the
cell."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evaluation.models import ActivityType, Indicator, Measurement, OutputGoal
from funding.models import FundingRecord
from funding.services import funding_record_update
from reporting.selectors import hub_report, hub_year
from reporting.services import report_cell_save, report_measurement_save
from review.services import reporting_period_close
from review.workflow import KnownPeriod
from tests import factories

pytestmark = pytest.mark.django_db

YEAR = 2019


@pytest.fixture
def world():
    hub = factories.HubFactory(slug="noord")
    lab = factories.FieldlabFactory(hub=hub, start_year=2015)
    skills = ActivityType.objects.create(code="skills", name="Skills", lead_level="fieldlab", sort_order=1)
    trained = Indicator.objects.create(code="trained", name="People trained", unit="people_trained")
    OutputGoal.objects.create(code="g-skills", name="Skills", activity_type=skills, indicator=trained)
    return {
        "hub": hub,
        "lab": lab,
        "skills": skills,
        "trained": trained,
        "coordinator": factories.CoordinatorFactory(hub=hub),
        "other_hubs": factories.CoordinatorFactory(),  # a coordinator of another hub
        "analyst": factories.UserFactory(),
        "bureau": factories.BureauUserFactory(),
    }


def _cell(world, actor, amount, read=hub_year):
    report = read(hub=world["hub"], year=YEAR, user=actor)
    return report_cell_save(report=report, fieldlab=world["lab"], source="regional", amount=amount, actor=actor)


def _measure(world, actor, value, read=hub_year):
    report = read(hub=world["hub"], year=YEAR, user=actor)
    return report_measurement_save(
        report=report,
        fieldlab=world["lab"],
        activity_type=world["skills"],
        indicator=world["trained"],
        value=value,
        actor=actor,
    )


def _cell_amounts(world):
    return list(FundingRecord.objects.filter(fieldlab=world["lab"], year=YEAR).values_list("amount", flat=True))


def _values(world):
    return list(Measurement.objects.filter(fieldlab=world["lab"], year=YEAR).values_list("value", flat=True))


@pytest.mark.parametrize("read", [hub_year, hub_report])
def test_a_closed_period_refuses_every_cell_save_called_directly(world, read):
    coordinator = world["coordinator"]
    _cell(world, coordinator, Decimal("100"), read)
    _measure(world, coordinator, Decimal("5"), read)
    reporting_period_close(hub=world["hub"], year=YEAR, actor=world["bureau"])
    for amount in (Decimal("200"), None):  # a change, a clear
        with pytest.raises(ValidationError, match="closed"):
            _cell(world, coordinator, amount, read)
    with pytest.raises(ValidationError, match="closed"):
        _measure(world, coordinator, Decimal("6"), read)
    assert _cell_amounts(world) == [Decimal("100.00")] and _values(world) == [Decimal("5.00")]
    # A new cell and a new measurement in the closed year are refused too.
    FundingRecord.objects.all().delete()
    Measurement.objects.all().delete()
    with pytest.raises(ValidationError, match="closed"):
        _cell(world, coordinator, Decimal("100"), read)
    with pytest.raises(ValidationError, match="closed"):
        _measure(world, coordinator, Decimal("5"), read)
    assert _cell_amounts(world) == [] and _values(world) == []


@pytest.mark.parametrize("who", ["other_hubs", "analyst"])
def test_a_user_who_may_not_enter_the_report_is_refused_by_the_services(world, who):
    intruder = world[who]
    with pytest.raises(PermissionDenied):
        _cell(world, intruder, Decimal("100"))
    with pytest.raises(PermissionDenied):
        _measure(world, intruder, Decimal("5"))
    _cell(world, world["coordinator"], Decimal("100"))
    _measure(world, world["coordinator"], Decimal("5"))
    for amount in (Decimal("200"), None):
        with pytest.raises(PermissionDenied):
            _cell(world, intruder, amount)
    with pytest.raises(PermissionDenied):
        _measure(world, intruder, Decimal("6"))
    assert _cell_amounts(world) == [Decimal("100.00")] and _values(world) == [Decimal("5.00")]


def test_a_known_period_answers_for_its_hub_year_only(world, django_assert_num_queries):
    reporting_period_close(hub=world["hub"], year=2020, actor=world["bureau"])
    known = KnownPeriod(hub_id=world["hub"].pk, year=YEAR, closed=False)
    with django_assert_num_queries(0):
        assert (world["hub"].pk, YEAR) not in known
    with django_assert_num_queries(1):
        assert (world["hub"].pk, 2020) in known  # another hub-year: read from the database
    # A record moved out of the known hub-year is checked where it goes: into the closed 2020, refused.
    record = factories.FundingRecordFactory(fieldlab=world["lab"], year=YEAR, source="regional", status="draft")
    with pytest.raises(ValidationError, match="closed"):
        funding_record_update(record=record, actor=world["coordinator"], data={"year": 2020}, closed=known)
    record.refresh_from_db()
    assert record.year == YEAR
