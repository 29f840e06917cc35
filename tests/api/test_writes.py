"""Writes go through the services: validation as 400 naming each field, the workflow, audit, visibility, ETags."""

from decimal import Decimal

import pytest

from funding.models import FundingRecord
from registry.models import Fieldlab
from tests import factories


def new_record(**overrides) -> dict:
    return {
        "recipient_kind": "fieldlab",
        "recipient": "lab-here",
        "year": 2019,
        "source": "eu",
        "amount": "10.00",
        **overrides,
    }


def test_coordinator_creates_a_draft_for_their_hub_even_when_asking_for_approved(world):
    response = world.client("coordinator_here").post(
        "/api/v1/funding-records/", new_record(status="approved"), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["recipient_kind"], body["recipient"], body["recipient_hub"]) == (
        "draft",
        "fieldlab",
        "lab-here",
        "here",
    )
    record = FundingRecord.objects.get(pk=body["id"])
    assert record.amount == Decimal("10.00") and record.created_by == world.users["coordinator_here"]
    # Audited: the history row names who made it.
    assert record.history.latest().history_user == world.users["coordinator_here"]


def test_bureau_may_create_an_approved_record_for_the_bureau(world):
    response = world.client("bureau").post(
        "/api/v1/funding-records/",
        new_record(recipient_kind="bureau", recipient="programmabureau", status="approved", amount="5.5"),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "approved" and response.json()["amount"] == "5.50"


def test_bad_input_names_each_field_and_changes_nothing(world):
    before = FundingRecord.objects.count()
    response = world.client("bureau").post(
        "/api/v1/funding-records/",
        {"recipient_kind": "lab", "recipient": "lab-here", "year": 1850, "source": "moon", "amount": "-1"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert set(body["errors"]) == {"recipient_kind", "year", "source", "amount"}
    assert FundingRecord.objects.count() == before


def test_unknown_recipient_and_duplicate_are_400_on_the_right_field(world):
    client = world.client("bureau")
    response = client.post("/api/v1/funding-records/", new_record(recipient="no-such-lab"), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["recipient"]
    # Same recipient, year, source, funder, kind and realisation as the world's draft: the database rule.
    duplicate = new_record(year=2018, source="companies", amount="1.00")
    response = client.post("/api/v1/funding-records/", duplicate, format="json")
    assert response.status_code == 400
    assert "already has a record" in str(response.json()["errors"])


def test_coordinator_cannot_report_for_another_hub_or_move_a_record_there(world):
    client = world.client("coordinator_here")
    response = client.post("/api/v1/funding-records/", new_record(recipient="lab-other"), format="json")
    assert response.status_code == 403
    response = client.patch(f"/api/v1/funding-records/{world.draft.pk}/", {"recipient": "lab-other"}, format="json")
    assert response.status_code == 403
    world.draft.refresh_from_db()
    assert world.draft.fieldlab == world.fieldlab


def test_status_changes_only_through_the_workflow(world):
    client = world.client("bureau")
    response = client.patch(f"/api/v1/funding-records/{world.draft.pk}/", {"status": "approved"}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["status"]


def test_the_reporting_workflow_end_to_end(world):
    coordinator, bureau = world.client("coordinator_here"), world.client("bureau")
    url = f"/api/v1/funding-records/{world.draft.pk}/"

    assert coordinator.post(url + "approve/").status_code == 403  # not the coordinator's call
    assert coordinator.post(url + "submit/").json()["status"] == "submitted"
    assert coordinator.patch(url, {"amount": "1.00"}, format="json").status_code == 403  # submitted: no edits
    assert bureau.post(url + "submit/").status_code == 400  # already submitted

    response = bureau.post(url + "return/", {}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["comment"]
    returned = bureau.post(url + "return/", {"comment": "Add the evidence."}, format="json").json()
    assert (returned["status"], returned["review_comment"]) == ("returned", "Add the evidence.")

    assert coordinator.patch(url, {"evidence_note": "Invoice 42"}, format="json").status_code == 200
    assert coordinator.post(url + "submit/").status_code == 200
    approved = bureau.post(url + "approve/", {"comment": "Thanks"}, format="json").json()
    assert approved["status"] == "approved"
    world.draft.refresh_from_db()
    assert world.draft.reviewed_by == world.users["bureau"] and world.draft.evidence_note == "Invoice 42"


def test_closed_reporting_period_refuses_changes(world):
    bureau = world.client("bureau")
    closed = bureau.post("/api/v1/reporting-periods/close/", {"hub": "here", "year": 2018}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    response = world.client("coordinator_here").patch(
        f"/api/v1/funding-records/{world.draft.pk}/", {"amount": "1.00"}, format="json"
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["year"]
    assert (
        bureau.post("/api/v1/reporting-periods/reopen/", {"hub": "here", "year": 2018}, format="json").json()["status"]
        == "open"
    )


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("analyst", {"submitted", "approved"}),
        ("coordinator_other", {"submitted", "approved", "returned_b"}),
        ("coordinator_here", {"draft", "submitted", "approved"}),
        ("bureau", {"draft", "submitted", "approved", "returned_b"}),
    ],
)
def test_drafts_and_returned_records_are_visible_only_to_their_hub_and_the_bureau(world, role, visible):
    names = {getattr(world, name).pk: name for name in ("draft", "submitted", "approved", "returned_b")}
    rows = world.client(role).get("/api/v1/funding-records/").json()["results"]
    assert {names[row["id"]] for row in rows} == visible
    # The export applies the same filter (the queryset, not the page, hides the records).
    export = b"".join(world.client(role).get("/api/v1/funding-records/?format=csv&fields=id").streaming_content)
    assert {names[int(line)] for line in export.decode().split()[1:]} == visible
    # Detail of an invisible record: 404, as if it were not there.
    status = world.client(role).get(f"/api/v1/funding-records/{world.draft.pk}/").status_code
    assert status == (200 if "draft" in visible else 404)


def test_etag_if_match_refuses_a_stale_write(world):
    client = world.client("bureau")
    url = f"/api/v1/fieldlabs/{world.fieldlab.slug}/"
    etag = client.get(url)["ETag"]
    fresh = client.patch(url, {"city": "Rotterdam"}, format="json", HTTP_IF_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag
    stale = client.patch(url, {"city": "Leiden"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    assert Fieldlab.objects.get(pk=world.fieldlab.pk).city == "Rotterdam"


def test_deleting_what_others_refer_to_is_a_409_and_deletes_nothing(world):
    response = world.client("bureau").delete("/api/v1/fieldlabs/lab-here/")
    assert response.status_code == 409
    assert "funding records" in response.json()["detail"]
    assert Fieldlab.objects.filter(slug="lab-here").exists()


def test_registry_writes_keep_many_to_many_and_annotations(world):
    response = world.client("bureau").post(
        "/api/v1/hubs/",
        {"name": "Hub Noord", "slug": "noord", "provinces": ["groningen", "zuid-holland"], "founded_year": 2018},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert sorted(response.json()["provinces"]) == ["groningen", "zuid-holland"]
    assert response.json()["fieldlab_count"] == 0


def test_read_only_token_of_a_bureau_user_cannot_write(world):
    response = world.client("read_only_token").patch("/api/v1/hubs/here/", {"description": "x"}, format="json")
    assert response.status_code == 403 and response.json()["detail"] == "This token is read-only."


def test_malformed_json_body_is_a_400(world):
    response = world.client("bureau").generic("POST", "/api/v1/hubs/", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_filters_ranges_search_and_ordering(world):
    factories.FundingRecordFactory(fieldlab=world.fieldlab_b, year=2016, amount=Decimal("5000.00"))
    client = world.client("analyst")

    def amounts(query):
        return [row["amount"] for row in client.get("/api/v1/funding-records/?" + query).json()["results"]]

    assert amounts("year_min=2016&year_max=2017") == ["5000.00"]
    assert amounts("amount_min=250.50&amount_max=1000&ordering=-amount") == ["1000.00", "250.50"]
    assert amounts("hub=here&ordering=amount") == ["250.50", "1000.00"]
    assert amounts("source=national&source=regional&ordering=amount") == ["250.50", "1000.00"]
    assert amounts("q=lab other") == ["5000.00"]
    assert client.get("/api/v1/funding-records/?ordering=secret").status_code == 400
    assert client.get("/api/v1/funding-records/?amount_min=1e400").status_code == 400
    assert client.get("/api/v1/funding-records/?year_min=99999999999999999999").status_code == 400
    assert client.get("/api/v1/fieldlabs/?q=%00").status_code == 400
