"""Report cells keep their concurrency: every cell carries the version of its record, so a cell edit based on a value
someone else has changed since is refused with a 409 that shows both values, and a duplicate-cell race ends in one
record and a clean message.

The stale-edit tests are sequential and run on any database; the races need PostgreSQL's concurrent connections
(CI runs them there).
"""

import re
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from funding.models import FundingRecord
from tests import factories
from tests.races import race

CELL_URL = "/reports/noord/2019/cells/rosf/regional/"
ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a race needs PostgreSQL's concurrent connections"
)


@pytest.fixture
def hub():
    noord = factories.HubFactory(name="Hub Noord", slug="noord")
    rosf = factories.FieldlabFactory(name="Region of Smart Factories", slug="rosf", hub=noord, start_year=2016)
    return {
        "noord": noord,
        "rosf": rosf,
        "anna": factories.CoordinatorFactory(username="coord-anna", hub=noord),
        "bert": factories.CoordinatorFactory(username="coord-bert", hub=noord),
        "name": f"cell-{rosf.pk}-regional",
    }


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _version_in_grid(client, name: str) -> str:
    """The version the grid gives a cell, as a browser would read it from the page."""
    html = client.get("/reports/noord/2019/").content.decode()
    return re.search(rf'name="{name}-version" value="(\d*)"', html).group(1)


def _save_cell(client, name, amount, version):
    return client.post(CELL_URL, {name: amount, f"{name}-version": version}, HTTP_HX_REQUEST="true")


def _cell_error(html: str) -> str:
    return re.search(r'<span class="error"[^>]*>(.*?)</span>', html, re.DOTALL).group(1)


def _cell_records(hub):
    return FundingRecord.objects.filter(fieldlab=hub["rosf"], year=2019, source="regional")


@pytest.mark.django_db
def test_a_stale_cell_edit_is_a_409_showing_both_values_and_overwrites_nothing(hub):
    anna, bert, name = _browser(hub["anna"]), _browser(hub["bert"]), hub["name"]
    assert _save_cell(anna, name, "100", "").status_code == 200
    # Both open the grid and read the same version of the cell.
    seen_by_anna = _version_in_grid(anna, name)
    seen_by_bert = _version_in_grid(bert, name)
    assert seen_by_anna == seen_by_bert == str(_cell_records(hub).get().version)
    # Bert saves first; Anna's later edit is based on the value Bert replaced.
    assert _save_cell(bert, name, "222", seen_by_bert).status_code == 200
    response = _save_cell(anna, name, "333", seen_by_anna)
    assert response.status_code == 409
    html = response.content.decode()
    message = _cell_error(html)
    assert "222" in message and "333" in message  # theirs and yours, in the message
    assert 'value="333"' in html  # and yours still in the input
    record = _cell_records(hub).get()
    assert record.amount == Decimal("222.00")
    # The answer carries the stored version: saving again now is a deliberate overwrite, and it is applied.
    stored_version = re.search(rf'name="{name}-version" value="(\d+)"', html).group(1)
    assert stored_version == str(record.version)
    assert _save_cell(anna, name, "333", stored_version).status_code == 200
    assert _cell_records(hub).get().amount == Decimal("333.00")


@pytest.mark.django_db
def test_a_cell_filled_or_emptied_meanwhile_is_a_conflict_too(hub):
    anna, bert, name = _browser(hub["anna"]), _browser(hub["bert"]), hub["name"]
    # Anna saw the cell empty; Bert fills it; Anna's value does not silently replace his.
    assert _save_cell(bert, name, "50", "").status_code == 200
    response = _save_cell(anna, name, "70", "")
    assert response.status_code == 409
    assert _cell_records(hub).get().amount == Decimal("50.00")
    # Anna saw Bert's value; Bert empties the cell; Anna's edit of the value he removed is a conflict as well.
    version = str(_cell_records(hub).get().version)
    assert _save_cell(bert, name, "", version).status_code == 200
    assert _save_cell(anna, name, "80", version).status_code == 409
    assert not _cell_records(hub).exists()
    # Saving the value that is stored anyway is no conflict.
    assert _save_cell(anna, name, "", version).status_code == 200


@pytest.mark.django_db
def test_the_whole_grid_save_refuses_a_stale_cell_and_saves_nothing(hub):
    anna, bert, name = _browser(hub["anna"]), _browser(hub["bert"]), hub["name"]
    tech = factories.FieldlabFactory(name="Technologies Added", slug="tech", hub=hub["noord"], start_year=2016)
    other = f"cell-{tech.pk}-eu"
    assert _save_cell(anna, name, "100", "").status_code == 200
    seen = _version_in_grid(anna, name)
    assert _save_cell(bert, name, "150", seen).status_code == 200
    response = anna.post(
        "/reports/noord/2019/", {name: "175", f"{name}-version": seen, other: "9", f"{other}-version": ""}
    )
    assert response.status_code == 409
    message = _cell_error(response.content.decode())
    assert "150" in message and "175" in message
    assert _cell_records(hub).get().amount == Decimal("150.00")
    assert not FundingRecord.objects.filter(fieldlab=tech).exists()  # all or nothing


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_racing_edits_of_one_cell_at_the_same_version_one_wins_the_rest_get_409(hub):
    name = hub["name"]
    _save_cell(_browser(hub["anna"]), name, "1", "")
    for attempt in range(5):
        version = str(_cell_records(hub).get().version)
        clients = [_browser(hub["anna" if i % 2 else "bert"]) for i in range(6)]
        amounts = [f"{2000 + attempt * 10 + i}" for i in range(6)]
        responses = race(
            *[(lambda c=c, a=a, v=version: _save_cell(c, name, a, v)) for c, a in zip(clients, amounts, strict=True)]
        )
        statuses = [getattr(r, "status_code", r) for r in responses]
        assert sorted(statuses) == [200] + [409] * 5, statuses
        winner = amounts[statuses.index(200)]
        record = _cell_records(hub).get()
        assert record.amount == Decimal(winner)
        assert record.version == int(version) + 1
        for response in responses:
            if response.status_code == 409:
                # The winner's value, whatever the language's separators: 2003 → "€ 2,003.00" or "€ 2.003,00".
                assert f"{winner}00" in re.sub(r"\D", "", _cell_error(response.content.decode()))


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_a_duplicate_cell_race_with_versions_ends_in_one_record_and_clean_conflicts(hub):
    name = hub["name"]
    for attempt in range(5):
        factories.funding_records_delete(_cell_records(hub))
        clients = [_browser(hub["anna" if i % 2 else "bert"]) for i in range(6)]
        amounts = [f"{1000 + attempt * 10 + i}" for i in range(6)]
        responses = race(
            *[(lambda c=c, a=a: _save_cell(c, name, a, "")) for c, a in zip(clients, amounts, strict=True)]
        )
        statuses = [getattr(r, "status_code", r) for r in responses]
        assert sorted(statuses) == [200] + [409] * 5, statuses
        assert _cell_records(hub).count() == 1
        assert _cell_records(hub).get().amount == Decimal(amounts[statuses.index(200)])


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_submitting_the_same_hub_year_at_once_never_get_a_403(hub):
    """Found by scripts/load_test.py: the second submitter tried to submit items the first had just submitted."""
    name = hub["name"]
    tech = factories.FieldlabFactory(name="Technologies Added", slug="tech", hub=hub["noord"], start_year=2016)
    for attempt in range(5):
        factories.funding_records_delete(FundingRecord.objects.filter(fieldlab__hub=hub["noord"]))
        anna, bert = _browser(hub["anna"]), _browser(hub["bert"])
        _save_cell(anna, name, str(100 + attempt), "")
        anna.post("/reports/noord/2019/cells/tech/eu/", {f"cell-{tech.pk}-eu": "5", f"cell-{tech.pk}-eu-version": ""})
        responses = race(*[(lambda c=c: c.post("/reports/noord/2019/submit/")) for c in (anna, bert)])
        assert [getattr(r, "status_code", r) for r in responses] == [302, 302]
        records = FundingRecord.objects.filter(fieldlab__hub=hub["noord"], year=2019)
        assert sorted(records.values_list("status", flat=True)) == ["submitted", "submitted"]
        for record in records:  # one submission each, not two
            assert [h.history_change_reason for h in record.history.order_by("history_id")][1:] == ["submitted"]


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_a_cell_edit_racing_a_submit_is_saved_or_a_409_never_a_403(hub):
    """Found by scripts/load_test.py: an edit whose record was submitted meanwhile was refused by the policy (403)
    before its version was compared; it is a conflict like any other change made meanwhile."""
    name = hub["name"]
    outcomes = Counter()
    for attempt in range(8):
        factories.funding_records_delete(_cell_records(hub))
        anna, bert = _browser(hub["anna"]), _browser(hub["bert"])
        _save_cell(anna, name, "100", "")
        version = str(_cell_records(hub).get().version)
        responses = race(
            lambda a=anna, amount=str(200 + attempt), v=version: _save_cell(a, name, amount, v),
            lambda b=bert: b.post("/reports/noord/2019/submit/"),
        )
        edit, submit = (getattr(r, "status_code", r) for r in responses)
        assert submit == 302 and edit in (200, 409), (edit, submit)
        outcomes[edit] += 1
        record = _cell_records(hub).get()
        assert record.status == "submitted"
        assert record.amount == (Decimal(200 + attempt) if edit == 200 else Decimal(100))


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_a_review_racing_a_submit_of_the_same_hub_year_never_deadlocks(hub):
    """Found by scripts/load_test.py: a review (submitted items, in id order) and a submit (drafts, in id order) of the
    same hub-year moved the same fieldlabs' status counts in opposite orders and deadlocked: a 503 on approve. The
    drafts here are made in the opposite fieldlab order to the submitted lines, which is what it took."""
    from funding.rollups import funding_rollup_differences
    from reporting.services import report_review, report_submit

    bureau = factories.BureauUserFactory(username="bureau-race")
    labs = [factories.FieldlabFactory(hub=hub["noord"], start_year=2016) for _ in range(6)]
    for attempt in range(5):
        factories.funding_records_delete(FundingRecord.objects.filter(fieldlab__hub=hub["noord"]))
        for lab in labs:
            factories.FundingRecordFactory(fieldlab=lab, year=2019, source="regional", status="submitted", amount=1)
        for lab in reversed(labs):
            factories.FundingRecordFactory(fieldlab=lab, year=2019, source="eu", status="draft", amount=2)
        review, submit = race(
            lambda: report_review(hub=hub["noord"], year=2019, actor=bureau, action="approve"),
            lambda: report_submit(hub=hub["noord"], year=2019, actor=hub["anna"]),
        )
        assert not isinstance(review, Exception) and not isinstance(submit, Exception), (attempt, review, submit)
        statuses = sorted(FundingRecord.objects.filter(fieldlab__hub=hub["noord"]).values_list("status", flat=True))
        # Whichever went first: the six lines are approved, the six drafts submitted (or approved too, if the
        # submit went first and the review then found them submitted).
        assert statuses.count("draft") == 0 and statuses[:6] == ["approved"] * 6, statuses
        assert funding_rollup_differences() == []
