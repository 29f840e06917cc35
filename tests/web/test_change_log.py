"""The site-wide change log: every history record of every model, filtered by user, model, action and date, with
the differences labelled; the bureau's alone."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.services import record_update
from funding.services import funding_record_update
from registry.models import Fieldlab
from smartindustry.changelog import change_log_page
from tests import factories

from .conftest import rows, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def edits(network):
    """The bureau renames a city and changes the status; Noord's coordinator changes a draft's amount."""
    rosf = Fieldlab.objects.get(pk=network["rosf"].pk)
    record_update(instance=rosf, actor=network["bureau"], data={"city": "Leeuwarden", "status": "ended"})
    draft = network["records"]["campione_2019_draft"]
    funding_record_update(record=draft, actor=network["coord_zuid"], data={"amount": Decimal("8000.00")})
    return network


def test_only_the_bureau_reads_the_change_log(bureau_client, noord_client, viewer_client, analyst_client, edits):
    assert bureau_client.get("/changes/").status_code == 200
    for client in (noord_client, viewer_client, analyst_client):
        assert client.get("/changes/").status_code == 403
    assert 'href="/changes/"' in bureau_client.get("/").content.decode()
    assert 'href="/changes/"' not in noord_client.get("/").content.decode()


def test_filter_by_user_shows_only_their_changes_with_labelled_diffs(bureau_client, edits):
    response = bureau_client.get("/changes/", {"user": "bureau-anna"})
    table = rows(response, "changelog")[1:]
    assert table and all(row[1] == "bureau-anna" for row in table)
    fieldlab_row = next(row for row in table if "Region of Smart Factories" in row[3])
    # Field labels and choice labels, not column names and codes; bookkeeping columns left out.
    assert "city: Drachten → Leeuwarden" in fieldlab_row[4]
    assert "status: Active → Ended" in fieldlab_row[4]
    assert "version" not in fieldlab_row[4]
    coordinator = rows(bureau_client.get("/changes/", {"user": "coord-zuid"}), "changelog")[1:]
    assert len(coordinator) == 1 and coordinator[0][1] == "coord-zuid"
    assert "amount (EUR): 7,777.00 → 8,000.00" in coordinator[0][4]


def test_filter_by_model_action_and_date(edits):
    changed = change_log_page(filters={"model": "registry.fieldlab", "action": "~"})
    assert [e.object_label for e in changed.object_list] == ["Region of Smart Factories"]
    created = change_log_page(filters={"model": "funding.fundingrecord", "action": "+"})
    assert created.paginator.count == len(edits["records"])
    assert {e.action_label for e in created.object_list} == {"Created"}
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert change_log_page(filters={"date_from": tomorrow}).paginator.count == 0
    assert change_log_page(filters={"date_to": tomorrow}).paginator.count == change_log_page(filters={}).paginator.count


def test_every_model_with_history_is_in_one_list_newest_first(edits):
    page = change_log_page(filters={})
    dates = [entry.date for entry in page.object_list]
    assert dates == sorted(dates, reverse=True)
    models = {entry.model_label for entry in page.object_list}
    assert {"Fieldlab", "Funding record", "Hub", "Company"} <= models


@pytest.fixture
def many(edits):
    factories.CompanyFactory.create_batch(40)  # 40 more "created" entries: more than one page of 50
    return edits


def test_pages_of_fifty_and_past_the_end_is_the_last_page(bureau_client, many):
    total = change_log_page(filters={}).paginator.count
    assert total > 50
    last = change_log_page(filters={}, page=999)
    assert last.number == last.paginator.num_pages and len(last.object_list) == total - 50 * (last.number - 1)
    response = bureau_client.get("/changes/", {"page": 2, "user": ""})
    assert 'href="?user=&amp;page=1" rel="prev"' in response.content.decode()


def test_an_end_date_before_the_start_is_a_form_error(bureau_client, edits):
    response = bureau_client.get("/changes/", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()


def test_change_log_queries_do_not_grow_with_changes(bureau_client, many, django_assert_max_num_queries):
    # A page of 50 entries: the union's count and page, one load per model on the page, the previous version of each
    # changed row, the filter's user list, the session. Not one query per history table per row.
    with django_assert_max_num_queries(70):
        response = bureau_client.get("/changes/")
    total = change_log_page(filters={}).paginator.count
    assert text(response, "changelog-count") == f"{total} changes"
    assert len(rows(response, "changelog")) == 1 + 50
