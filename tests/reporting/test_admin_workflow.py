"""The admin is one more interface on the services: it cannot approve in a closed period, nor change an approved
amount past review. Driven through the real admin: a signed-in bureau user POSTs the change form."""

from decimal import Decimal

import pytest

from funding.models import FundingRecord
from review.services import reporting_period_close
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    bureau = factories.BureauUserFactory(username="staffer")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "staffer", "password": "correct-horse-battery", "next": "/admin/"}
    )
    assert response.status_code == 302
    hub = factories.HubFactory(slug="noord")
    lab = factories.FieldlabFactory(slug="lab", hub=hub, start_year=2015)
    return {"client": client, "bureau": bureau, "hub": hub, "lab": lab}


def change_form_data(client, record) -> dict:
    """What the browser would send: every field of the change form as shown, nothing invented."""
    response = client.get(f"/admin/funding/fundingrecord/{record.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    return data


def totals() -> tuple[int, Decimal]:
    from django.db.models import Sum

    approved = FundingRecord.objects.filter(status="approved")
    return approved.count(), approved.aggregate(s=Sum("amount"))["s"] or Decimal("0")


def test_status_is_not_a_field_of_the_admin_form(world):
    record = factories.FundingRecordFactory(fieldlab=world["lab"], year=2019, status="draft", amount=Decimal("10.00"))
    data = change_form_data(world["client"], record)
    assert "status" not in data and "reviewed_by" not in data
    # A hand-made POST that sends a status anyway changes nothing of the workflow.
    data["status"] = "approved"
    response = world["client"].post(f"/admin/funding/fundingrecord/{record.pk}/change/", data)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == "draft" and record.reviewed_by is None


def test_admin_cannot_change_or_approve_a_record_in_a_closed_period(world):
    record = factories.FundingRecordFactory(
        fieldlab=world["lab"], year=2019, status="submitted", amount=Decimal("100.00")
    )
    reporting_period_close(hub=world["hub"], year=2019, actor=world["bureau"])
    before = totals()
    data = change_form_data(world["client"], record)
    data["amount"] = "999.00"
    response = world["client"].post(f"/admin/funding/fundingrecord/{record.pk}/change/", data)
    # The form comes back with the service's verdict next to the year; nothing is written.
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "closed" in " ".join(errors["year"])
    # The workflow action refuses too, with a message, and leaves the record as it was.
    response = world["client"].post(
        "/admin/funding/fundingrecord/",
        {"action": "approve_selected", "_selected_action": [record.pk], "index": 0},
        follow=True,
    )
    assert "closed" in response.content.decode()
    record.refresh_from_db()
    assert (record.status, record.amount, record.reviewed_by) == ("submitted", Decimal("100.00"), None)
    assert totals() == before


def test_admin_change_of_an_approved_amount_goes_back_to_review(world):
    record = factories.FundingRecordFactory(fieldlab=world["lab"], year=2019, status="approved", amount=Decimal("5.00"))
    record.reviewed_by = world["bureau"]
    record.save()
    before = totals()
    data = change_form_data(world["client"], record)
    data["amount"] = "5000.00"
    response = world["client"].post(f"/admin/funding/fundingrecord/{record.pk}/change/", data)
    assert response.status_code == 302
    record.refresh_from_db()
    # The new amount is kept but does not count until the bureau reviews it again.
    assert record.amount == Decimal("5000.00") and record.status == "submitted" and record.reviewed_by is None
    assert totals() == (before[0] - 1, before[1] - Decimal("5.00"))
    entry = record.history.first()
    assert entry.history_user == world["bureau"] and entry.history_change_reason == "changed: amount; back to review"
    # The workflow action is the way to make it count again.
    world["client"].post(
        "/admin/funding/fundingrecord/", {"action": "approve_selected", "_selected_action": [record.pk], "index": 0}
    )
    record.refresh_from_db()
    assert record.status == "approved" and record.reviewed_by == world["bureau"]
    assert totals() == (before[0], before[1] - Decimal("5.00") + Decimal("5000.00"))


def test_fieldlab_admin_has_no_editable_funding_inline(world):
    factories.FundingRecordFactory(fieldlab=world["lab"], year=2019, status="approved", amount=Decimal("7.00"))
    page = world["client"].get(f"/admin/registry/fieldlab/{world['lab'].pk}/change/").content.decode()
    assert "7.00" in page
    assert 'name="funding_records-0-amount"' not in page and 'name="funding_records-0-status"' not in page


def test_admin_history_revert_and_bulk_delete_are_off(world):
    record = factories.FundingRecordFactory(fieldlab=world["lab"], year=2019, status="approved")
    history_id = record.history.first().history_id
    url = f"/admin/funding/fundingrecord/{record.pk}/history/{history_id}/"
    page = world["client"].get(url)
    assert page.status_code == 200 and "Revert" not in page.content.decode()  # an old version, to read
    assert world["client"].post(url, {"amount": "1.00"}).status_code == 403  # and nothing to restore
    page = world["client"].get("/admin/funding/fundingrecord/").content.decode()
    assert 'value="delete_selected"' not in page
