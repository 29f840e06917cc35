"""The contract does not change with the language: names, parameters, enums and operation ids are English whatever
Accept-Language says; only the human texts (descriptions, titles) follow it, or `?lang=`."""

import json

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

HUMAN_KEYS = {"description", "title", "summary"}


def fetch(**kwargs):
    response = APIClient().get("/api/v1/schema/", {"format": "json", **kwargs.pop("params", {})}, **kwargs)
    assert response.status_code == 200
    return json.loads(response.content)


def without_texts(node):
    if isinstance(node, dict):
        return {key: without_texts(value) for key, value in node.items() if key not in HUMAN_KEYS}
    if isinstance(node, list):
        return [without_texts(item) for item in node]
    return node


def names(schema):
    operations = [op for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)]
    return {
        "paths": sorted(schema["paths"]),
        "operation_ids": sorted(op["operationId"] for op in operations),
        "parameters": sorted({(op["operationId"], p["name"]) for op in operations for p in op.get("parameters", [])}),
        "components": sorted(schema["components"]["schemas"]),
        "enums": sorted(
            (name, tuple(map(str, c["enum"]))) for name, c in schema["components"]["schemas"].items() if "enum" in c
        ),
    }


def test_schema_is_the_same_in_dutch_and_english_apart_from_texts():
    dutch = fetch(HTTP_ACCEPT_LANGUAGE="nl")
    english = fetch(HTTP_ACCEPT_LANGUAGE="en")
    assert names(dutch) == names(english)
    assert without_texts(dutch) == without_texts(english)
    # The texts do follow the language, so the comparison above is not comparing one language with itself.
    assert json.dumps(dutch) != json.dumps(english)


def test_names_are_english():
    schema = fetch(HTTP_ACCEPT_LANGUAGE="nl")
    found = names(schema)
    assert "funders_list" in found["operation_ids"]
    assert ("funders_list", "source") in found["parameters"]
    assert ("SourceEnum", ("companies", "national", "regional", "knowledge", "eu")) in found["enums"]
    assert not any("bron" in str(value).lower() for value in found.values())


def test_lang_parameter_chooses_the_texts():
    english_by_param = fetch(HTTP_ACCEPT_LANGUAGE="nl", params={"lang": "en"})
    english = fetch(HTTP_ACCEPT_LANGUAGE="en")
    assert english_by_param == english
    assert english_by_param != fetch(HTTP_ACCEPT_LANGUAGE="nl", params={"lang": "nl"})


def test_error_messages_follow_accept_language_and_codes_do_not(world):
    client = world.client("analyst")
    dutch = client.get("/api/v1/funding-records/?nonsense=1", HTTP_ACCEPT_LANGUAGE="nl").json()
    english = client.get("/api/v1/funding-records/?nonsense=1", HTTP_ACCEPT_LANGUAGE="en").json()
    assert dutch["code"] == english["code"] and set(dutch["errors"]) == set(english["errors"]) == {"nonsense"}
    assert "Unknown parameter" in english["errors"]["nonsense"][0]


@pytest.mark.parametrize(
    ("language", "expected", "foreign"),
    [("nl", "Te veel verzoeken", "Expected available"), ("en", "Request was throttled", "Te veel")],
)
def test_the_429_message_is_one_language(world, settings, language, expected, foreign):
    settings.API_TOKEN_THROTTLE_RATE = "1/minute"
    client = world.client("analyst")
    assert client.get("/api/v1/provinces/").status_code == 200
    throttled = client.get("/api/v1/provinces/", HTTP_ACCEPT_LANGUAGE=language)
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    detail = throttled.json()["detail"]
    assert expected in detail and foreign not in detail and "verstikt" not in detail
