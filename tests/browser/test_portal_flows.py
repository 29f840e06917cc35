"""The must-show flows of the portal, in a real Chromium."""

from decimal import Decimal

import pytest

from funding.models import FundingRecord

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def dutch_euro(amount: Decimal) -> str:
    """€ 450.000 — how the dashboard prints a whole-euro amount in Dutch (worked out by hand, not by Django)."""
    whole = f"{int(amount):,}".replace(",", ".")
    return f"€\u00a0{whole}"


def sign_out(page) -> None:
    page.locator("form[action$='/accounts/logout/'] button").click()
    page.wait_for_url("**/accounts/login/**")


def test_coordinator_reports_bureau_approves_and_the_totals_move(new_page, network):
    page = new_page("nl-NL")

    # The bureau's dashboard before: only the four approved records count.
    sign_in(page, "bureau-anna")
    page.goto("/")
    assert page.locator("#total").inner_text() == dutch_euro(network["approved_total"])
    page.goto("/evaluation/")
    evaluation_before = page.locator("#evaluation-funding").inner_text()
    screenshot(page, "flow-evaluation-before")
    sign_out(page)

    # The coordinator of Noord enters a regional contribution for RoSF in 2019, Dutch style, and submits.
    sign_in(page, "coord-noord")
    page.goto("/reports/noord/2019/")
    cell_id = f"cell-{network['rosf'].pk}-regional"
    cell = page.locator(f"#{cell_id}")
    cell.fill("12.500,50")
    cell.press("Tab")  # leaving the cell saves it as a draft (htmx)
    page.locator(f"#{cell_id}-td .status-draft").wait_for()
    record = FundingRecord.objects.get(fieldlab=network["rosf"], year=2019, source="regional")
    assert record.amount == Decimal("12500.50") and record.status == "draft"
    assert page.locator("#report-total").inner_text() == "€\u00a012.500,50"
    screenshot(page, "flow-hub-reporting-draft")
    page.locator("#submit-link").click()  # first the list of what goes, then confirm
    assert (
        page.locator(f"#submit-record-{FundingRecord.objects.get(fieldlab=network['rosf'], year=2019).pk}").count() == 1
    )
    page.locator("#submit-form button[type=submit]").click()
    page.locator(f"#{cell_id}-td .status-submitted").wait_for()
    record.refresh_from_db()
    assert record.status == "submitted"
    # Not approved yet: the dashboard still shows the old total.
    page.goto("/")
    assert page.locator("#total").inner_text() == dutch_euro(network["approved_total"])
    sign_out(page)

    # The bureau approves it from the review queue.
    sign_in(page, "bureau-anna")
    page.goto("/reports/review/")
    row = page.locator(f"#review-{record.pk}")
    assert "12.500,50" in row.inner_text()
    row.locator("input[type=checkbox]").check()  # this line only, then approve the ticked lines
    page.locator("#review-form-noord-2019 button[value='approve-selected']").click()
    page.wait_for_load_state()
    record.refresh_from_db()
    assert record.status == "approved"

    # The dashboard total has grown by exactly the contribution: 450 000 + 12 500,50 → € 462.501 (rounded to euros).
    page.goto("/")
    assert page.locator("#total").inner_text() == dutch_euro(Decimal("462501"))
    screenshot(page, "flow-dashboard-after-approval")

    # The evaluation table changed: 2019 regional funding now includes the contribution.
    page.goto("/evaluation/")
    assert page.locator("#evaluation-funding").inner_text() != evaluation_before
    assert "12.500,50" in page.locator("#evaluation-funding").inner_text()

    # The history shows both steps: the coordinator's submission and the bureau's approval.
    page.goto(f"/funding/{record.pk}/")
    history = page.locator(".history-table tbody").inner_text()
    assert "coord-noord" in history and "Gewijzigd (ingediend)" in history  # the reason in the page's language
    assert "bureau-anna" in history and "Gewijzigd (goedgekeurd)" in history

    page.goto(f"/fieldlabs/{network['rosf'].slug}/")
    screenshot(page, "flow-fieldlab")


def test_coordinator_of_noord_gets_403_on_a_zuid_fieldlab_edit_url(new_page, network):
    page = new_page("nl-NL")
    # Signed in with the keyboard only: type, Tab to the password, Enter submits.
    page.goto("/accounts/login/")
    page.focus("#id_username")
    page.keyboard.type("coord-noord")
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    response = page.goto(f"/fieldlabs/{network['campione'].slug}/edit/")
    assert response.status == 403
    # … and on Zuid's report, where its drafts live.
    response = page.goto("/reports/zuid/2019/")
    assert response.status == 403
    # The coordinator's own hub report is open to them.
    response = page.goto("/reports/noord/2019/")
    assert response.status == 200
