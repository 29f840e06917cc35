"""“Export this view” on every list, in every format, for every role: the file holds exactly the page's rows.

Issue #12: /hubs/?format=csv answered 500 (iterator() after prefetch_related needs a chunk size). Each list is
exported unfiltered and with a filter, as CSV and as XLSX, read back, and its identifiers (slug or id) compared with
the rows the page shows for the same query, page after page, in the same order.
"""

import csv
import io
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from tests import factories

# list → (the export column that identifies a row, a filter that keeps some rows and drops others)
LISTS = {
    "/hubs/": ("slug", "province=groningen"),
    "/fieldlabs/": ("slug", "hub=noord"),
    "/partners/": ("slug", "kind=knowledge_institution"),
    "/companies/": ("id", "fieldlab=rosf"),
    "/funders/": ("slug", "source=regional"),
    "/funding/": ("id", "hub=noord&sort=-amount"),
}
ROLES = ("bureau_client", "noord_client", "viewer_client", "analyst_client")


class _ListLinks(HTMLParser):
    """The first link of every body row of table#list (the row's detail page), and the page's rel=next link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_list = self.in_body = self.row_open = False
        self.links: list[str] = []
        self.next: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == "list":
            self.in_list = True
        elif self.in_list and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.row_open = True
        elif self.row_open and tag == "a":
            self.links.append(attrs["href"])
            self.row_open = False
        elif tag == "a" and attrs.get("rel") == "next":
            self.next = attrs["href"]

    def handle_endtag(self, tag):
        if tag == "table" and self.in_list:
            self.in_list = self.in_body = False


def page_identifiers(client, url: str) -> list[str]:
    """The identifiers (the last part of each row's detail URL: a slug or an id) of every page of the list."""
    identifiers, target = [], url
    while target:
        response = client.get(target)
        assert response.status_code == 200, target
        parser = _ListLinks()
        parser.feed(response.content.decode())
        identifiers += [urlsplit(href).path.rstrip("/").rsplit("/", 1)[-1] for href in parser.links]
        target = url.split("?")[0] + parser.next if parser.next else None
    return identifiers


def exported_rows(client, url: str, fmt: str) -> list[dict]:
    separator = "&" if "?" in url else "?"
    response = client.get(f"{url}{separator}format={fmt}")
    assert response.status_code == 200, f"{url} as {fmt}"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        assert response["Content-Type"].startswith("text/csv")
        return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    values = list(load_workbook(io.BytesIO(body)).active.values)
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


@pytest.fixture
def more_rows(network):
    """Enough rows that the hub list prefetches, the partner list has rows and the funding list spans two pages."""
    drenthe = factories.ProvinceFactory(name="Drenthe", slug="drenthe", code="dr")
    network["noord"].provinces.add(drenthe)
    network["zuid"].provinces.add(drenthe)
    factories.PartnerFactory(name="TNO", short_name="TNO", slug="tno", kind="knowledge_institution", joined_year=2015)
    factories.PartnerFactory(name="FME", short_name="FME", slug="fme", kind="employers_organisation", joined_year=2014)
    factories.FunderFactory(name="EFRO", slug="efro", source="eu", kind="eu_fund")
    for n in range(22):
        factories.FundingRecordFactory(
            fieldlab=network["tech"], year=2010 + n, source="eu", amount=Decimal(1000 + n), status="approved"
        )
    # A draft of Noord: the Noord coordinator and the bureau see it, the analyst does not.
    noord_draft = factories.FundingRecordFactory(
        fieldlab=network["rosf"], year=2019, source="knowledge", amount=Decimal("321.00"), status="draft"
    )
    return {"noord_draft": noord_draft}


@pytest.mark.parametrize("url", list(LISTS))
@pytest.mark.parametrize("role", ROLES)
def test_every_list_exports_the_rows_its_page_shows(request, network, more_rows, role, url):
    client = request.getfixturevalue(role)
    key, query = LISTS[url]
    for view in (url, f"{url}?{query}"):
        shown = page_identifiers(client, view)
        assert shown, f"{view} shows no rows: the comparison would prove nothing"
        for fmt in ("csv", "xlsx"):
            exported = [str(row[key]) for row in exported_rows(client, view, fmt)]
            assert exported == shown, f"{view} as {fmt} for {role}"
    filtered, unfiltered = page_identifiers(client, f"{url}?{query}"), page_identifiers(client, url)
    assert set(filtered) < set(unfiltered), f"the filter of {url} should drop some rows"


def test_the_funding_export_holds_what_each_role_may_see(
    bureau_client, noord_client, viewer_client, analyst_client, network, more_rows
):
    def ids(client):
        return {int(row["id"]) for row in exported_rows(client, "/funding/", "csv")}

    zuid_draft = network["records"]["campione_2019_draft"].pk
    noord_draft = more_rows["noord_draft"].pk
    assert {zuid_draft, noord_draft} <= ids(bureau_client)
    assert noord_draft in ids(noord_client) and zuid_draft not in ids(noord_client)
    assert ids(viewer_client) == ids(noord_client)  # the hub viewer reads what the hub's coordinator reads
    assert not {zuid_draft, noord_draft} & ids(analyst_client)
    # 6 records of the network, 22 more and the Noord draft; the analyst sees the 27 that are not drafts.
    assert len(ids(bureau_client)) == 29 and len(ids(analyst_client)) == 27


def test_the_hub_export_lists_every_province_of_each_hub(bureau_client, more_rows):
    rows = exported_rows(bureau_client, "/hubs/", "xlsx")
    assert [(row["slug"], row["provinces"]) for row in rows] == [
        ("noord", "drenthe;groningen"),
        ("zuid", "drenthe"),
    ]
