"""The one filter dialect on every list and table: repeated or comma-separated values mean OR, a single value given
twice, an unknown parameter and an unknown slug, code or choice are a 400 naming it."""

import re
from decimal import Decimal

import pytest
import yaml
from rest_framework.test import APIClient

from funding.choices import RecordStatus, Source
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(db):
    response = APIClient().get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def operations(schema):
    for path, item in schema["paths"].items():
        for method in ("get", "post", "put", "patch", "delete"):
            if method in item:
                yield method, re.sub(r"\{[^}]+\}", "1", path)


def test_an_unknown_parameter_is_a_400_naming_it_on_every_operation(world, schema):
    client = world.client("bureau")
    walked = list(operations(schema))
    assert len(walked) > 40  # the walk really covers the API, lists, details, tables and writes
    for method, url in walked:
        response = getattr(client, method)(url + "?limit=5&yearmin=2019", format="json")
        assert response.status_code == 400, (method, url, response.status_code)
        assert {"limit", "yearmin"} <= set(response.json()["errors"]), (method, url)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/funding-records/?year__gte=2018",
        "/api/v1/funding-records/?offset=10",
        "/api/v1/evaluation/funding-totals/?year__gte=2018",
        "/api/v1/evaluation/activity-types/?hub=noord",
    ],
)
def test_misspelt_and_foreign_parameters_are_refused(world, url):
    response = world.client("analyst").get(url)
    assert response.status_code == 400
    assert url.split("?")[1].split("=")[0] in response.json()["errors"]


@pytest.fixture
def approved_sources(world):
    factories.FunderFactory(name="EFRO", slug="efro", source=Source.EU)
    for source in (Source.EU, Source.REGIONAL, Source.KNOWLEDGE):
        factories.FundingRecordFactory(
            fieldlab=world.fieldlab_b, year=2017, source=source, amount=Decimal("10.00"), status=RecordStatus.APPROVED
        )


@pytest.mark.parametrize(
    ("repeated", "comma"),
    [
        ("/api/v1/funding-records/?source=eu&source=national", "/api/v1/funding-records/?source=eu,national"),
        ("/api/v1/funding-records/?hub=here&hub=other", "/api/v1/funding-records/?hub=here,other"),
        ("/api/v1/fieldlabs/?hub=here&hub=other", "/api/v1/fieldlabs/?hub=here,other"),
        ("/api/v1/funders/?source=regional&source=eu", "/api/v1/funders/?source=regional,eu"),
        (
            "/api/v1/evaluation/funding-totals/?group_by=source&source=eu&source=national",
            "/api/v1/evaluation/funding-totals/?group_by=source&source=eu,national",
        ),
        (
            "/api/v1/evaluation/funding-totals/?group_by=hub&hub=here&hub=other",
            "/api/v1/evaluation/funding-totals/?group_by=hub&hub=here,other",
        ),
    ],
)
def test_repeated_values_and_comma_lists_give_the_same_rows(world, approved_sources, repeated, comma):
    client = world.client("bureau")
    by_repeat, by_comma = client.get(repeated), client.get(comma)
    assert by_repeat.status_code == by_comma.status_code == 200
    assert by_repeat.json() == by_comma.json()
    rows = by_repeat.json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert len(rows) >= 2  # both values count (OR), not only the last one


def test_funding_totals_count_every_repeated_source(world, approved_sources):
    rows = world.client("bureau").get("/api/v1/evaluation/funding-totals/?group_by=source&source=eu&source=national")
    assert sorted(r["source"] for r in rows.json()) == ["eu", "national"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/funding-records/?year_min=2018&year_min=2019",
        "/api/v1/evaluation/funding-totals/?year_min=2018&year_min=2019",
        "/api/v1/evaluation/effectiveness/?year_max=2018&year_max=2019",
    ],
)
def test_a_single_valued_filter_given_twice_is_a_400(world, url):
    response = world.client("analyst").get(url)
    assert response.status_code == 400
    assert "year_m" in next(iter(response.json()["errors"]))


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/funding-records/?hub=nowhere", "hub"),
        ("/api/v1/fieldlabs/?hub=here,nowhere", "hub"),
        ("/api/v1/funding-records/?source=eu,moon", "source"),
        ("/api/v1/funding-records/?activity_type=flying", "activity_type"),
        ("/api/v1/evaluation/funding-totals/?hub=nowhere", "hub"),
        ("/api/v1/evaluation/companies-reached/?hub=nowhere", "hub"),
    ],
)
def test_an_unknown_slug_or_code_is_a_400_naming_it_on_lists_and_tables_alike(world, url, name):
    response = world.client("analyst").get(url)
    assert response.status_code == 400
    assert name in response.json()["errors"]
    assert url.rsplit(",", 1)[-1].rsplit("=", 1)[-1] in str(response.json()["errors"][name])


def test_netbox_style_lookups(world):
    client = world.client("bureau")

    def slugs(query):
        response = client.get("/api/v1/fieldlabs/?" + query)
        assert response.status_code == 200, response.json()
        return sorted(r["slug"] for r in response.json()["results"])

    assert slugs("hub__n=here") == ["lab-other"]
    assert slugs("name__ic=HERE") == ["lab-here"]
    assert slugs("hub__empty=false") == ["lab-here", "lab-other"]
    assert slugs("hub__empty=true") == []
    assert slugs("city__n=Delft,Nowhere") == ["lab-other"]
