"""The evaluation page's funding tables: approved fieldlab funding in the window, by source and year."""

from .conftest import rows, text

NBSP = "\u00a0"


def test_funding_table_of_the_default_window(analyst_client):
    page = analyst_client.get("/evaluation/")
    table = rows(page, "evaluation-funding")
    assert table[0] == ["Source", "2017", "2018", "2019", "Total"]
    by_source = {row[0]: row[1:] for row in table[1:]}
    assert by_source["Regions"] == [f"€{NBSP}100,000.00", f"€{NBSP}0.00", f"€{NBSP}0.00", f"€{NBSP}100,000.00"]
    assert by_source["Total"] == [
        f"€{NBSP}100,000.00",
        f"€{NBSP}290,000.00",
        f"€{NBSP}60,000.00",
        f"€{NBSP}450,000.00",
    ]
    # Public euro per private euro: (100 000 + 40 000 + 60 000) / 250 000 = 0.80.
    assert text(page, "leverage") == "0.80"


def test_window_from_the_query(analyst_client):
    page = analyst_client.get("/evaluation/?year_min=2019&year_max=2020")
    by_source = {row[0]: row[-1] for row in rows(page, "evaluation-funding")[1:]}
    # 2019 EU 60 000 + 2020 regional 5 000; the 7 777 draft never counts.
    assert by_source["Total"] == f"€{NBSP}65,000.00"
    assert text(page, "leverage") == "—"  # no private money in this window: not assessable
