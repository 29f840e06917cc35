"""Measurements follow the funding workflow; follow-up actions and the intervention logic are the bureau's."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.services import record_create
from evaluation import selectors
from evaluation.models import Bottleneck, FollowUpAction, Measurement, Recommendation
from evaluation.services import (
    follow_up_action_create,
    follow_up_action_overdue,
    follow_up_action_update,
    measurement_create,
    measurement_update,
)
from review.choices import WorkflowAction
from review.workflow import workflow_transition
from tests import factories

pytestmark = pytest.mark.django_db


def _reach_2017(data):
    rows = selectors.effectiveness_tables()["goals"]
    return next(r["actual"] for r in rows if r["goal"] == "g3" and r["year"] == 2017)


def test_coordinator_reports_for_own_hub_and_only_approved_figures_count(evaluation_data, bureau_user):
    coordinator = factories.CoordinatorFactory(hub=evaluation_data.hub_b)
    fl = factories.FieldlabFactory(hub=evaluation_data.hub_b)
    assert _reach_2017(evaluation_data) == Decimal("35.00")
    m = measurement_create(
        actor=coordinator,
        activity_type=evaluation_data.activate,
        indicator=evaluation_data.reach,
        year=2017,
        fieldlab=fl,
        value=Decimal("15"),
        status="approved",  # ignored: a coordinator's report starts as a draft
    )
    assert m.status == "draft" and m.created_by == coordinator
    workflow_transition(m, action=WorkflowAction.SUBMIT, actor=coordinator)
    assert _reach_2017(evaluation_data) == Decimal("35.00")  # submitted is not approved
    with pytest.raises(PermissionDenied):
        measurement_update(measurement=m, actor=coordinator, data={"value": Decimal("16")})  # no longer theirs
    with pytest.raises(ValidationError):
        workflow_transition(m, action=WorkflowAction.RETURN, actor=bureau_user, comment=" ")
    workflow_transition(m, action=WorkflowAction.RETURN, actor=bureau_user, comment="Which companies?")
    measurement_update(measurement=m, actor=coordinator, data={"value": Decimal("14")})
    workflow_transition(m, action=WorkflowAction.SUBMIT, actor=coordinator)
    workflow_transition(m, action=WorkflowAction.APPROVE, actor=bureau_user)
    assert _reach_2017(evaluation_data) == Decimal("49.00")  # 35 + 14
    assert [h.history_change_reason for h in m.history.order_by("history_id")] == [
        "created", "submitted", "returned", "changed: value", "submitted", "approved",
    ]  # fmt: skip


def test_coordinator_cannot_report_for_another_hub_and_analyst_not_at_all(evaluation_data, analyst_user):
    coordinator = factories.CoordinatorFactory(hub=evaluation_data.hub_b)
    fields = {"activity_type": evaluation_data.activate, "indicator": evaluation_data.reach, "year": 2016}
    with pytest.raises(PermissionDenied):
        measurement_create(actor=coordinator, fieldlab=evaluation_data.f1, value=Decimal(1), **fields)  # hub-a
    with pytest.raises(PermissionDenied):
        measurement_create(actor=analyst_user, hub=evaluation_data.hub_b, value=Decimal(1), **fields)
    assert not Measurement.objects.filter(year=2016, indicator=evaluation_data.reach).exists()


def test_bad_measurement_is_refused(evaluation_data, bureau_user):
    fields = {"activity_type": evaluation_data.activate, "indicator": evaluation_data.reach, "year": 2016}
    with pytest.raises(ValidationError):
        measurement_create(actor=bureau_user, hub=evaluation_data.hub_a, value=Decimal("-1"), **fields)
    with pytest.raises(ValidationError):  # a fieldlab and a hub at once
        measurement_create(
            actor=bureau_user, hub=evaluation_data.hub_a, fieldlab=evaluation_data.f1, value=Decimal(1), **fields
        )
    with pytest.raises(ValidationError):  # the same place and year twice
        measurement_create(actor=bureau_user, hub=evaluation_data.hub_a, value=Decimal(1), **{**fields, "year": 2017})


def test_follow_up_actions(evaluation_data, bureau_user, analyst_user):
    rec = Recommendation.objects.get(code="skills_scope")
    with pytest.raises(PermissionDenied):
        follow_up_action_create(recommendation=rec, actor=analyst_user, title="x", owner="y")
    action = follow_up_action_create(
        recommendation=rec, actor=bureau_user, title="Decide the skills scope", owner="Steering group",
        due_date=date(2021, 9, 30),
    )  # fmt: skip
    assert follow_up_action_overdue(action, today=date(2021, 10, 1))
    assert not follow_up_action_overdue(action, today=date(2021, 9, 30))
    with pytest.raises(ValidationError):  # done needs evidence
        follow_up_action_update(action=action, actor=bureau_user, data={"status": "done"})
    follow_up_action_update(action=action, actor=bureau_user, data={"status": "done", "evidence": "Minutes 2021-09"})
    action.refresh_from_db()
    assert action.status == "done" and not follow_up_action_overdue(action, today=date(2022, 1, 1))
    assert FollowUpAction.history.filter(id=action.pk).count() == 2


def test_intervention_logic_is_bureau_only(evaluation_data, bureau_user, coordinator):
    # The admin writes the intervention logic through the core's generic record service.
    with pytest.raises(PermissionDenied):
        record_create(model=Bottleneck, actor=coordinator, data={"code": "x", "name": "X"})
    b = record_create(model=Bottleneck, actor=bureau_user, data={"code": "x", "name": "X"})
    assert b.history.first().history_user == bureau_user


def test_closed_reporting_period_refuses_measurements_until_reopened(evaluation_data, bureau_user):
    from review.services import reporting_period_close, reporting_period_reopen

    hub = evaluation_data.hub_b
    coordinator = factories.CoordinatorFactory(hub=hub)
    fl = factories.FieldlabFactory(hub=hub)
    fields = {"activity_type": evaluation_data.activate, "indicator": evaluation_data.reach, "fieldlab": fl}
    draft = measurement_create(actor=coordinator, year=2019, value=Decimal("3"), **fields)
    open_year = measurement_create(actor=coordinator, year=2016, value=Decimal("4"), **fields)
    reporting_period_close(hub=hub, year=2019, actor=bureau_user)

    with pytest.raises(ValidationError, match="closed"):
        measurement_update(measurement=draft, actor=coordinator, data={"value": Decimal("5")})
    with pytest.raises(ValidationError, match="closed"):
        workflow_transition(draft, action=WorkflowAction.SUBMIT, actor=coordinator)
    with pytest.raises(ValidationError, match="closed"):
        measurement_create(actor=coordinator, year=2019, value=Decimal("1"), **{**fields, "fieldlab": None, "hub": hub})
    with pytest.raises(ValidationError, match="closed"):  # moving a measurement into the closed year
        measurement_update(measurement=open_year, actor=coordinator, data={"year": 2019})
    draft.refresh_from_db()
    open_year.refresh_from_db()
    assert (draft.value, draft.status, open_year.year) == (Decimal("3.00"), "draft", 2016)

    reporting_period_reopen(hub=hub, year=2019, actor=bureau_user)
    assert measurement_update(measurement=draft, actor=coordinator, data={"value": Decimal("5")}).value == Decimal("5")
