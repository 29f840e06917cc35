"""The first read-only API: authentication required, counts, pagination, read-only tokens."""

import pytest

from registry.models import Hub
from tests import factories

pytestmark = pytest.mark.django_db

ENDPOINTS = ["partners", "hubs", "fieldlabs", "funders", "funding-records"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_requests_are_refused(api_client, endpoint):
    response = api_client.get(f"/api/v1/{endpoint}/")
    assert response.status_code == 401
    assert "results" not in response.json()


@pytest.mark.usefixtures("reference_db")
def test_analyst_token_sees_the_reference_counts(token_client, analyst_user):
    client = token_client(analyst_user)
    hubs = client.get("/api/v1/hubs/").json()
    fieldlabs = client.get("/api/v1/fieldlabs/").json()
    assert hubs["count"] == 5
    assert {h["slug"] for h in hubs["results"]} == {"noord", "oost", "zuid-holland", "zuid", "noordwest"}
    assert fieldlabs["count"] == 47
    assert client.get("/api/v1/partners/").json()["count"] == 5


@pytest.mark.usefixtures("reference_db")
def test_funding_records_are_paginated_with_count(token_client, analyst_user):
    client = token_client(analyst_user)
    page = client.get("/api/v1/funding-records/?page_size=10&recipient_kind=fieldlab&year=2015").json()
    assert len(page["results"]) == 10
    assert page["count"] > 10 and page["next"]
    record = page["results"][0]
    assert record["recipient_kind"] == "fieldlab" and record["year"] == 2015
    assert (
        isinstance(record["amount"], str)
        and record["amount"].count(".") == 1
        and len(record["amount"].split(".")[1]) == 2
    )


def test_session_auth_works_for_the_browser(client, analyst_user):
    factories.HubFactory.create_batch(2)
    client.force_login(analyst_user)
    assert client.get("/api/v1/hubs/").json()["count"] == Hub.objects.count() > 0


def test_read_only_token_cannot_write(token_client, bureau_user):
    client = token_client(bureau_user, read_only=True)
    response = client.post("/api/v1/hubs/", {"name": "X"}, format="json")
    assert response.status_code == 403


def test_user_without_role_is_refused(token_client):
    user = factories.UserFactory(role="")
    assert token_client(user).get("/api/v1/hubs/").status_code == 403
