"""The database itself refuses bad rows: these inserts bypass forms, serializers and full_clean()."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role, User
from funding.models import FundingRecord
from registry.models import Company, Fieldlab, Participation, ProgrammeBureau
from tests import factories

pytestmark = pytest.mark.django_db


def assert_db_refuses(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.fixture
def fieldlab():
    return factories.FieldlabFactory()


def record_kwargs(fieldlab, **overrides):
    values = {
        "fieldlab": fieldlab,
        "year": 2018,
        "source": "companies",
        "amount": Decimal("100.00"),
        "kind": "cash",
        "realisation": "realised",
        "status": "approved",
    }
    values.update(overrides)
    return values


def test_a_valid_record_is_accepted(fieldlab):
    FundingRecord.objects.create(**record_kwargs(fieldlab))
    assert FundingRecord.objects.count() == 1


def test_negative_amount_refused(fieldlab):
    assert_db_refuses(lambda: FundingRecord.objects.create(**record_kwargs(fieldlab, amount=Decimal("-0.01"))))


def test_record_without_recipient_refused(fieldlab):
    assert_db_refuses(lambda: FundingRecord.objects.create(**record_kwargs(None)))


def test_record_with_two_recipients_refused(fieldlab):
    assert_db_refuses(lambda: FundingRecord.objects.create(**record_kwargs(fieldlab, hub=fieldlab.hub)))
    bureau = factories.ProgrammeBureauFactory()
    assert_db_refuses(lambda: FundingRecord.objects.create(**record_kwargs(fieldlab, bureau=bureau)))


def test_unknown_source_refused(fieldlab):
    assert_db_refuses(lambda: FundingRecord.objects.create(**record_kwargs(fieldlab, source="lottery")))


@pytest.mark.parametrize("year", [1999, 2009, 2041, 3000])
def test_year_outside_range_refused(fieldlab, year):
    assert_db_refuses(lambda: FundingRecord.objects.create(**record_kwargs(fieldlab, year=year)))


@pytest.mark.parametrize("field,value", [("kind", "barter"), ("realisation", "hoped"), ("status", "lost")])
def test_unknown_codes_refused(fieldlab, field, value):
    assert_db_refuses(lambda: FundingRecord.objects.create(**record_kwargs(fieldlab, **{field: value})))


def test_duplicate_without_funder_refused(fieldlab):
    # NULL funder: a plain unique index would let this through, the coalesced one must not.
    FundingRecord.objects.create(**record_kwargs(fieldlab))
    assert_db_refuses(lambda: FundingRecord.objects.create(**record_kwargs(fieldlab, amount=Decimal("5.00"))))


def test_duplicate_with_funder_refused_but_other_dimensions_allowed(fieldlab):
    funder = factories.FunderFactory()
    FundingRecord.objects.create(**record_kwargs(fieldlab, funder=funder))
    assert_db_refuses(lambda: FundingRecord.objects.create(**record_kwargs(fieldlab, funder=funder)))
    # Each key column distinguishes: these are not duplicates.
    FundingRecord.objects.create(**record_kwargs(fieldlab, funder=funder, kind="in_kind"))
    FundingRecord.objects.create(**record_kwargs(fieldlab, funder=funder, realisation="planned"))
    FundingRecord.objects.create(**record_kwargs(fieldlab, funder=funder, year=2019))
    FundingRecord.objects.create(**record_kwargs(fieldlab))  # no funder
    FundingRecord.objects.create(**record_kwargs(factories.FieldlabFactory(), funder=funder))
    assert FundingRecord.objects.count() == 6


def test_published_record_without_source_refused(fieldlab):
    assert_db_refuses(
        lambda: FundingRecord.objects.create(**record_kwargs(fieldlab, provenance="published", provenance_source=""))
    )
    assert_db_refuses(lambda: FundingRecord.objects.create(**record_kwargs(fieldlab, provenance="guessed")))


def test_model_validation_reports_the_same_rules_as_messages(fieldlab):
    FundingRecord.objects.create(**record_kwargs(fieldlab))
    duplicate = FundingRecord(**record_kwargs(fieldlab, amount=Decimal("-1")))
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    text = str(exc.value)
    assert "amount" in exc.value.message_dict
    assert "already has a record" in text


def test_company_kvk_number_rules():
    Company.objects.create(name="A", kvk_number="12345678")
    Company.objects.create(name="No number 1")
    Company.objects.create(name="No number 2")  # several companies without a number are fine
    assert_db_refuses(lambda: Company.objects.create(name="B", kvk_number="12345678"))
    assert_db_refuses(lambda: Company.objects.create(name="C", kvk_number="1234567"))
    assert_db_refuses(lambda: Company.objects.create(name="D", kvk_number="1234567X"))
    with pytest.raises(ValidationError):
        Company(name="E", kvk_number="12-45678").full_clean()


def test_participation_needs_exactly_one_host():
    company, fieldlab = factories.CompanyFactory(), factories.FieldlabFactory()
    assert_db_refuses(lambda: Participation.objects.create(company=company, year=2018, support_type="training"))
    assert_db_refuses(
        lambda: Participation.objects.create(
            company=company, fieldlab=fieldlab, hub=fieldlab.hub, year=2018, support_type="training"
        )
    )
    Participation.objects.create(company=company, fieldlab=fieldlab, year=2018, support_type="training")
    assert_db_refuses(
        lambda: Participation.objects.create(company=company, fieldlab=fieldlab, year=2018, support_type="training")
    )


def test_fieldlab_cannot_end_before_it_starts():
    hub = factories.HubFactory()
    assert_db_refuses(
        lambda: Fieldlab.objects.create(name="X", slug="x", theme="t", hub=hub, start_year=2018, end_year=2016)
    )
    assert_db_refuses(lambda: Fieldlab.objects.create(name="Y", slug="y", theme="t", start_year=2018, tno_type=5))


def test_only_one_programme_bureau():
    ProgrammeBureau.objects.create(name="Bureau", slug="bureau", founded_year=2015)
    assert_db_refuses(lambda: ProgrammeBureau.objects.create(name="Second", slug="second", founded_year=2015))


def test_coordinator_is_bound_to_exactly_one_hub():
    hub = factories.HubFactory()
    assert_db_refuses(lambda: User.objects.create(username="c1", role=Role.COORDINATOR))
    assert_db_refuses(lambda: User.objects.create(username="a1", role=Role.ANALYST, hub=hub))
    assert_db_refuses(lambda: User.objects.create(username="x1", role="minister"))
    coordinator = User.objects.create(username="c2", role=Role.COORDINATOR, hub=hub)
    # One hub by construction (a single foreign key) and never none.
    coordinator.hub = None
    assert_db_refuses(coordinator.save)
