"""The reporting workflow and its rules, as every interface (portal, API, admin) meets them."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import policy
from funding.choices import RecordStatus
from funding.models import FundingRecord
from funding.services import (
    funding_record_approve,
    funding_record_create,
    funding_record_delete,
    funding_record_return,
    funding_record_submit,
    funding_record_update,
)
from review.services import reporting_period_close, reporting_period_reopen
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub():
    return factories.HubFactory(slug="noord")


@pytest.fixture
def own_fieldlab(hub):
    return factories.FieldlabFactory(hub=hub)


@pytest.fixture
def coordinator(hub):
    return factories.CoordinatorFactory(hub=hub)


def draft(actor, fieldlab, **extra):
    values = {"fieldlab": fieldlab, "year": 2019, "source": "regional", "amount": Decimal("2500.00")}
    values.update(extra)
    return funding_record_create(actor=actor, **values)


def test_coordinator_reports_bureau_approves(coordinator, own_fieldlab, bureau_user):
    record = draft(coordinator, own_fieldlab, status=RecordStatus.APPROVED)  # a coordinator cannot self-approve
    assert record.status == RecordStatus.DRAFT and record.created_by == coordinator
    record = funding_record_submit(record=record, actor=coordinator)
    assert record.status == RecordStatus.SUBMITTED and record.submitted_at
    record = funding_record_approve(record=record, actor=bureau_user)
    assert record.status == RecordStatus.APPROVED and record.reviewed_by == bureau_user
    assert [h.history_change_reason for h in record.history.order_by("history_date")] == [
        "created",
        "submitted",
        "approved",
    ]
    assert [h.history_user for h in record.history.order_by("history_date")] == [coordinator, coordinator, bureau_user]


def test_returned_record_goes_back_to_the_coordinator(coordinator, own_fieldlab, bureau_user):
    record = funding_record_submit(record=draft(coordinator, own_fieldlab), actor=coordinator)
    with pytest.raises(ValidationError):
        funding_record_return(record=record, actor=bureau_user, comment="  ")
    record = funding_record_return(record=record, actor=bureau_user, comment="Amount is per year, not total")
    assert record.status == RecordStatus.RETURNED and record.review_comment.startswith("Amount")
    record = funding_record_update(record=record, actor=coordinator, data={"amount": Decimal("500.00")})
    record = funding_record_submit(record=record, actor=coordinator)
    assert record.status == RecordStatus.SUBMITTED and record.amount == Decimal("500.00")


def test_coordinator_cannot_touch_another_hub(coordinator, bureau_user):
    other = factories.FieldlabFactory(hub=factories.HubFactory(slug="zuid"))
    with pytest.raises(PermissionDenied):
        draft(coordinator, other)
    theirs = draft(bureau_user, other, status=RecordStatus.DRAFT)
    for attempt in (
        lambda: funding_record_update(record=theirs, actor=coordinator, data={"amount": Decimal("1")}),
        lambda: funding_record_submit(record=theirs, actor=coordinator),
        lambda: funding_record_delete(record=theirs, actor=coordinator),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert not policy.can(coordinator, policy.Action.VIEW, theirs)
    theirs.refresh_from_db()
    assert theirs.amount == Decimal("2500.00") and theirs.status == RecordStatus.DRAFT


def test_coordinator_cannot_move_a_record_out_of_their_hub(coordinator, own_fieldlab):
    record = draft(coordinator, own_fieldlab)
    elsewhere = factories.FieldlabFactory()
    with pytest.raises(PermissionDenied):
        funding_record_update(record=record, actor=coordinator, data={"fieldlab": elsewhere})
    record.refresh_from_db()
    assert record.fieldlab == own_fieldlab


def test_submitted_and_approved_records_are_frozen_for_coordinators(coordinator, own_fieldlab, bureau_user):
    record = funding_record_submit(record=draft(coordinator, own_fieldlab), actor=coordinator)
    with pytest.raises(PermissionDenied):
        funding_record_update(record=record, actor=coordinator, data={"amount": Decimal("1")})
    with pytest.raises(PermissionDenied):
        funding_record_approve(record=record, actor=coordinator)
    approved = funding_record_approve(record=record, actor=bureau_user)
    with pytest.raises(ValidationError):
        funding_record_approve(record=approved, actor=bureau_user)  # approved is final


def test_analysts_never_write(analyst_user, own_fieldlab):
    with pytest.raises(PermissionDenied):
        draft(analyst_user, own_fieldlab)
    assert not FundingRecord.objects.exists()


def test_closed_period_refuses_edits_until_reopened(coordinator, own_fieldlab, hub, bureau_user):
    record = draft(coordinator, own_fieldlab)
    reporting_period_close(hub=hub, year=2019, actor=bureau_user)
    with pytest.raises(ValidationError, match="closed"):
        funding_record_update(record=record, actor=coordinator, data={"amount": Decimal("1.00")})
    with pytest.raises(ValidationError, match="closed"):
        draft(coordinator, own_fieldlab, source="eu")
    with pytest.raises(ValidationError, match="closed"):
        funding_record_submit(record=record, actor=coordinator)
    # Moving a record from an open year into the closed one is refused too.
    open_year = draft(coordinator, own_fieldlab, year=2018)
    with pytest.raises(ValidationError, match="closed"):
        funding_record_update(record=open_year, actor=coordinator, data={"year": 2019, "source": "eu"})
    with pytest.raises(PermissionDenied):
        reporting_period_reopen(hub=hub, year=2019, actor=coordinator)
    reporting_period_reopen(hub=hub, year=2019, actor=bureau_user)
    record = funding_record_update(record=record, actor=coordinator, data={"amount": Decimal("1.00")})
    assert record.amount == Decimal("1.00")


def test_invalid_input_changes_nothing(coordinator, own_fieldlab):
    record = draft(coordinator, own_fieldlab)
    with pytest.raises(ValidationError):
        funding_record_update(record=record, actor=coordinator, data={"amount": Decimal("-5"), "year": 2017})
    record.refresh_from_db()
    assert (record.amount, record.year) == (Decimal("2500.00"), 2019)
    with pytest.raises(ValidationError):
        draft(coordinator, own_fieldlab)  # duplicate of the first
    with pytest.raises(ValueError):
        funding_record_update(record=record, actor=coordinator, data={"status": "approved"})
    assert FundingRecord.objects.count() == 1 and record.history.count() == 1
