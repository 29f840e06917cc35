"""Indicator measurements in the hub report: entered in place, submitted with the contributions, reviewed by the
bureau. Built on the evaluation module's hand-built dataset (tests/evaluation/conftest.py)."""

from decimal import Decimal

import pytest
from django.test import Client

from evaluation.models import Measurement
from review.services import reporting_period_close
from tests import factories
from tests.evaluation.conftest import evaluation_data  # noqa: F401  (the fixture)

from .conftest import rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(evaluation_data):  # noqa: F811
    coordinator = factories.CoordinatorFactory(username="coord-a", hub=evaluation_data.hub_a)
    bureau = factories.BureauUserFactory(username="bureau-m")
    clients = {}
    for name, user in [("coordinator", coordinator), ("bureau", bureau)]:
        clients[name] = Client()
        clients[name].force_login(user)
    clients["other"] = Client()
    clients["other"].force_login(factories.CoordinatorFactory(username="coord-b", hub=evaluation_data.hub_b))
    return clients


def cell(data, place="f1", activity="skills", indicator="trained", year=2019):
    return (
        f"/reports/hub-a/{year}/measurements/{place}/{activity}/{indicator}/",
        f"m-{place}-{activity}-{indicator}",
    )


def test_grid_has_a_column_per_measurable_goal_and_a_row_per_place(people, evaluation_data):  # noqa: F811
    table = rows(people["coordinator"].get("/reports/hub-a/2017/"), "measurement-grid")
    # Goals with an indicator: g1 aware/events, g2 skills/trained, g3 activate/reach (g4 has none).
    assert len(table[0]) == 4
    assert [row[0] for row in table[1:]] == [
        evaluation_data.f1.name,
        evaluation_data.f2.name,
        f"{evaluation_data.hub_a.name} (hub-wide)",
    ]


def test_enter_submit_approve(people, evaluation_data):  # noqa: F811
    url, name = cell(evaluation_data)
    response = people["coordinator"].post(url, {name: "1.250"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert 'class="badge status-draft"' in response.content.decode()
    measurement = Measurement.objects.get(fieldlab=evaluation_data.f1, year=2019, indicator__code="trained")
    assert measurement.value == Decimal("1250.00") and measurement.status == "draft"
    people["coordinator"].post("/reports/hub-a/2019/submit/")
    measurement.refresh_from_db()
    assert measurement.status == "submitted"
    queue = people["bureau"].get("/reports/review/")
    assert f'id="review-measurement-{measurement.pk}"' in queue.content.decode()
    people["bureau"].post(f"/reports/measurements/{measurement.pk}/approve/")
    measurement.refresh_from_db()
    assert measurement.status == "approved"
    # A coordinator cannot approve.
    other = Measurement.objects.create(
        activity_type=evaluation_data.skills, indicator=evaluation_data.trained, year=2018,
        fieldlab=evaluation_data.f2, value=Decimal(1), status="submitted",
    )  # fmt: skip
    assert people["coordinator"].post(f"/reports/measurements/{other.pk}/approve/").status_code == 403


def test_bad_value_closed_period_and_other_hubs(people, evaluation_data):  # noqa: F811
    url, name = cell(evaluation_data)
    response = people["coordinator"].post(url, {name: "-3"})
    assert 'aria-invalid="true"' in response.content.decode()
    assert people["other"].post(url, {name: "5"}).status_code == 403
    reporting_period_close(hub=evaluation_data.hub_a, year=2019, actor=factories.BureauUserFactory())
    response = people["coordinator"].post(url, {name: "5"})
    assert "closed" in response.content.decode()
    assert not Measurement.objects.filter(fieldlab=evaluation_data.f1, year=2019).exists()


def test_the_coordinators_grid_does_not_query_per_measurement(people, evaluation_data, django_assert_max_num_queries):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        people["coordinator"].get("/reports/hub-a/2017/")
    for place in (evaluation_data.f1, evaluation_data.f2):
        Measurement.objects.create(
            activity_type=evaluation_data.activate, indicator=evaluation_data.reach, year=2017, fieldlab=place,
            value=Decimal(3), status="draft",
        )  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        people["coordinator"].get("/reports/hub-a/2017/")
