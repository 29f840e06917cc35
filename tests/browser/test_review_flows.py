"""The bureau returns a whole hub-year in one step, and the coordinator sees what came back, in a real Chromium."""

from decimal import Decimal

import pytest

from evaluation.models import ActivityType, Indicator, Measurement
from funding.models import FundingRecord
from tests import factories

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

COMMENT = "Splits de bedragen per kwartaal"


def test_the_bureau_returns_a_whole_hub_year_with_one_comment_and_the_coordinator_sees_it(new_page, network):
    # Noord's 2019 report as it stands after the coordinator submitted it: two funding lines and one measurement.
    lines = [
        factories.FundingRecordFactory(
            fieldlab=network["rosf"], year=2019, source="regional", amount=Decimal("12500.00"), status="submitted"
        ),
        factories.FundingRecordFactory(
            fieldlab=network["tech"], year=2019, source="national", amount=Decimal("3000.00"), status="submitted"
        ),
    ]
    skills = ActivityType.objects.create(code="skills", name="Skills", lead_level="fieldlab", concerns_skills=True)
    trained = Indicator.objects.create(code="trained", name="People trained", unit="people_trained")
    measurement = Measurement.objects.create(
        activity_type=skills,
        indicator=trained,
        year=2019,
        fieldlab=network["rosf"],
        value=Decimal(7),
        status="submitted",
    )
    # Zuid's submitted line is another hub-year: the decision on Noord's must leave it alone.
    zuid_line = factories.FundingRecordFactory(
        fieldlab=network["campione"], year=2019, source="regional", amount=Decimal("1.00"), status="submitted"
    )

    page = new_page("nl-NL")
    sign_in(page, "bureau-anna")
    page.goto("/reports/review/")
    form = page.locator("#review-form-noord-2019")
    # The queue groups by hub-year: Noord 2019 holds both lines and the measurement, and not Zuid's line.
    for line in lines:
        assert form.locator(f"#review-{line.pk}").count() == 1
    assert form.locator(f"#review-measurement-{measurement.pk}").count() == 1
    assert form.locator(f"#review-{zuid_line.pk}").count() == 0
    form.locator("#comment-noord-2019").fill(COMMENT)
    screenshot(page, "review-return-whole-hub-year")
    form.locator("button[value='return-all']").click()
    page.wait_for_load_state()

    # One comment, one click: everything of Noord 2019 is returned with that comment; Zuid's line is untouched.
    for item in [*lines, measurement]:
        item.refresh_from_db()
        assert (item.status, item.review_comment) == ("returned", COMMENT)
    zuid_line.refresh_from_db()
    assert zuid_line.status == "submitted"
    assert FundingRecord.objects.filter(status="returned").count() == 2

    page.locator("form[action$='/accounts/logout/'] button").click()
    page.wait_for_url("**/accounts/login/**")

    # The coordinator sees every returned item, with the comment, in one place on the report page.
    sign_in(page, "coord-noord")
    page.goto("/reports/noord/2019/")
    returned = page.locator("#returned")
    returned.wait_for()
    text = returned.inner_text()
    assert text.count(COMMENT) == 3, text
    assert "€\u00a012.500,00" in text and "€\u00a03.000,00" in text
    assert "bureau-anna" in text
    screenshot(page, "review-returned-seen-by-coordinator")
