"""Generated clients can use every evaluation table: the schema says `type: array` of a named row component where
an array is served, never a free-form object; no NullEnum, no ambiguous oneOf; POST runs/ documents its real 201."""

import json

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

TABLES = [
    "funding-totals",
    "funding-cumulative",
    "activity-types",
    "effectiveness",
    "companies-reached",
    "cost-per-output",
    "regional-cost-per-output",
    "recommendations",
]


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    # The schema is the code's, not the data's: fetched once for the module's tests, which only read it.
    with django_db_blocker.unblock():
        return json.loads(APIClient().get("/api/v1/schema/", {"format": "json"}).content)


def resolve(schema, node):
    ref = node.get("$ref")
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else node


@pytest.mark.parametrize("table", TABLES)
def test_every_table_is_an_array_of_typed_rows_matching_what_is_served(schema, world, table):
    body = schema["paths"][f"/api/v1/evaluation/{table}/"]["get"]["responses"]["200"]["content"]["application/json"]
    declared = body["schema"]
    assert declared["type"] == "array" and "additionalProperties" not in declared
    row = resolve(schema, declared["items"])
    assert row["type"] == "object" and row["properties"]
    served = world.client("analyst").get(f"/api/v1/evaluation/{table}/")
    assert served.status_code == 200 and isinstance(served.json(), list)
    for served_row in served.json():
        assert set(served_row) <= set(row["properties"]), table
        assert set(row.get("required", [])) <= set(served_row), table


def test_no_null_enum_and_no_ambiguous_one_of(schema):
    text = json.dumps(schema)
    assert "NullEnum" not in text and "BlankEnum" not in text
    assert '"enum": [null]' not in text

    def walk(node):
        if isinstance(node, dict):
            for branches in (node.get("oneOf"),):
                assert not (branches and any(b.get("maxLength") == 0 for b in branches)), node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    website = schema["components"]["schemas"]["Fieldlab"]["properties"]["website"]
    assert website["type"] == "string" and "oneOf" not in website


def test_post_runs_documents_201_with_the_run(schema, world):
    responses = schema["paths"]["/api/v1/evaluation/runs/"]["post"]["responses"]
    assert "201" in responses and "202" not in responses
    assert responses["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/RunDetail")
    response = world.client("bureau").post("/api/v1/evaluation/runs/", {}, format="json")
    assert response.status_code == 201 and response.json()["id"]
