"""The bureau reviews a hub-year in one step: funding lines and measurements together, with one comment — or only
the lines it ticks. The coordinator sees what came back, and why, in one place."""

from decimal import Decimal

import pytest
from django.test import Client

from evaluation.models import Measurement
from funding.models import FundingRecord
from reporting.services import report_review
from review.services import reporting_period_close
from tests import factories
from tests.evaluation.conftest import evaluation_data  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def submitted(evaluation_data):  # noqa: F811
    """A hub-a 2019 report that was submitted: two funding lines and one measurement; and one of hub-b's."""
    d = evaluation_data
    coordinator = factories.CoordinatorFactory(username="coord-a", hub=d.hub_a)
    bureau = factories.BureauUserFactory(username="bureau-r")
    lines = [
        factories.FundingRecordFactory(fieldlab=d.f1, year=2019, source="regional", amount=D("10.00"), status="draft"),
        factories.FundingRecordFactory(fieldlab=d.f2, year=2019, source="national", amount=D("20.00"), status="draft"),
    ]
    measurement = Measurement.objects.create(
        activity_type=d.skills, indicator=d.trained, year=2019, fieldlab=d.f1, value=D(7), status="draft"
    )
    clients = {}
    for name, user in [("coordinator", coordinator), ("bureau", bureau)]:
        clients[name] = Client()
        clients[name].force_login(user)
    assert clients["coordinator"].post("/reports/hub-a/2019/submit/").status_code == 302
    other_hub = factories.FundingRecordFactory(fieldlab=d.f3, year=2019, status="submitted", amount=D("1.00"))
    return {"lines": lines, "measurement": measurement, "other": other_hub, "clients": clients, "bureau": bureau}


def statuses(world):
    for item in [*world["lines"], world["measurement"], world["other"]]:
        item.refresh_from_db()
    return [item.status for item in [*world["lines"], world["measurement"], world["other"]]]


def test_return_a_whole_hub_year_with_one_comment(submitted):
    bureau = submitted["clients"]["bureau"]
    response = bureau.post("/reports/hub-a/2019/review/", {"decision": "return-all", "comment": "Split per quarter"})
    assert response.status_code == 302
    # Both funding lines and the measurement came back, with the one comment and the reviewer; hub-b is untouched.
    assert statuses(submitted) == ["returned", "returned", "returned", "submitted"]
    for item in [*submitted["lines"], submitted["measurement"]]:
        assert item.review_comment == "Split per quarter" and item.reviewed_by == submitted["bureau"]
    # The coordinator sees everything that came back in one place: funding lines and the measurement.
    page = submitted["clients"]["coordinator"].get("/reports/hub-a/2019/").content.decode()
    returned = page[page.index('id="returned"') : page.index("</section>", page.index('id="returned"'))]
    assert returned.count("Split per quarter") == 3
    assert "People trained" in returned


def test_approve_only_the_ticked_lines(submitted):
    bureau = submitted["clients"]["bureau"]
    first = submitted["lines"][0]
    bureau.post("/reports/hub-a/2019/review/", {"decision": "approve-selected", "record": [first.pk]})
    assert statuses(submitted) == ["approved", "submitted", "submitted", "submitted"]


def test_return_without_a_comment_or_with_a_foreign_line_changes_nothing(submitted):
    bureau = submitted["clients"]["bureau"]
    response = bureau.post("/reports/hub-a/2019/review/", {"decision": "return-all", "comment": " "}, follow=True)
    assert "Say what needs fixing" in response.content.decode()
    # Another hub's line smuggled into the selection: all or nothing.
    lines = [submitted["lines"][0].pk, submitted["other"].pk]
    response = bureau.post(
        "/reports/hub-a/2019/review/", {"decision": "approve-selected", "record": lines}, follow=True
    )
    assert "not submitted items of this report" in response.content.decode()
    assert statuses(submitted) == ["submitted", "submitted", "submitted", "submitted"]


def test_only_the_bureau_reviews_and_a_closed_period_refuses(submitted, evaluation_data):  # noqa: F811
    coordinator = submitted["clients"]["coordinator"]
    assert coordinator.post("/reports/hub-a/2019/review/", {"decision": "approve-all"}).status_code == 403
    reporting_period_close(hub=evaluation_data.hub_a, year=2019, actor=submitted["bureau"])
    with pytest.raises(Exception, match="closed"):
        report_review(hub=evaluation_data.hub_a, year=2019, actor=submitted["bureau"], action="approve")
    assert statuses(submitted) == ["submitted", "submitted", "submitted", "submitted"]
    assert FundingRecord.objects.filter(status="approved", year=2019, fieldlab__hub=evaluation_data.hub_a).count() == 0


def test_review_queue_groups_by_hub_year_with_one_form_each(submitted):
    page = submitted["clients"]["bureau"].get("/reports/review/").content.decode()
    assert page.count('id="review-form-hub-a-2019"') == 1
    form = page[
        page.index('id="review-form-hub-a-2019"') : page.index("</form>", page.index('id="review-form-hub-a-2019"'))
    ]
    for line in submitted["lines"]:
        assert f'name="record" value="{line.pk}"' in form
    assert f'name="measurement" value="{submitted["measurement"].pk}"' in form
    assert f'value="{submitted["other"].pk}"' not in form
