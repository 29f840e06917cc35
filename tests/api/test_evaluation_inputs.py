"""The evaluation from the API alone: its inputs have endpoints, leverage and the cumulative series are live, the
root lists everything, and an activity type's verdict can be recomputed from API responses only."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

TYPE = "regional-activation"


@pytest.fixture
def analyst(reference_db, token_client):
    return token_client(factories.UserFactory(username="analyst-inputs"))


def every_row(client, url, **params):
    page = client.get(url, {**params, "page_size": 500})
    assert page.status_code == 200, page.content
    body = page.json()
    rows = body["results"]
    while body["next"]:
        body = client.get(body["next"]).json()
        rows += body["results"]
    return rows


def test_the_verdict_of_an_activity_type_recomputed_from_api_responses_only(analyst):
    base = "/api/v1/evaluation/"
    goals = every_row(analyst, base + "output-goals/", activity_type=TYPE, measurable="true")
    assert goals
    ratios = []
    for goal in goals:
        targets = every_row(analyst, base + "output-targets/", goal=goal["code"], year_min=2015, year_max=2019)
        actual_sum = target_sum = Decimal(0)
        for target in targets:
            measurements = every_row(
                analyst,
                base + "measurements/",
                activity_type=TYPE,
                indicator=goal["indicator"],
                year=target["year"],
                status="approved",
            )
            actual_sum += sum((Decimal(m["value"]) for m in measurements), Decimal(0))
            target_sum += Decimal(target["value"])
        if target_sum:
            ratios.append(min(actual_sum / target_sum, Decimal(1)))  # each goal counts at most 100%
    mean = (sum(ratios) / len(ratios)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    bands = sorted(every_row(analyst, base + "verdict-bands/"), key=lambda b: Decimal(b["min_ratio"]), reverse=True)
    verdict = next((b["verdict"] for b in bands if mean >= Decimal(b["min_ratio"])), bands[-1]["verdict"])

    row = analyst.get(base + f"activity-types/{TYPE}/").json()
    assert (str(mean), verdict) == (row["effectiveness_ratio"], row["effectiveness"])
    assert verdict == "partly_effective"


def test_ratios_are_aggregated_before_rounding(analyst):
    # 2018: goals at 1510/1500 (capped at 1) and 100/150; the exact mean is 0.83333…, not the mean of 1 and 0.6667.
    rows = analyst.get("/api/v1/evaluation/effectiveness/", {"year_min": 2018, "year_max": 2018}).json()
    assert next(r for r in rows if r["activity_type"] == TYPE)["ratio"] == "0.8333"


def test_cumulative_funding_of_the_fieldlabs_reaches_314_million(analyst):
    rows = analyst.get("/api/v1/evaluation/funding-cumulative/", {"recipient_kind": "fieldlab"}).json()
    assert [r["year"] for r in rows] == [2015, 2016, 2017, 2018, 2019]
    assert rows[-1]["cumulative"] == "314000000.00"
    everyone = analyst.get("/api/v1/evaluation/funding-cumulative/").json()
    assert Decimal(everyone[-1]["cumulative"]) > Decimal("314000000.00")


def test_leverage_by_group_adds_up_to_the_whole(analyst):
    whole = analyst.get("/api/v1/evaluation/leverage/").json()
    assert len(whole) == 1
    by_source = analyst.get("/api/v1/evaluation/leverage/", {"group_by": "hub"}).json()
    assert len(by_source) > 1
    assert sum(Decimal(r["private"]) for r in by_source) == Decimal(whole[0]["private"])
    assert sum(Decimal(r["public"]) for r in by_source) == Decimal(whole[0]["public"])
    row = whole[0]
    expected = (Decimal(row["private"]) / Decimal(row["public"])).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    assert Decimal(row["leverage"]) == expected


def test_analysts_do_not_see_draft_measurements(analyst):
    statuses = {m["status"] for m in every_row(analyst, "/api/v1/evaluation/measurements/")}
    assert statuses and not statuses & {"draft", "returned"}


def test_the_root_lists_every_list_and_table_the_schema_and_the_docs(analyst):
    body = analyst.get("/api/v1/").json()
    schema = analyst.get("/api/v1/schema/", {"format": "json"}).json()
    lists = {path for path, item in schema["paths"].items() if "get" in item and "{" not in path}
    listed = {url.split("/api/v1", 1)[1] for url in body["endpoints"].values()}
    assert {path.removeprefix("/api/v1") for path in lists} - {"/funding-records/360giving/"} <= listed
    assert body["schema"].endswith("/api/v1/schema/") and body["docs"].endswith("/api/v1/docs/")
    for url in body["endpoints"].values():
        assert analyst.get(url).status_code == 200, url
