"""Funding records in the 360Giving data standard's shape (JSON package and spreadsheet columns)."""

import csv
import io
import json
from decimal import Decimal

import jsonschema
import pytest

from funding.threesixtygiving import CSV_HEADER


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_json_package_has_the_standards_fields_and_only_approved_records(world):
    response = world.client("bureau").get("/api/v1/funding-records/360giving/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    package = json.loads(body_of(response), parse_float=Decimal)
    assert [g["id"] for g in package["grants"]] == [f"360G-smartindustry-fr-{world.approved.pk}"]
    grant = package["grants"][0]
    assert grant["amountAwarded"] == Decimal("1000.00")  # a JSON number, not a string
    assert grant["currency"] == "EUR"
    assert grant["awardDate"] == "2018-01-01"
    assert grant["plannedDates"] == [{"startDate": "2018-01-01", "endDate": "2018-12-31"}]
    assert grant["recipientOrganization"] == [{"id": "360G-smartindustry-fieldlab-lab-here", "name": "Lab Here"}]
    # No funder on this record: the source category stands in as funding organisation.
    assert grant["fundingOrganization"] == [{"id": "360G-smartindustry-source-national", "name": "National government"}]
    assert grant["grantProgramme"] == [{"code": "awareness", "title": "Smart Industry: Awareness"}]
    assert {"title", "description", "dateModified"} <= set(grant)


def test_csv_uses_the_spreadsheet_column_titles_and_the_list_filters(world):
    client = world.client("analyst")
    rows = list(
        csv.DictReader(io.StringIO(body_of(client.get("/api/v1/funding-records/360giving/?format=csv")).decode()))
    )
    assert list(rows[0]) == CSV_HEADER
    assert "Recipient Org:Identifier" in CSV_HEADER and "Funding Org:Name" in CSV_HEADER
    assert [(r["Identifier"], r["Amount Awarded"], r["Currency"]) for r in rows] == [
        (f"360G-smartindustry-fr-{world.approved.pk}", "1000.00", "EUR")
    ]
    filtered = body_of(client.get("/api/v1/funding-records/360giving/?format=csv&year_min=2019")).decode()
    assert filtered.splitlines() == [",".join(CSV_HEADER)]


def test_360giving_needs_a_token_and_validates_filters(world, api_client):
    assert api_client.get("/api/v1/funding-records/360giving/").status_code == 401
    response = world.client("analyst").get("/api/v1/funding-records/360giving/?year_min=x")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["year_min"]


# The rule of the 360Giving package schema (schema/360-giving-package-schema.json of the ThreeSixtyGiving/standard
# repository, draft-04): "grants": {"type": "array", "minItems": 1, "uniqueItems": true}, required. The schema file
# itself is not vendored here; this fragment states the rule the empty selection used to break.
PACKAGE_RULE = {
    "type": "object",
    "required": ["grants"],
    "properties": {"grants": {"type": "array", "minItems": 1, "uniqueItems": True}},
}


def test_a_served_package_meets_the_package_schemas_grants_rule(world):
    response = world.client("analyst").get("/api/v1/funding-records/360giving/")
    assert response.status_code == 200
    jsonschema.validate(json.loads(b"".join(response.streaming_content)), PACKAGE_RULE)


def test_an_empty_selection_is_a_clear_404_not_an_invalid_package(world):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"grants": []}, PACKAGE_RULE)  # what used to be served
    response = world.client("analyst").get("/api/v1/funding-records/360giving/?year=2011")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found" and "360Giving" in response.json()["detail"]
