"""One walk per cell save: a report cell (contribution or indicator) asks the policy once, reads its hub-year's period
once and never builds the whole hub report; what it answers (the cell, its row, the grid's sums, the pending count) is
read by aggregate. Its query count is pinned, and it is the same for a hub-year of 3 fieldlabs and one of 40."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import accounts.policy
from core.policy import Action
from evaluation.models import ActivityType, Indicator, Measurement, OutputGoal
from funding.models import FundingRecord
from tests import factories

from .conftest import rows, text

pytestmark = pytest.mark.django_db

YEAR = 2019

# The queries of one cell save, by what it does. Every save: session + user, the hub, its period (the one
# closed-period check), the fieldlab (indicator cells at hub level have none) and the cell as it was. Then the write,
# in savepoints (the service's, the funding or evaluation service's): the model's full_clean (foreign keys, one query
# with a savepoint per check constraint, the unique cell), the row, its history and (funding records) its rollup.
# Then the answer: the cell as stored now and, for a contribution, its other lines, the grid's per-source sums with
# the row's, and the two counts of what "submit" would send.
CELL_SAVE_QUERIES = {
    "fill an empty contribution cell": 51,
    "change a contribution": 53,
    "clear a contribution": 21,  # a delete runs no full_clean
    "first value of an indicator cell": 36,  # hub-wide: no fieldlab to look up
    "change an indicator value": 39,
}


@pytest.fixture
def hub_year():
    hub = factories.HubFactory(name="Hub Noord", slug="noord")
    skills = ActivityType.objects.create(code="skills", name="Skills", lead_level="fieldlab", sort_order=1)
    trained = Indicator.objects.create(code="trained", name="People trained", unit="people_trained")
    OutputGoal.objects.create(code="g-skills", name="Skills", activity_type=skills, indicator=trained)
    coordinator = factories.CoordinatorFactory(username="coord-noord", hub=hub)
    client = Client()
    client.force_login(coordinator)
    return {"hub": hub, "skills": skills, "trained": trained, "client": client, "labs": [], "coordinator": coordinator}


def _grow(world, count: int) -> None:
    """Fieldlabs with lines, as the coordinator entered them: a contribution cell, another funder's line beside it, and
    an indicator value."""
    by = world["coordinator"]
    for _ in range(count):
        lab = factories.FieldlabFactory(hub=world["hub"], start_year=2015)
        factories.FundingRecordFactory(fieldlab=lab, year=YEAR, source="companies", status="draft", created_by=by)
        factories.FundingRecordFactory(
            fieldlab=lab, year=YEAR, source="eu", funder=factories.FunderFactory(), status="draft", created_by=by
        )
        Measurement.objects.create(
            activity_type=world["skills"], indicator=world["trained"], year=YEAR, fieldlab=lab, value=Decimal(3),
            status="draft", created_by=by,
        )  # fmt: skip
        world["labs"].append(lab)


def _cell(lab, source):
    return f"/reports/noord/{YEAR}/cells/{lab.slug}/{source}/", f"cell-{lab.pk}-{source}"


def _is_contribution(kind: str) -> bool:
    return "contribution" in kind


def _post(world, kind: str, lab):
    """One save of this kind in this fieldlab's cells (an indicator's first value: the hub-wide cell)."""
    if _is_contribution(kind):
        url, name = _cell(lab, "regional" if kind.startswith("fill") else "companies")
        amount = {"fill": "1250", "change": "2500", "clear": ""}[kind.split()[0]]
        return world["client"].post(url, {name: amount}, HTTP_HX_REQUEST="true")
    place = "_hub" if kind.startswith("first") else lab.slug
    url = f"/reports/noord/{YEAR}/measurements/{place}/skills/trained/"
    return world["client"].post(url, {f"m-{place}-skills-trained": "7"}, HTTP_HX_REQUEST="true")


def _check_saved(world, kind: str, lab, response) -> None:
    assert response.status_code == 200, response.content.decode()
    if _is_contribution(kind):
        source = "regional" if kind.startswith("fill") else "companies"
        stored = FundingRecord.objects.filter(fieldlab=lab, year=YEAR, source=source, funder__isnull=True).first()
        expected = {"fill": Decimal("1250"), "change": Decimal("2500"), "clear": None}[kind.split()[0]]
        assert (stored.amount if stored else None) == expected
    else:
        where = {"fieldlab__isnull": True, "hub": world["hub"]} if kind.startswith("first") else {"fieldlab": lab}
        assert Measurement.objects.get(year=YEAR, indicator=world["trained"], **where).value == Decimal(7)


def _save(world, kind: str, lab):
    response = _post(world, kind, lab)
    _check_saved(world, kind, lab, response)
    return response


@pytest.mark.parametrize("kind", list(CELL_SAVE_QUERIES))
def test_a_cell_saves_query_count_is_pinned_and_does_not_grow_with_its_hub_year(
    hub_year, kind, django_assert_num_queries
):
    _grow(hub_year, 3)
    with django_assert_num_queries(CELL_SAVE_QUERIES[kind]):
        response = _post(hub_year, kind, hub_year["labs"][0])
    _check_saved(hub_year, kind, hub_year["labs"][0], response)
    if kind.startswith("first"):  # the hub-wide cell is filled now: start again with an empty one
        Measurement.objects.filter(hub=hub_year["hub"]).delete()
    _grow(hub_year, 37)  # 40 fieldlabs, 80 funding lines, 40 measurements
    with django_assert_num_queries(CELL_SAVE_QUERIES[kind]):
        response = _post(hub_year, kind, hub_year["labs"][1])
    _check_saved(hub_year, kind, hub_year["labs"][1], response)


@pytest.mark.parametrize("kind", list(CELL_SAVE_QUERIES))
def test_a_cell_save_asks_the_policy_for_the_report_once_and_reads_the_period_once(hub_year, kind, monkeypatch):
    _grow(hub_year, 3)
    asked = []
    can = accounts.policy.can

    def counting_can(user, action, obj=None):
        asked.append(action)
        return can(user, action, obj)

    monkeypatch.setattr(accounts.policy, "can", counting_can)
    with CaptureQueriesContext(connection) as queries:
        response = _post(hub_year, kind, hub_year["labs"][0])
    _check_saved(hub_year, kind, hub_year["labs"][0], response)
    assert asked.count(Action.ENTER_REPORT) == 1
    period_reads = [q["sql"] for q in queries.captured_queries if "review_reportingperiod" in q["sql"]]
    assert len(period_reads) == 1, period_reads


def test_the_answer_of_a_cell_save_shows_the_sums_and_count_the_page_shows(hub_year):
    """The cell's answer reads its sums and the pending count by aggregate, the page from its loaded grids: the same
    figures, including lines beside the cell, a hub-level draft and a measurement outside the grid (neither sent by
    submit), and an approved line (in the sums, not pending)."""
    _grow(hub_year, 3)
    hub, (lab, other_lab, _) = hub_year["hub"], hub_year["labs"]
    factories.FundingRecordFactory(fieldlab=None, hub=hub, year=YEAR, source="national", amount=Decimal("999.00"))
    factories.FundingRecordFactory(fieldlab=other_lab, year=YEAR, source="knowledge", amount=Decimal("40.50"))
    elsewhere = ActivityType.objects.create(code="aware", name="Awareness", lead_level="hub", sort_order=2)
    Measurement.objects.create(
        activity_type=elsewhere, indicator=hub_year["trained"], year=YEAR, fieldlab=lab, value=Decimal(1),
        status="draft",
    )  # fmt: skip
    answer = _save(hub_year, "fill an empty contribution cell", lab)
    page = hub_year["client"].get(f"/reports/noord/{YEAR}/")
    assert rows(answer, "report-totals") == rows(page, "report-totals")
    assert text(answer, f"row-total-{lab.pk}") == text(page, f"row-total-{lab.pk}")
    # 3 × 2 lines of the fieldlabs, the new cell and 3 measurements of the grid's pair.
    assert text(answer, "pending-count") == text(page, "pending-count") == "10 records are waiting to be submitted."
    cell = f"cell-{lab.pk}-regional-td"
    assert text(answer, cell) == text(page, cell)
