"""Screenshots of the main pages on the reference dataset, for a reviewer to look at (test-artifacts/screenshots/).

The pages are also checked for what they must show, so a broken page fails here rather than only looking wrong.
"""

import re
from decimal import Decimal

import pytest

from tests import factories
from tests.reference import reference_data_install

from .conftest import screenshot, sign_in, unlabelled_controls

pytestmark = pytest.mark.browser


@pytest.fixture
def reference_network(transactional_db):
    reference_data_install()
    from registry.models import Hub

    factories.BureauUserFactory(username="bureau-ref")
    factories.CoordinatorFactory(username="coord-ref", hub=Hub.objects.get(slug="noord"))


def euros(text: str) -> Decimal:
    """'€ 314.000.000' (Dutch) → Decimal('314000000')."""
    return Decimal(re.sub(r"[^0-9,]", "", text).replace(",", "."))


def test_screenshots_of_the_main_pages(new_page, reference_network):
    page = new_page("nl-NL")
    sign_in(page, "bureau-ref")

    page.goto("/")
    total = euros(page.locator("#total").inner_text())
    # DESIGN: exactly €314,000,000.00; the dashboard shows whole euros, so exact to the euro is all it can show.
    assert total == Decimal("314000000.00")
    page.locator("canvas[data-chart='chart-sources']").wait_for()
    screenshot(page, "dashboard")
    assert unlabelled_controls(page) == []

    page.goto("/fieldlabs/")
    assert page.locator("#list tbody tr").count() == 25  # 47 fieldlabs, 25 a page
    assert unlabelled_controls(page) == []  # the filter form
    page.goto("/fieldlabs/?q=Region+of+Smart")
    page.locator("#list tbody tr a").first.click()
    page.locator("#matrix").wait_for()
    assert page.locator(".badge-published, .badge-illustrative").count() >= 1
    screenshot(page, "fieldlab")

    page.goto("/evaluation/")
    assert page.locator("#evaluation-funding tbody tr").count() == 5  # the five sources
    screenshot(page, "evaluation")
    assert unlabelled_controls(page) == []
    page.goto("/fieldlabs/campione/edit/")
    assert page.locator("form.edit-form input, form.edit-form select").count() > 10
    assert unlabelled_controls(page) == []  # the bureau's edit form

    page.locator("form[action$='/accounts/logout/'] button").click()
    sign_in(page, "coord-ref")
    page.goto("/reports/")
    page.wait_for_url("**/reports/noord/*/")
    assert page.locator("#report-grid tbody tr").count() >= 1
    screenshot(page, "hub-reporting")
    assert unlabelled_controls(page) == []  # every cell of the grid has its (visually hidden) label

    # The same report on a tablet in portrait: the grid scrolls sideways inside its frame, the page does not.
    page.set_viewport_size({"width": 820, "height": 1180})
    page.reload()
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 820
    screenshot(page, "hub-reporting-tablet")
