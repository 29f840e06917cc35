"""The dashboard shows the headline figures of approved fieldlab funding 2015–2019 and the reporting status.

The network fixture's approved fieldlab records 2015–2019 are worked out by hand:
  2017 rosf regional 100 000 · 2018 rosf companies 250 000 · 2018 tech national 40 000 · 2019 campione eu 60 000
  = 450 000. Not counted: a 7 777 draft (not approved) and 5 000 in 2020 (outside the window).
"""

import json

from .conftest import rows, text

NBSP = "\u00a0"


def test_headline_figures(bureau_client):
    response = bureau_client.get("/")
    assert text(response, "total") == f"€{NBSP}450,000"
    assert text(response, "fieldlab-count") == "3"
    assert text(response, "hub-count") == "2"
    # Company A took part in two fieldlabs, B in one: two unique companies.
    assert text(response, "companies-reached") == "2"


def test_by_source_and_by_year_tables(bureau_client):
    response = bureau_client.get("/")
    assert rows(response, "by-source")[1:] == [
        ["Companies", f"€{NBSP}250,000", "56"],
        ["European Union", f"€{NBSP}60,000", "13"],
        ["National government", f"€{NBSP}40,000", "9"],
        ["Regions", f"€{NBSP}100,000", "22"],
    ]
    assert rows(response, "by-year")[1:] == [
        ["2017", "1", f"€{NBSP}100,000"],
        ["2018", "2", f"€{NBSP}290,000"],
        ["2019", "1", f"€{NBSP}60,000"],
    ]
    # Fieldlabs that existed: Campione from 2015, RoSF from 2016, Technologies Added from 2017.
    assert rows(response, "fieldlabs-per-year") == [["2015", "2016", "2017", "2018", "2019"], ["1", "2", "3", "3", "3"]]


def test_charts_get_their_data_as_json(bureau_client):
    html = bureau_client.get("/").content.decode()
    start = html.index('<script id="chart-years" type="application/json">') + len(
        '<script id="chart-years" type="application/json">'
    )
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["labels"] == ["2017", "2018", "2019"]
    assert data["datasets"][0]["data"] == ["100000.00", "290000.00", "60000.00"]


def test_reporting_status_panel(bureau_client):
    table = rows(bureau_client.get("/"), "reporting-status")
    assert table[0] == ["Hub", "2017", "2018", "2019", "2020"]
    # Noord: approved records in 2017, 2018 and 2020. Zuid 2019: an approved and a draft record → "Draft" leads.
    assert table[1] == ["Smart Industry Hub Noord", "Approved", "Approved", "nothing", "Approved"]
    assert table[2] == ["Smart Industry Hub Zuid", "nothing", "nothing", "Draft", "nothing"]


def test_dutch_formatting(bureau_client):
    response = bureau_client.get("/", HTTP_ACCEPT_LANGUAGE="nl")
    assert text(response, "total") == f"€{NBSP}450.000"
    assert rows(response, "by-year")[2][2] == f"€{NBSP}290.000"
    assert '<html lang="nl">' in response.content.decode()


def test_the_reporting_status_panel_shows_the_latest_six_years_with_hub_or_fieldlab_records(bureau_client, network):
    """The panel's years and counts come from one read of the status counts; years with only records of the bureau
    or of fieldlabs without a hub do not make a column."""
    from tests import factories

    factories.FundingRecordFactory(fieldlab=network["rosf"], year=2021)
    factories.FundingRecordFactory(fieldlab=network["tech"], year=2022, status="submitted")
    factories.FundingRecordFactory(fieldlab=None, hub=network["zuid"], year=2023, status="returned")
    factories.FundingRecordFactory(fieldlab=factories.FieldlabFactory(hub=None), year=2024)  # no hub: no column
    factories.FundingRecordFactory(fieldlab=None, bureau=factories.ProgrammeBureauFactory(), year=2025)  # the bureau
    table = rows(bureau_client.get("/"), "reporting-status")
    assert table[0] == ["Hub", "2018", "2019", "2020", "2021", "2022", "2023"]  # 2017 dropped: six columns
    noord = ["Approved", "nothing", "Approved", "Approved", "Submitted", "nothing"]
    zuid = ["nothing", "Draft", "nothing", "nothing", "nothing", "Returned"]
    assert table[1:3] == [["Smart Industry Hub Noord", *noord], ["Smart Industry Hub Zuid", *zuid]]
