"""The evaluation API: contract shapes, 400 on bad input, roles, and fixed query counts."""

import pytest

from evaluation.models import EvaluationRun
from tests import factories

pytestmark = pytest.mark.django_db

BASE = "/api/v1/evaluation/"


@pytest.fixture
def analyst_client(analyst_user, token_client):
    return token_client(analyst_user)


@pytest.fixture
def bureau_client(bureau_user, token_client):
    return token_client(bureau_user)


def test_funding_totals_contract(evaluation_data, analyst_client):
    response = analyst_client.get(BASE + "funding-totals/", {"group_by": "source,year", "year_min": 2017})
    assert response.status_code == 200
    rows = response.json()
    # approved from 2017: companies 300 (2017), national 200 (2017), regional 40 (2017) and 60 (2019).
    assert rows == [
        {"source": "companies", "year": 2017, "amount": "300.00", "records": 1},
        {"source": "national", "year": 2017, "amount": "200.00", "records": 1},
        {"source": "regional", "year": 2017, "amount": "40.00", "records": 1},
        {"source": "regional", "year": 2019, "amount": "60.00", "records": 1},
    ]


def test_funding_totals_fieldlab_filter(evaluation_data, analyst_client):
    response = analyst_client.get(
        BASE + "funding-totals/", {"group_by": "source", "recipient_kind": "fieldlab", "source": "regional"}
    )
    assert response.json() == [{"source": "regional", "amount": "110.00", "records": 2}]  # F1 50 + F3 60


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"group_by": "source,weather"}, "group_by"),
        ({"year_min": "abc"}, "year_min"),
        ({"recipient_kind": "alien"}, "recipient_kind"),
        ({"source": "lottery"}, "source"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_funding_totals_bad_input_is_400_json(evaluation_data, analyst_client, params, key):
    response = analyst_client.get(BASE + "funding-totals/", params)
    assert response.status_code == 400
    assert key in response.json()["errors"]  # the project's one error shape names the parameter


def test_activity_types_rows(evaluation_data, analyst_client):
    rows = {r["code"]: r for r in analyst_client.get(BASE + "activity-types/").json()}
    assert rows["activate"]["funding"] == "400.00"
    activate = rows["activate"]
    assert (activate["effectiveness"], activate["effectiveness_ratio"]) == ("partly_effective", "0.6364")
    assert (rows["activate"]["efficiency"], rows["activate"]["regional_efficiency"]) == ("within_norm", "above_norm")
    assert rows["coord"]["effectiveness"] == "not_assessable"
    assert all(not isinstance(v, dict | list) for r in rows.values() for v in r.values())  # flat for CSV/XLSX
    detail = analyst_client.get(BASE + "activity-types/activate/").json()
    assert [(r["year"], r["verdict"]) for r in detail["by_year"]] == [
        (2015, "not_assessable"),
        (2016, "not_assessable"),
        (2017, "partly_effective"),
        (2018, "not_assessable"),
        (2019, "limited"),
    ]
    assert analyst_client.get(BASE + "activity-types/nope/").status_code == 404


def test_recommendations_rows_and_detail(evaluation_data, analyst_client, bureau_user):
    from evaluation.models import Recommendation
    from evaluation.services import follow_up_action_create

    rec = Recommendation.objects.get(code="lead_levels")
    follow_up_action_create(recommendation=rec, actor=bureau_user, title="Write a role charter", owner="Bureau")
    rows = analyst_client.get(BASE + "recommendations/").json()
    assert [(r["number"], r["status"]) for r in rows] == [
        (1, "partly"),
        (2, "not_met"),
        (3, "not_met"),
        (4, "partly"),
        (5, "partly"),
    ]
    assert rows[3]["actions"] == 1 and rows[3]["actions_open"] == 1
    detail = analyst_client.get(BASE + "recommendations/lead_levels/").json()
    assert detail["figures"] == {"activity_types": 4, "one_lead_level": 3, "demand_steered": 3}
    assert [a["title"] for a in detail["actions"]] == ["Write a role charter"]


def test_runs_bureau_starts_analyst_reads(
    evaluation_data, bureau_client, analyst_client, django_capture_on_commit_callbacks
):
    # The test wraps each request in a transaction, so the task runs when the capture block commits (after the
    # answer); the run exists either way: 201 with the run and its Location, its status saying how far it is.
    with django_capture_on_commit_callbacks(execute=True):
        response = bureau_client.post(BASE + "runs/", {"year_min": 2015, "year_max": 2019}, format="json")
    assert response.status_code == 201, response.content
    run_id = response.json()["id"]
    assert response["Location"].endswith(f"/runs/{run_id}/") and response.json()["status"] == "pending"
    assert analyst_client.post(BASE + "runs/", {}, format="json").status_code == 403
    listing = analyst_client.get(BASE + "runs/").json()
    assert [(r["id"], r["status"]) for r in listing["results"]] == [(run_id, "done")]
    detail = analyst_client.get(BASE + f"runs/{run_id}/").json()
    assert detail["results"]["funding_total"]["amount"] == "760.00" and len(detail["fingerprint"]) == 64
    with django_capture_on_commit_callbacks(execute=True):
        second = bureau_client.post(BASE + "runs/", {}, format="json").json()["id"]
    comparison = analyst_client.get(BASE + f"runs/{run_id}/compare/", {"with": second}).json()
    assert comparison["identical_results"] is True
    assert analyst_client.get(BASE + f"runs/{run_id}/compare/", {"with": "x"}).status_code == 400
    assert EvaluationRun.objects.count() == 2


def test_run_with_bad_years_is_400(evaluation_data, bureau_client):
    response = bureau_client.post(BASE + "runs/", {"year_min": 2019, "year_max": 2011}, format="json")
    assert response.status_code == 400 and "year_max" in response.json()["errors"]
    assert not EvaluationRun.objects.exists()


def test_tables_answer_csv_and_xlsx(evaluation_data, analyst_client):
    response = analyst_client.get(BASE + "funding-totals/", {"group_by": "source", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content if response.streaming else [response.content]).decode().splitlines()
    assert lines[0] == "source,amount,records"
    assert "regional,150.00,3" in lines  # 50 + 40 + 60
    response = analyst_client.get(BASE + "recommendations/", {"format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_companies_reached_rows(evaluation_data, analyst_client):
    rows = analyst_client.get(BASE + "companies-reached/", {"year_min": 2016, "year_max": 2018}).json()
    assert [(r["year"], r["unique_companies"], r["company_fieldlab_pairs"]) for r in rows] == [
        (2016, 1, 1),
        (2017, 3, 4),  # c1 (F1, F2, F3), c2 (F1) and c4 (at hub-a, no fieldlab pair)
        (2018, 1, 1),
        (None, 4, 5),  # the whole window: c1, c2, c3, c4 once each
    ]
    assert set(rows[0]) == set(rows[-1])  # the same columns in every row, for CSV


def test_anonymous_is_refused(evaluation_data, api_client):
    # 401, not 403: the caller is not identified, and the answer says how to be (RFC 9110 §15.5.2).
    for url in (BASE + "funding-totals/", BASE + "runs/"):
        response = api_client.get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token", url
        assert response.json()["status"] == 401
    response = api_client.post(BASE + "runs/", {}, format="json")
    assert (response.status_code, response["WWW-Authenticate"]) == (401, "Token")


ENDPOINTS = [
    "funding-totals/?group_by=source,year,hub,fieldlab,province,activity_type",
    "funding-cumulative/",
    "companies-reached/",
    "activity-types/",
    "activity-types/activate/",
    "effectiveness/",
    "cost-per-output/",
    "regional-cost-per-output/",
    "recommendations/",
    "recommendations/target_groups/",
    "runs/",
]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_endpoint_query_count_does_not_grow(url, evaluation_data, bureau_user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(bureau_user)
    factories.EvaluationRunFactory(job__owner=bureau_user)
    with CaptureQueriesContext(connection) as before:
        assert client.get(BASE + url).status_code == 200
    for _ in range(5):
        fl = factories.FieldlabFactory(hub=evaluation_data.hub_b)
        factories.FundingRecordFactory(fieldlab=fl, activity_type=evaluation_data.activate, source="regional")
        factories.ParticipationFactory(fieldlab=fl, year=2017)
        factories.EvaluationRunFactory(job__owner=factories.BureauUserFactory(), parameters={})
    with CaptureQueriesContext(connection) as after:
        assert client.get(BASE + url).status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)
