"""Lists: the API's FilterSets, search, sorting, pagination, export of the view, and pinned query counts."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests import factories

from .conftest import rows, text

NBSP = "\u00a0"


def names(response) -> list[str]:
    return [row[0] for row in rows(response, "list")[1:]]


def test_fieldlab_list_shows_rows_with_approved_funding(bureau_client):
    table = rows(bureau_client.get("/fieldlabs/"), "list")
    assert table[0][:7] == ["Name", "Theme", "City", "Hub", "Start year", "Status", "Approved funding"]
    by_name = {row[0]: row for row in table[1:]}
    assert set(by_name) == {"Campione", "Region of Smart Factories", "Technologies Added"}
    # RoSF: 100 000 + 250 000 + 5 000 (2020) approved; Campione's 7 777 draft does not count.
    assert by_name["Region of Smart Factories"][6] == f"€{NBSP}355,000.00"
    assert by_name["Campione"][6] == f"€{NBSP}60,000.00"
    assert by_name["Campione"][7] == "Illustrative"


def test_fieldlab_filters_are_the_api_filterset(bureau_client):
    assert names(bureau_client.get("/fieldlabs/?hub=noord")) == ["Region of Smart Factories", "Technologies Added"]
    assert names(bureau_client.get("/fieldlabs/?active_in=2016")) == ["Campione", "Region of Smart Factories"]
    assert names(bureau_client.get("/fieldlabs/?q=techno")) == ["Technologies Added"]
    assert names(bureau_client.get("/fieldlabs/?province=groningen")) == ["Region of Smart Factories"]


def test_sorting_both_ways_and_refusing_unknown_keys(bureau_client):
    assert names(bureau_client.get("/fieldlabs/?sort=-start_year")) == [
        "Technologies Added",
        "Region of Smart Factories",
        "Campione",
    ]
    assert names(bureau_client.get("/fieldlabs/?sort=approved_total"))[0] == "Technologies Added"  # 40 000
    # An unknown sort key falls back to the default order (by name) instead of reaching the database.
    assert names(bureau_client.get("/fieldlabs/?sort=password")) == [
        "Campione",
        "Region of Smart Factories",
        "Technologies Added",
    ]


def test_pagination(bureau_client, network):
    for n in range(30):
        factories.FieldlabFactory(name=f"Zz fieldlab {n:02d}", hub=network["zuid"])
    first = bureau_client.get("/fieldlabs/")
    second = bureau_client.get("/fieldlabs/?page=2")
    assert len(names(first)) == 25 and len(names(second)) == 8
    assert names(second)[-1] == "Zz fieldlab 29"
    assert "33 records" in text(first, "main")


def test_export_this_view_as_csv_and_xlsx(bureau_client):
    response = bureau_client.get("/fieldlabs/?hub=noord&sort=-start_year&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    exported = list(csv.DictReader(io.StringIO(body)))
    assert [row["slug"] for row in exported] == ["technologies-added", "rosf"]
    assert exported[1]["approved_funding"] == "355000.00"

    response = bureau_client.get("/funding/?hub=noord&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:7] == ("id", "year", "recipient_kind", "recipient", "source", "funder", "amount")
    assert sorted((row[1], row[4], Decimal(str(row[6]))) for row in values[1:]) == [
        (2017, "regional", Decimal("100000")),
        (2018, "companies", Decimal("250000")),
        (2018, "national", Decimal("40000")),
        (2020, "regional", Decimal("5000")),
    ]


def test_csv_export_blocks_formula_injection(bureau_client, network):
    factories.FieldlabFactory(name='=HYPERLINK("http://x")', slug="evil", hub=network["zuid"])
    body = b"".join(bureau_client.get("/fieldlabs/?q=HYPERLINK&format=csv").streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in body


def test_funding_list_hides_other_hubs_drafts(bureau_client, noord_client, zuid_client, analyst_client):
    draft = "€\u00a07,777.00"
    assert draft in bureau_client.get("/funding/").content.decode()
    assert draft in zuid_client.get("/funding/").content.decode()  # Zuid's own draft
    assert draft not in noord_client.get("/funding/").content.decode()
    assert draft not in analyst_client.get("/funding/").content.decode()
    # The total of the view sums what the user may see: 100 000 + 250 000 + 40 000 + 60 000 + 5 000.
    assert text(analyst_client.get("/funding/"), "view-total") == f"€{NBSP}455,000.00"
    assert text(analyst_client.get("/funding/?year_min=2018&year_max=2018"), "view-total") == f"€{NBSP}290,000.00"


def test_other_lists_show_their_rows(bureau_client, network):
    factories.PartnerFactory(name="TNO", short_name="TNO", slug="tno", kind="knowledge_institution", joined_year=2015)
    assert names(bureau_client.get("/partners/")) == ["TNO"]
    hubs = rows(bureau_client.get("/hubs/"), "list")
    assert [row[:4] for row in hubs[1:]] == [
        ["Smart Industry Hub Noord", "Groningen", "2018", "2"],
        ["Smart Industry Hub Zuid", "", "2018", "1"],
    ]
    companies = rows(bureau_client.get("/companies/?fieldlab=rosf"), "list")
    assert [row[:2] for row in companies[1:]] == [["Metaalbedrijf A B.V.", "12345678"]]
    funders = rows(bureau_client.get("/funders/"), "list")
    assert funders[1][0] == "Provincie Groningen" and funders[1][4] == f"€{NBSP}100,000.00"


LIST_QUERIES = {
    # session + user, one query per select of names in the filter form (hub, province, fieldlab), count, the page
    # rows, the provinces prefetch of /hubs/ and the sum of the whole view on /funding/
    "/hubs/": 6,
    "/fieldlabs/": 6,
    "/partners/": 4,
    "/companies/": 6,
    "/funders/": 5,
    "/funding/": 7,
}


def _more_rows(network, count: int) -> None:
    for n in range(count):
        fieldlab = factories.FieldlabFactory(hub=network["noord"])
        factories.PartnerFactory()
        company = factories.CompanyFactory()
        factories.ParticipationFactory(company=company, fieldlab=fieldlab)
        funder = factories.FunderFactory()
        factories.FundingRecordFactory(fieldlab=fieldlab, funder=funder, year=2015 + n % 5)
        factories.HubFactory().provinces.add(factories.ProvinceFactory())


@pytest.mark.parametrize("url", list(LIST_QUERIES))
def test_list_query_counts_are_pinned_and_do_not_grow_with_rows(bureau_client, network, url, django_assert_num_queries):
    _more_rows(network, 1)
    with django_assert_num_queries(LIST_QUERIES[url]):
        assert bureau_client.get(url).status_code == 200
    _more_rows(network, 12)
    with django_assert_num_queries(LIST_QUERIES[url]):
        assert bureau_client.get(url).status_code == 200


PAGE_QUERIES = {
    # session + user, then a fixed set of aggregates: the dashboard's totals, per-year and per-source sums,
    # fieldlabs per year (one query for all years), companies reached, the status panel's counts for every year (its
    # years are the latest of them) and periods.
    "/": 12,
    # + the goals, the measurements, status counts of both kinds and returned measurements; what submit would send
    # is one query (the grid's lines still with the hub; the measurements are already loaded)
    "/reports/noord/2019/": 17,
    "/reports/review/": 4,  # + the submitted measurements
}


@pytest.mark.parametrize("url", list(PAGE_QUERIES))
def test_dashboard_and_report_query_counts_do_not_grow(bureau_client, network, url, django_assert_num_queries):
    _more_rows(network, 1)
    with django_assert_num_queries(PAGE_QUERIES[url]):
        assert bureau_client.get(url).status_code == 200
    _more_rows(network, 12)
    with django_assert_num_queries(PAGE_QUERIES[url]):
        assert bureau_client.get(url).status_code == 200


def test_repeatable_filters_take_one_or_several_values(bureau_client):
    def sources(url):
        return sorted(row[3] for row in rows(bureau_client.get(url), "list")[1:])

    assert sources("/funding/?source=regional") == ["Regions", "Regions", "Regions"]  # 100 000, 5 000, 7 777 draft
    assert sources("/funding/?source=eu&source=national") == ["European Union", "National government"]
    statuses = [row[7] for row in rows(bureau_client.get("/funding/?status=draft"), "list")[1:]]
    assert statuses == ["Draft"]
    assert [row[0] for row in rows(bureau_client.get("/funders/?source=regional"), "list")[1:]] == [
        "Provincie Groningen"
    ]
    # The form shows the choices as labelled checkboxes, the chosen ones ticked.
    html = bureau_client.get("/funding/?source=eu").content.decode()
    assert 'type="checkbox" name="source" value="eu"' in html and "checked" in html


def test_a_filter_with_more_rows_than_a_select_should_hold_is_a_slug_box(bureau_client, network, monkeypatch):
    # Three fieldlabs fit a list of names to tick; with room for two only, the filter becomes a text box for the slug.
    page = bureau_client.get("/funding/").content.decode()
    assert 'type="checkbox" name="fieldlab" value="campione"' in page
    monkeypatch.setattr("core.views.MAX_SELECT_CHOICES", 2)
    response = bureau_client.get("/funding/?fieldlab=campione")
    page = response.content.decode()
    assert 'type="checkbox" name="fieldlab"' not in page
    assert '<input type="text" name="fieldlab" value="campione"' in page
    # The box filters as the select did, and an unknown slug is the filter's own error, not a 500.
    found = rows(response, "list")[1:]
    assert found and all("Campione" in " ".join(row) for row in found)
    unknown = bureau_client.get("/funding/?fieldlab=nowhere")
    assert unknown.status_code == 200 and rows(unknown, "list")[1:] == [["Nothing matches these filters."]]
    assert "nowhere is not one of the available choices" in unknown.content.decode()
