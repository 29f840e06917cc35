"""Big lists: above the exact-count threshold the count is the planner's estimate, deep pages pick their rows by
primary key first, and walking `next` still reaches every row exactly once (core/paginator.py)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import paginator
from core.api.pagination import COUNT_ESTIMATED_HEADER
from funding.models import FundingRecord
from funding.views import FundingRecordListView
from tests import factories


@pytest.fixture
def records(world):
    for year in range(2015, 2027):
        funder = factories.FunderFactory()
        factories.FundingRecordFactory(
            fieldlab=world.fieldlab, year=year, funder=funder, source=funder.source, status="approved"
        )
    return world


def walk(client, url):
    ids, answers = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        answers.append(response)
        ids += [row["id"] for row in response.json()["results"]]
        url = response.json()["next"]
    return ids, answers


def test_small_lists_keep_the_exact_count_and_no_header(records):
    client = records.client("bureau")
    response = client.get("/api/v1/funding-records/?page_size=5")
    assert response.json()["count"] == FundingRecord.objects.count()
    assert COUNT_ESTIMATED_HEADER not in response


def test_above_the_threshold_the_count_is_the_estimate_and_the_walk_reaches_every_row(records, monkeypatch):
    client = records.client("bureau")
    exact_ids, _answers = walk(client, "/api/v1/funding-records/?page_size=4")
    monkeypatch.setattr(paginator, "COUNT_EXACT_UP_TO", 3)
    monkeypatch.setattr(paginator, "planner_estimate", lambda queryset: 1000)
    first = client.get("/api/v1/funding-records/?page_size=4")
    assert first.json()["count"] == 1000
    assert first[COUNT_ESTIMATED_HEADER] == "true"
    ids, answers = walk(client, "/api/v1/funding-records/?page_size=4")
    assert ids == exact_ids  # same rows, same order, none twice, none lost
    last = answers[-1]
    assert last.json()["next"] is None
    assert last.json()["count"] == len(exact_ids)  # a short page makes the count exact
    assert COUNT_ESTIMATED_HEADER not in last
    # Past the end is still a 404, as with an exact count.
    assert client.get(f"/api/v1/funding-records/?page_size=4&page={len(exact_ids)}").status_code == 404


def test_an_estimated_list_costs_the_planners_estimate_and_a_query_for_the_keys_and_no_exact_count(
    records, monkeypatch
):
    client = records.client("bureau")
    client.get("/api/v1/provinces/")  # the token's first use writes last_used_at
    with CaptureQueriesContext(connection) as exact:
        client.get("/api/v1/funding-records/?page_size=4")
    monkeypatch.setattr(paginator, "COUNT_EXACT_UP_TO", 3)
    if connection.vendor != "postgresql":
        monkeypatch.setattr(paginator, "planner_estimate", lambda queryset: 1000)
    with CaptureQueriesContext(connection) as estimated:
        response = client.get("/api/v1/funding-records/?page_size=4")
    assert response[COUNT_ESTIMATED_HEADER] == "true"
    # One more for the planner's estimate (PostgreSQL's EXPLAIN), one more for the page's keys.
    assert len(estimated) == len(exact) + 1 + (1 if connection.vendor == "postgresql" else 0)
    counts = [q["sql"] for q in estimated if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 4" in counts[0].upper()  # the capped count, never a full one
    keys, rows = [q["sql"] for q in estimated if q["sql"].startswith('SELECT "funding_fundingrecord"."id"')][-2:]
    assert " JOIN " not in keys and "LIMIT 5" in keys  # the keys: the records table alone (one row more than a page)
    ids = [str(row["id"]) for row in response.json()["results"]]
    assert " JOIN " in rows and f"IN ({', '.join(ids)}" in rows and " LIMIT " not in rows  # then those rows


def test_deep_pages_pick_rows_by_primary_key_with_the_same_result(records, monkeypatch):
    client = records.client("bureau")
    plain = [client.get(f"/api/v1/funding-records/?page_size=3&page={n}").json()["results"] for n in (2, 3)]
    monkeypatch.setattr(paginator, "DEFERRED_JOIN_FROM", 1)
    with CaptureQueriesContext(connection) as queries:
        deferred = [client.get(f"/api/v1/funding-records/?page_size=3&page={n}").json()["results"] for n in (2, 3)]
    assert deferred == plain
    assert any(" IN (SELECT " in q["sql"] for q in queries.captured_queries)


def test_the_portal_list_says_about_when_the_count_is_an_estimate(records, monkeypatch, client):
    client.force_login(records.users["bureau"])
    monkeypatch.setattr(FundingRecordListView, "paginate_by", 5)  # a full first page: the end is not in sight
    monkeypatch.setattr(paginator, "COUNT_EXACT_UP_TO", 3)
    monkeypatch.setattr(paginator, "planner_estimate", lambda queryset: 1000)
    response = client.get("/funding/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert re.search(r"about 1[,.]?000 records", " ".join(response.content.decode().split()))


@pytest.mark.parametrize("shape", ["models", "values", "values_list"])
def test_estimated_pages_keep_the_lists_order_whatever_the_rows_are(records, monkeypatch, shape):
    monkeypatch.setattr(paginator, "COUNT_EXACT_UP_TO", 3)
    monkeypatch.setattr(paginator, "planner_estimate", lambda queryset: 1000)
    queryset = FundingRecord.objects.order_by("-year", "id")
    expected = list(queryset.values_list("id", flat=True))
    if shape == "values":
        queryset = queryset.values("id", "year")
    elif shape == "values_list":
        queryset = queryset.values_list("id", "year")
    pages = paginator.EstimatingPaginator(queryset, 5)
    seen, number = [], 1
    while True:
        page = pages.page(number)
        assert pages.count_is_estimate or not page.has_next()
        for row in page.object_list:
            seen.append(row.pk if shape == "models" else row["id"] if shape == "values" else row[0])
        if not page.has_next():
            break
        number += 1
    assert seen == expected  # every row once, in the list's order (the keys' order, not the database's)
