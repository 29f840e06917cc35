"""A stale report cell in a real Chromium: htmx swaps the 409 answer into the cell, so the coordinator sees both
values (htmx would otherwise drop a 4xx answer; templates/base.html's htmx-config lets 409 through)."""

from decimal import Decimal

import pytest

from funding.models import FundingRecord
from funding.services import funding_record_update

from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_cell_changed_meanwhile_shows_both_values_in_the_cell(new_page, network):
    page = new_page("nl-NL")
    sign_in(page, "coord-noord")
    page.goto("/reports/noord/2019/")
    cell_id = f"cell-{network['rosf'].pk}-regional"
    page.locator(f"#{cell_id}").fill("100")
    page.locator(f"#{cell_id}").press("Tab")
    page.locator(f"#{cell_id}-td .status-draft").wait_for()
    record = FundingRecord.objects.get(fieldlab=network["rosf"], year=2019, source="regional")
    # Someone else changes the cell while this page still shows the version it read.
    funding_record_update(record=record, actor=network["coord_noord"], data={"amount": Decimal("222.00")})
    page.locator(f"#{cell_id}").fill("333")
    page.locator(f"#{cell_id}").press("Tab")
    error = page.locator(f"#{cell_id}-error")
    error.wait_for()
    assert "222,00" in error.inner_text() and "333" in error.inner_text()
    assert page.locator(f"#{cell_id}").input_value() == "333"
    record.refresh_from_db()
    assert record.amount == Decimal("222.00")
