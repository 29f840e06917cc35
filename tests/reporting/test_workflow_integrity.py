"""The rule (docs/architecture.md): changing what an approved record counts — amount, year, source, recipient —
sends it back to review (status submitted, reviewer cleared) with the change in its history. The same on every
path: the portal form, the API's PATCH, the admin and the spreadsheet import. Runs on PostgreSQL in CI."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from rest_framework.test import APIClient

from accounts.services import api_token_create
from funding.models import FundingRecord
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = (
    "id,year,recipient_kind,recipient,source,funder,amount,kind,realisation,activity_type,status,provenance,"
    "provenance_source,evidence_note\n"
)


@pytest.fixture
def world():
    bureau = factories.BureauUserFactory(username="staffer")  # password: correct-horse-battery
    reviewer = factories.BureauUserFactory(username="reviewer")
    hub = factories.HubFactory(slug="noord")
    lab = factories.FieldlabFactory(slug="lab", hub=hub, start_year=2015)
    record = factories.FundingRecordFactory(
        fieldlab=lab, year=2019, source="regional", status="approved", amount=Decimal("111.00"), reviewed_by=reviewer
    )
    return {"bureau": bureau, "lab": lab, "record": record}


def _form_fields(form) -> dict:
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    return data


def via_portal(world, amount):
    client = Client()
    client.force_login(world["bureau"])
    url = f"/funding/{world['record'].pk}/edit/"
    data = _form_fields(client.get(url).context["form"])
    return client.post(url, {**data, "amount": amount}).status_code


def via_api(world, amount):
    _token, key = api_token_create(user=world["bureau"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = f"/api/v1/funding-records/{world['record'].pk}/"
    etag = client.get(url)["ETag"]
    return client.patch(url, {"amount": amount}, format="json", HTTP_IF_MATCH=etag).status_code


def via_admin(world, amount):
    client = Client()
    client.force_login(world["bureau"])
    url = f"/admin/funding/fundingrecord/{world['record'].pk}/change/"
    data = _form_fields(client.get(url).context["adminform"].form)
    return client.post(url, {**data, "amount": amount}).status_code


def via_import(world, amount):
    client = Client()
    client.force_login(world["bureau"])
    record = world["record"]
    row = f"{record.pk},2019,fieldlab,lab,regional,,{amount},cash,realised,,approved,illustrative,,\n"
    upload = SimpleUploadedFile("records.csv", (HEADER + row).encode())
    # Preview and import are jobs, sent when the request commits; eager here, run as the commit would run them.
    with TestCase.captureOnCommitCallbacks(execute=True):
        preview = client.post("/funding/import/", {"file": upload})
    assert preview.status_code == 302
    preview_job = int(preview.url.rstrip("/").rsplit("/", 1)[1])
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/funding/import/confirm/", {"job": preview_job}).status_code


@pytest.mark.parametrize("path", [via_portal, via_api, via_admin, via_import], ids=lambda f: f.__name__)
def test_changing_an_approved_amount_sends_it_back_to_review_on_every_path(world, path):
    status = path(world, "224738.00")
    assert status in (200, 302), status
    record = FundingRecord.objects.get(pk=world["record"].pk)
    assert record.amount == Decimal("224738.00")
    assert (record.status, record.reviewed_by) == ("submitted", None)
    latest = record.history.order_by("-history_id").first()
    assert "amount" in latest.history_change_reason and "back to review" in latest.history_change_reason
    # It no longer counts: only approved records do.
    assert not FundingRecord.objects.filter(pk=record.pk, status="approved").exists()
