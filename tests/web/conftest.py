"""A small network for the page tests: two hubs, three fieldlabs, hand-picked amounts, a user of every role."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests import factories


@pytest.fixture
def network(db):
    noord = factories.HubFactory(name="Smart Industry Hub Noord", short_name="Noord", slug="noord")
    zuid = factories.HubFactory(name="Smart Industry Hub Zuid", short_name="Zuid", slug="zuid")
    groningen = factories.ProvinceFactory(name="Groningen", slug="groningen", code="g1")  # not a factory code
    noord.provinces.add(groningen)
    rosf = factories.FieldlabFactory(
        name="Region of Smart Factories", slug="rosf", hub=noord, province=groningen, start_year=2016, city="Drachten"
    )
    tech = factories.FieldlabFactory(name="Technologies Added", slug="technologies-added", hub=noord, start_year=2017)
    campione = factories.FieldlabFactory(name="Campione", slug="campione", hub=zuid, start_year=2015)
    regio = factories.FunderFactory(name="Provincie Groningen", slug="provincie-groningen", source="regional")
    records = {
        "rosf_2017_regional": factories.FundingRecordFactory(
            fieldlab=rosf, year=2017, source="regional", funder=regio, amount=Decimal("100000.00")
        ),
        "rosf_2018_companies": factories.FundingRecordFactory(
            fieldlab=rosf, year=2018, source="companies", amount=Decimal("250000.00")
        ),
        "tech_2018_national": factories.FundingRecordFactory(
            fieldlab=tech, year=2018, source="national", amount=Decimal("40000.00")
        ),
        "campione_2019_eu": factories.FundingRecordFactory(
            fieldlab=campione, year=2019, source="eu", amount=Decimal("60000.00")
        ),
        # Not approved: must not count anywhere in the totals.
        "campione_2019_draft": factories.FundingRecordFactory(
            fieldlab=campione, year=2019, source="regional", amount=Decimal("7777.00"), status="draft"
        ),
        # Outside the 2015–2019 window: not in the dashboard total.
        "rosf_2020_regional": factories.FundingRecordFactory(
            fieldlab=rosf, year=2020, source="regional", amount=Decimal("5000.00")
        ),
    }
    company_a = factories.CompanyFactory(name="Metaalbedrijf A B.V.", kvk_number="12345678")
    company_b = factories.CompanyFactory(name="Lasbedrijf B B.V.", kvk_number="87654321")
    factories.ParticipationFactory(company=company_a, fieldlab=rosf, year=2017)
    factories.ParticipationFactory(company=company_a, fieldlab=tech, year=2018)  # the same company, counted once
    factories.ParticipationFactory(company=company_b, fieldlab=campione, year=2019)
    return {
        "noord": noord,
        "zuid": zuid,
        "rosf": rosf,
        "tech": tech,
        "campione": campione,
        "funder": regio,
        "records": records,
        "companies": [company_a, company_b],
        "bureau": factories.BureauUserFactory(username="bureau-anna"),
        "coord_noord": factories.CoordinatorFactory(username="coord-noord", hub=noord),
        "coord_zuid": factories.CoordinatorFactory(username="coord-zuid", hub=zuid),
        "analyst": factories.UserFactory(username="analyst-piet"),
        "viewer_noord": factories.HubViewerFactory(username="viewer-noord", hub=noord),
    }


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bureau_client(network):
    return _client_for(network["bureau"])


@pytest.fixture
def noord_client(network):
    return _client_for(network["coord_noord"])


@pytest.fixture
def zuid_client(network):
    return _client_for(network["coord_zuid"])


@pytest.fixture
def viewer_client(network):
    return _client_for(network["viewer_noord"])


@pytest.fixture
def analyst_client(network):
    return _client_for(network["analyst"])


def _squash(value: str) -> str:
    """Collapse runs of ASCII whitespace; keep the no-break space that sits between € and an amount."""
    return re.sub(r"[ \t\r\n]+", " ", value).strip()


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Finder(HTMLParser):
    """Collects the text of the element with a given id, and its table rows (cells' text) if it is a table."""

    def __init__(self, element_id: str):
        super().__init__(convert_charrefs=True)
        self.element_id, self.depth, self.text, self.rows, self.found = element_id, 0, [], [], False
        self._cell = None

    def handle_starttag(self, tag, attrs):
        if self.depth == 0 and dict(attrs).get("id") == self.element_id:
            self.found, self.depth = True, 1 if tag not in VOID else 0
            if tag == "tr":
                self.rows.append([])
            return
        if self.depth and tag not in VOID:
            self.depth += 1
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self._cell = []

    def handle_endtag(self, tag):
        if self.depth:
            if tag in ("td", "th") and self._cell is not None and self.rows:
                self.rows[-1].append(_squash("".join(self._cell)))
                self._cell = None
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            if self._cell is not None:
                self._cell.append(data)


def find(response, element_id: str) -> _Finder:
    finder = _Finder(element_id)
    finder.feed(response.content.decode())
    assert finder.found, f"no element with id {element_id!r}"
    return finder


def text(response, element_id: str) -> str:
    """The whitespace-normalised text of the element with this id."""
    return _squash("".join(find(response, element_id).text))


def rows(response, element_id: str) -> list[list[str]]:
    """The rows (each a list of cell texts) of the table with this id, header row included."""
    return [row for row in find(response, element_id).rows if row]
