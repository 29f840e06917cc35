"""The reporting grid as a spreadsheet, server side: submit lists exactly what it sends and sends only what the grid
shows; "add line" and "add funding" open the funding form filled in; the dashboard's status cells open the report;
the grid page carries no inline script (the keyboard and paste handling is static/js/report-grid.js)."""

import re
from decimal import Decimal

import pytest

from funding.models import FundingRecord
from tests import factories

from .conftest import rows, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafts(network, noord_client):
    rosf, tech, noord = network["rosf"], network["tech"], network["noord"]
    # The coordinator's two cells, and a second line of the same source for RoSF (another funder).
    noord_client.post("/reports/noord/2019/", {f"cell-{rosf.pk}-regional": "1000", f"cell-{tech.pk}-eu": "2000"})
    second = factories.FundingRecordFactory(
        fieldlab=rosf, year=2019, source="regional", funder=network["funder"], amount=Decimal("300.00"), status="draft"
    )
    # A bureau-made draft of the hub itself: not in the grid, so the grid's submit does not send it.
    hub_draft = factories.FundingRecordFactory(
        fieldlab=None, hub=noord, year=2019, source="national", amount=Decimal("999.00"), status="draft"
    )
    cells = {r.source: r for r in FundingRecord.objects.filter(fieldlab__hub=noord, year=2019, funder__isnull=True)}
    return {"regional": cells["regional"], "eu": cells["eu"], "second": second, "hub_draft": hub_draft}


def test_submit_first_lists_exactly_the_grids_drafts(noord_client, network, drafts):
    response = noord_client.get("/reports/noord/2019/submit/")
    assert response.status_code == 200
    listed = [row[0] for row in rows(response, "submit-records")[1:]]
    assert sorted(int(pk) for pk in listed) == sorted(
        r.pk for r in (drafts["regional"], drafts["eu"], drafts["second"])
    )
    assert f'id="submit-record-{drafts["hub_draft"].pk}"' not in response.content.decode()
    assert "1 other draft of this hub-year is not in the report" in text(response, "submit-elsewhere")
    # Nothing moved by looking.
    assert FundingRecord.objects.filter(fieldlab__hub=network["noord"], year=2019, status="draft").count() == 3


def test_confirming_sends_the_listed_lines_and_not_the_hub_level_draft(noord_client, network, drafts):
    shown = [drafts["regional"].pk, drafts["eu"].pk, drafts["second"].pk]
    response = noord_client.post("/reports/noord/2019/submit/", {"listed": "1", "record": shown})
    assert response.status_code == 302 and response.url == "/reports/noord/2019/"
    assert set(FundingRecord.objects.filter(pk__in=shown).values_list("status", flat=True)) == {"submitted"}
    drafts["hub_draft"].refresh_from_db()
    assert drafts["hub_draft"].status == "draft"


def test_a_list_that_is_no_longer_true_submits_nothing(noord_client, network, drafts):
    shown = [drafts["regional"].pk, drafts["eu"].pk]  # the page was opened before the second line was added
    response = noord_client.post("/reports/noord/2019/submit/", {"listed": "1", "record": shown}, follow=True)
    assert "The report changed after the list was shown" in response.content.decode()
    assert not FundingRecord.objects.filter(fieldlab__hub=network["noord"], year=2019, status="submitted").exists()


def test_the_pending_count_counts_what_submit_sends(noord_client, network, drafts):
    page = noord_client.get("/reports/noord/2019/")
    assert text(page, "pending-count") == "3 records are waiting to be submitted."


def test_the_cell_shows_its_line_the_other_lines_and_an_add_line_link(noord_client, network, drafts):
    rosf = network["rosf"]
    page = noord_client.get("/reports/noord/2019/").content.decode()
    cell = page[
        page.index(f'id="cell-{rosf.pk}-regional-td"') : page.index(
            "</td>", page.index(f'id="cell-{rosf.pk}-regional-td"')
        )
    ]
    assert 'value="1000.00"' in cell  # the line's own amount is in the input: typing replaces it
    assert "in 1 other line (kept)" in cell and "300.00" in cell
    assert f"/funding/new/?recipient_kind=fieldlab&amp;recipient={rosf.slug}&amp;year=2019&amp;source=regional" in cell


def test_add_line_and_add_funding_open_the_form_filled_in(noord_client, bureau_client, network):
    rosf, funder = network["rosf"], network["funder"]
    form = noord_client.get(f"/funding/new/?recipient_kind=fieldlab&recipient={rosf.slug}&year=2019&source=eu")
    html = form.content.decode()
    assert re.search(rf'<option value="{rosf.pk}" selected>', html)
    assert 'name="year" value="2019"' in html
    assert re.search(r'<option value="eu" selected>', html)
    # From a funder's page: the funder and its source.
    html = bureau_client.get(f"/funders/{funder.slug}/").content.decode()
    assert f'id="add-funding" href="/funding/new/?funder={funder.slug}"' in html
    html = bureau_client.get(f"/funding/new/?funder={funder.slug}").content.decode()
    assert re.search(rf'<option value="{funder.pk}" selected>', html)
    assert re.search(r'<option value="regional" selected>', html)
    # Nonsense in the link is ignored, not a 500.
    assert bureau_client.get("/funding/new/?year=abc&source=nope&funder=nope").status_code == 200


def test_add_funding_on_a_fieldlab_page_for_who_may_add_there(
    bureau_client, noord_client, zuid_client, analyst_client, network
):
    url = f"/fieldlabs/{network['rosf'].slug}/"
    for client in (bureau_client, noord_client):
        assert 'id="add-funding"' in client.get(url).content.decode()
    for client in (zuid_client, analyst_client):
        assert 'id="add-funding"' not in client.get(url).content.decode()


def test_dashboard_status_cells_open_the_hub_year_report(bureau_client, noord_client, analyst_client, network):
    html = bureau_client.get("/").content.decode()
    assert 'href="/reports/noord/2019/"' in html and 'href="/reports/zuid/2019/"' in html
    own = noord_client.get("/").content.decode()
    assert (
        'class="status-link" href="/reports/noord/2019/"' in own
        and 'class="status-link" href="/reports/zuid/' not in own
    )
    assert 'class="status-link"' not in analyst_client.get("/").content.decode()


def test_the_grid_page_has_no_inline_script_or_handlers(noord_client, network):
    html = noord_client.get("/reports/noord/2019/").content.decode()
    assert not re.search(r"\son[a-z]+=", html)
    for script in re.findall(r"<script[^>]*>", html):
        assert "src=" in script or 'type="application/json"' in script, script
    assert "js/report-grid.js" in html and "data-grid" in html
