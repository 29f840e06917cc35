"""Hub reporting: the coordinator's grid, drafts in place, submit; the bureau's queue; closed periods; 403s."""

from decimal import Decimal

import pytest

from funding.models import FundingRecord
from funding.services import funding_record_submit
from review.models import ReportingPeriod
from review.services import reporting_period_close

from .conftest import rows, text

NBSP = "\u00a0"


def cell_url(fieldlab, source, year=2019, hub="noord"):
    return f"/reports/{hub}/{year}/cells/{fieldlab.slug}/{source}/"


def test_coordinator_lands_on_their_hubs_latest_report(noord_client):
    response = noord_client.get("/reports/")
    assert response.status_code == 302 and response.url == "/reports/noord/"
    # Noord's latest records are of 2020.
    assert noord_client.get("/reports/noord/").url == "/reports/noord/2020/"
    assert noord_client.get("/reports/noord/?year=2018").url == "/reports/noord/2018/"


def test_grid_shows_the_hubs_fieldlabs_of_that_year_by_source(noord_client, network):
    response = noord_client.get("/reports/noord/2018/")
    grid = rows(response, "report-grid")
    assert grid[0] == [
        "Fieldlab",
        "Companies",
        "National government",
        "Regions",
        "Knowledge institutions",
        "European Union",
        "Total",
    ]
    assert [row[0] for row in grid[1:-1]] == ["Region of Smart Factories", "Technologies Added"]
    # Totals of the year, every status: RoSF companies 250 000, Technologies Added national 40 000.
    assert grid[-1] == [
        "Total (all statuses)",
        f"€{NBSP}250,000.00",
        f"€{NBSP}40,000.00",
        f"€{NBSP}0.00",
        f"€{NBSP}0.00",
        f"€{NBSP}0.00",
        f"€{NBSP}290,000.00",
    ]
    # Technologies Added started in 2017: not in the 2016 report.
    assert [row[0] for row in rows(noord_client.get("/reports/noord/2016/"), "report-grid")[1:-1]] == [
        "Region of Smart Factories"
    ]


def test_a_cell_saves_a_draft_in_place_in_dutch_format(noord_client, network):
    rosf = network["rosf"]
    response = noord_client.post(
        cell_url(rosf, "regional"),
        {f"cell-{rosf.pk}-regional": "12.500,50"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 200
    record = FundingRecord.objects.get(fieldlab=rosf, year=2019, source="regional")
    assert record.amount == Decimal("12500.50") and record.status == "draft"
    assert record.created_by == network["coord_noord"] and record.provenance == "published"
    html = response.content.decode()
    assert 'class="badge status-draft"' in html
    assert 'id="report-totals" hx-swap-oob="true"' in html  # the totals follow out of band
    # Changing and then clearing the cell changes and then removes the draft.
    noord_client.post(cell_url(rosf, "regional"), {f"cell-{rosf.pk}-regional": "13000"})
    record.refresh_from_db()
    assert record.amount == Decimal("13000.00")
    noord_client.post(cell_url(rosf, "regional"), {f"cell-{rosf.pk}-regional": ""})
    assert not FundingRecord.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize(
    "bad, language",
    [("twaalf", "en"), ("-5", "nl"), ("1.5.5,3", "nl"), ("10,123", "nl"), ("1e3", "en"), ("12,50.1", "en")],
)
def test_a_bad_amount_is_shown_in_the_cell_and_nothing_is_saved(noord_client, network, bad, language):
    rosf = network["rosf"]
    response = noord_client.post(
        cell_url(rosf, "regional"), {f"cell-{rosf.pk}-regional": bad}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and 'role="alert"' in html
    assert not FundingRecord.objects.filter(fieldlab=rosf, year=2019, source="regional").exists()


def test_save_draft_without_javascript_is_all_or_nothing(noord_client, network):
    rosf, tech = network["rosf"], network["tech"]
    response = noord_client.post(
        "/reports/noord/2019/", {f"cell-{rosf.pk}-regional": "1000", f"cell-{tech.pk}-regional": "oops"}
    )
    assert response.status_code == 400
    assert not FundingRecord.objects.filter(year=2019, fieldlab__hub=network["noord"]).exists()
    response = noord_client.post(
        "/reports/noord/2019/", {f"cell-{rosf.pk}-regional": "1000", f"cell-{tech.pk}-knowledge": "2000"}
    )
    assert response.status_code == 302
    assert FundingRecord.objects.filter(year=2019, fieldlab__hub=network["noord"], status="draft").count() == 2


def test_submit_then_bureau_approves_from_the_queue(noord_client, bureau_client, network):
    rosf = network["rosf"]
    noord_client.post(cell_url(rosf, "regional"), {f"cell-{rosf.pk}-regional": "2500"})
    noord_client.post("/reports/noord/2019/submit/")
    record = FundingRecord.objects.get(fieldlab=rosf, year=2019, source="regional")
    assert record.status == "submitted"
    queue = bureau_client.get("/reports/review/")
    assert rows(queue, f"review-{record.pk}")[0][2:5] == ["Region of Smart Factories", "Regions", f"€{NBSP}2,500.00"]
    assert "Smart Industry Hub Noord · 2019" in queue.content.decode()
    bureau_client.post(f"/funding/{record.pk}/approve/", {"next": "/reports/review/"})
    record.refresh_from_db()
    assert record.status == "approved" and record.reviewed_by == network["bureau"]
    assert f'id="review-{record.pk}"' not in bureau_client.get("/reports/review/").content.decode()


def test_returned_record_shows_the_comment_to_the_coordinator(noord_client, bureau_client, network):
    rosf = network["rosf"]
    noord_client.post(cell_url(rosf, "knowledge"), {f"cell-{rosf.pk}-knowledge": "800"})
    noord_client.post("/reports/noord/2019/submit/")
    record = FundingRecord.objects.get(fieldlab=rosf, year=2019, source="knowledge")
    # A return needs a comment.
    bureau_client.post(f"/funding/{record.pk}/return/", {"comment": "  "})
    record.refresh_from_db()
    assert record.status == "submitted"
    bureau_client.post(f"/funding/{record.pk}/return/", {"comment": "Bedrag volgens jaarrekening is 850"})
    record.refresh_from_db()
    assert record.status == "returned"
    page = noord_client.get("/reports/noord/2019/")
    assert "Bedrag volgens jaarrekening is 850" in text(page, "returned-title") + page.content.decode()
    # The coordinator fixes the amount and submits again.
    noord_client.post(cell_url(rosf, "knowledge"), {f"cell-{rosf.pk}-knowledge": "850"})
    noord_client.post("/reports/noord/2019/submit/")
    record.refresh_from_db()
    assert record.amount == Decimal("850.00") and record.status == "submitted"


def test_a_closed_period_refuses_edits_until_the_bureau_reopens_it(noord_client, bureau_client, network):
    rosf = network["rosf"]
    bureau_client.post("/reports/noord/2019/close/")
    assert ReportingPeriod.objects.get(hub=network["noord"], year=2019).status == "closed"
    page = noord_client.get("/reports/noord/2019/")
    assert "Period closed" in page.content.decode()
    assert f'id="cell-{rosf.pk}-regional" name=' not in page.content.decode()  # no inputs, read-only
    response = noord_client.post(cell_url(rosf, "regional"), {f"cell-{rosf.pk}-regional": "100"})
    assert "closed" in response.content.decode()
    assert not FundingRecord.objects.filter(fieldlab=rosf, year=2019).exists()
    # Only the bureau may reopen.
    assert noord_client.post("/reports/noord/2019/reopen/").status_code == 403
    bureau_client.post("/reports/noord/2019/reopen/")
    noord_client.post(cell_url(rosf, "regional"), {f"cell-{rosf.pk}-regional": "100"})
    assert FundingRecord.objects.filter(fieldlab=rosf, year=2019, status="draft").count() == 1


def test_submitting_into_a_closed_period_is_refused(noord_client, network):
    rosf = network["rosf"]
    noord_client.post(cell_url(rosf, "regional"), {f"cell-{rosf.pk}-regional": "100"})
    reporting_period_close(hub=network["noord"], year=2019, actor=network["bureau"])
    noord_client.post("/reports/noord/2019/submit/")
    assert FundingRecord.objects.get(fieldlab=rosf, year=2019).status == "draft"


def test_other_hubs_and_other_roles_get_403(noord_client, zuid_client, analyst_client, network):
    rosf = network["rosf"]
    assert zuid_client.get("/reports/noord/2019/").status_code == 403
    assert zuid_client.post(cell_url(rosf, "regional"), {f"cell-{rosf.pk}-regional": "5"}).status_code == 403
    assert zuid_client.post("/reports/noord/2019/submit/").status_code == 403
    assert analyst_client.get("/reports/noord/2019/").status_code == 403
    assert noord_client.get("/reports/review/").status_code == 403
    assert noord_client.post("/reports/noord/2019/close/").status_code == 403
    # A Zuid fieldlab cannot be reached through Noord's report either.
    assert noord_client.post(cell_url(network["campione"], "regional")).status_code == 403
    assert not FundingRecord.objects.filter(year=2019, fieldlab__hub=network["noord"]).exists()


def test_bureau_approves_a_whole_hub_year(noord_client, bureau_client, network):
    rosf, tech = network["rosf"], network["tech"]
    noord_client.post(cell_url(rosf, "regional"), {f"cell-{rosf.pk}-regional": "100"})
    noord_client.post(cell_url(tech, "regional"), {f"cell-{tech.pk}-regional": "200"})
    for record in FundingRecord.objects.filter(year=2019, fieldlab__hub=network["noord"]):
        funding_record_submit(record=record, actor=network["coord_noord"])
    bureau_client.post("/reports/noord/2019/approve/")
    statuses = FundingRecord.objects.filter(year=2019, fieldlab__hub=network["noord"]).values_list("status", flat=True)
    assert set(statuses) == {"approved"}
    # … and the dashboard total moves by 300: 450 000 → 450 300.
    assert text(bureau_client.get("/"), "total") == f"€{NBSP}450,300"


def test_an_expired_session_sends_htmx_to_the_login_page(client, network):
    rosf = network["rosf"]
    response = client.post(cell_url(rosf, "regional"), {f"cell-{rosf.pk}-regional": "5"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/accounts/login/?next=/reports/noord/2019/cells/")
    assert not FundingRecord.objects.filter(fieldlab=rosf, year=2019).exists()
