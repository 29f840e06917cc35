"""Must-show flows of issue #12 in Chromium: the reporting grid as a spreadsheet (paste from the clipboard, arrow
keys), the global search, the change log's user filter. Screenshots go to test-artifacts/screenshots/."""

from decimal import Decimal

import pytest

from core.services import record_update
from funding.models import FundingRecord
from funding.services import funding_record_update

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

SOURCES = ["companies", "national", "regional", "knowledge", "eu"]


def active_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_a_coordinator_pastes_a_row_from_excel_and_moves_with_the_arrow_keys(new_page, network, live_server):
    page = new_page("nl-NL")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    sign_in(page, "coord-noord")
    page.goto("/reports/noord/2019/")
    rosf, tech = network["rosf"], network["tech"]
    first = page.locator(f"#cell-{rosf.pk}-companies")
    first.click()

    # A row copied from Excel: five columns, Dutch amounts, one of them not an amount, and Excel's closing newline.
    page.evaluate("text => navigator.clipboard.writeText(text)", "1.000\t2.500,50\tveel\t4000\t5.000\r\n")
    page.keyboard.press("Control+V")
    for source in ("companies", "national", "knowledge", "eu"):
        page.locator(f"#cell-{rosf.pk}-{source}-td .status-draft").wait_for()
    # The cell that is not an amount shows its own error; the others were saved one by one.
    page.locator(f"#cell-{rosf.pk}-regional-td .error").wait_for()
    assert page.locator(f"#cell-{rosf.pk}-regional").get_attribute("aria-invalid") == "true"
    saved = dict(FundingRecord.objects.filter(fieldlab=rosf, year=2019).values_list("source", "amount"))
    expected = {"companies": "1000.00", "national": "2500.50", "knowledge": "4000.00", "eu": "5000.00"}
    assert saved == {source: Decimal(amount) for source, amount in expected.items()}
    page.wait_for_function("document.getElementById('grid-status').textContent.includes('geweigerd')")
    assert (
        page.locator("#grid-status").inner_text()
        == "5 waarden geplakt: 4 opgeslagen, 1 geweigerd (zie de gemarkeerde cellen)."
    )
    assert page.locator("#report-total").inner_text() == "€\u00a012.500,50"
    screenshot(page, "grid-pasted-row")

    # The arrow keys and Enter move between cells; Enter does not submit the page.
    page.locator(f"#cell-{rosf.pk}-companies").focus()
    assert active_id(page) == f"cell-{rosf.pk}-companies"
    page.keyboard.press("ArrowDown")
    assert active_id(page) == f"cell-{tech.pk}-companies"
    page.keyboard.press("ArrowRight")  # the (empty) cell's text is all selected: move right
    assert active_id(page) == f"cell-{tech.pk}-national"
    page.keyboard.press("ArrowUp")
    assert active_id(page) == f"cell-{rosf.pk}-national"
    url = page.url
    page.keyboard.press("Enter")
    assert active_id(page) == f"cell-{tech.pk}-national" and page.url == url
    # Typing replaces the cell (its text is selected on arrival), and leaving it saves it.
    page.keyboard.type("750")
    page.keyboard.press("ArrowLeft")  # the caret is inside the text: it moves within the cell
    assert active_id(page) == f"cell-{tech.pk}-national"
    page.keyboard.press("Home")
    page.keyboard.press("ArrowLeft")  # at the start of the text: to the cell on the left
    assert active_id(page) == f"cell-{tech.pk}-companies"
    page.locator(f"#cell-{tech.pk}-national-td .status-draft").wait_for()
    assert FundingRecord.objects.get(fieldlab=tech, year=2019, source="national").amount == Decimal("750.00")

    # Fix the error cell by typing over it, then "Submit" lists exactly what goes before anything is sent.
    page.locator(f"#cell-{rosf.pk}-regional").fill("300")
    page.keyboard.press("Tab")
    page.locator(f"#cell-{rosf.pk}-regional-td .status-draft").wait_for()
    page.locator("#submit-link").click()
    assert page.locator("#submit-records tbody tr").count() == 6
    screenshot(page, "grid-submit-list")
    page.locator("#submit-form button[type=submit]").click()
    page.wait_for_url("**/reports/noord/2019/")
    assert set(
        FundingRecord.objects.filter(year=2019, fieldlab__hub=network["noord"]).values_list("status", flat=True)
    ) == {"submitted"}


def test_global_search_finds_a_fieldlab_by_a_word_of_its_theme(new_page, network):
    page = new_page("nl-NL")
    sign_in(page, "coord-zuid")
    page.goto("/")
    page.locator("#header-search").fill("robotised")
    page.locator("#header-search").press("Enter")
    page.wait_for_url("**/search/?q=robotised")
    results = page.locator("#results-fieldlabs").inner_text()
    assert "Technologies Added" in results and "shared robotised factory" in results
    assert "Region of Smart Factories" not in results
    screenshot(page, "search-fieldlab-by-theme")
    page.locator("#results-fieldlabs a", has_text="Technologies Added").click()
    page.wait_for_url(f"**/fieldlabs/{network['tech'].slug}/")


def test_the_change_log_filters_by_user(new_page, network):
    record_update(instance=network["rosf"], actor=network["bureau"], data={"city": "Leeuwarden"})
    draft = FundingRecord.objects.create(
        fieldlab=network["tech"], year=2019, source="eu", amount=Decimal("10.00"), status="draft"
    )
    funding_record_update(record=draft, actor=network["coord_noord"], data={"amount": Decimal("20.00")})
    page = new_page("nl-NL")
    sign_in(page, "bureau-anna")
    page.goto("/changes/")
    users = page.locator("#changelog .changelog-user").all_inner_texts()
    assert {"bureau-anna", "coord-noord"} <= set(users)
    page.locator("#id_user").select_option("coord-noord")
    page.locator("#changelog-filters button[type=submit]").click()
    page.wait_for_url("**/changes/?*user=coord-noord*")
    users = page.locator("#changelog .changelog-user").all_inner_texts()
    assert users and set(users) == {"coord-noord"}
    assert "10,00 → 20,00" in page.locator("#changelog").inner_text()  # Dutch page, Dutch amounts
    screenshot(page, "change-log-by-user")
