"""No lost update: every editable record carries a version; a write based on an older one is refused everywhere.

Portal forms carry the version as a hidden field and show both values on a stale save; token clients must send
If-Match (428 without, 412 when stale); the service's compare-and-set refuses a stale write even when two writers
pass every check at the same moment.
"""

from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.services import api_token_create
from core.services import StaleVersion, record_update
from funding.models import FundingRecord
from registry.models import Fieldlab
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau_pair():
    return factories.BureauUserFactory(username="bureau-a"), factories.BureauUserFactory(username="bureau-b")


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form_data(response) -> dict:
    """What the browser would post back: every field of the edit form as rendered (bound or initial)."""
    form = response.context["form"]
    data = {}
    for name, bound in form._bound_items():
        value = bound.value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    return data


def test_every_service_write_moves_the_version_on(bureau_pair):
    fieldlab = factories.FieldlabFactory(name="SPACE53")
    assert fieldlab.version == 0
    record_update(instance=fieldlab, actor=bureau_pair[0], data={"name": "Space 53"})
    assert Fieldlab.objects.get(pk=fieldlab.pk).version == 1 == fieldlab.version


def test_a_write_from_an_older_copy_is_refused_by_the_service(bureau_pair):
    fieldlab = factories.FieldlabFactory(name="SPACE53", theme="drones")
    first, second = Fieldlab.objects.get(pk=fieldlab.pk), Fieldlab.objects.get(pk=fieldlab.pk)
    record_update(instance=first, actor=bureau_pair[0], data={"name": "Space 53"})
    # The second copy passes no version explicitly: the compare-and-set in audited_save still refuses it.
    with pytest.raises(StaleVersion):
        record_update(instance=second, actor=bureau_pair[1], data={"theme": "UAV"})
    stored = Fieldlab.objects.get(pk=fieldlab.pk)
    assert (stored.name, stored.theme, stored.version) == ("Space 53", "drones", 1)


def test_two_editors_of_a_fieldlab_the_stale_save_shows_both_values_and_overwrites_nothing(bureau_pair):
    fieldlab = factories.FieldlabFactory(name="SPACE53", theme="drones")
    url = f"/fieldlabs/{fieldlab.slug}/edit/"
    anna, bert = _browser(bureau_pair[0]), _browser(bureau_pair[1])
    anna_form, bert_form = _form_data(anna.get(url)), _form_data(bert.get(url))
    assert anna_form["version"] == bert_form["version"] == "0"

    assert anna.post(url, {**anna_form, "name": "Space 53"}).status_code == 302
    response = bert.post(url, {**bert_form, "theme": "UAV testing"})

    assert response.status_code == 409
    page = response.content.decode()
    assert "changed by someone else meanwhile" in page
    # Both values of the field that differs: the one saved meanwhile and the one this editor sent.
    assert "Saved meanwhile by someone else: Space 53" in page and "yours: SPACE53" in page
    stored = Fieldlab.objects.get(pk=fieldlab.pk)
    assert (stored.name, stored.theme, stored.version) == ("Space 53", "drones", 1)
    # The form now carries the stored version: saving again is a deliberate overwrite and goes through.
    retry = _form_data(response)
    assert retry["version"] == "1"
    assert bert.post(url, retry).status_code == 302
    assert Fieldlab.objects.get(pk=fieldlab.pk).theme == "UAV testing"


def test_two_editors_of_a_funding_amount_the_stale_save_is_refused(bureau_pair):
    record = factories.FundingRecordFactory(amount=Decimal("111.00"))
    url = f"/funding/{record.pk}/edit/"
    anna, bert = _browser(bureau_pair[0]), _browser(bureau_pair[1])
    anna_form, bert_form = _form_data(anna.get(url)), _form_data(bert.get(url))
    assert anna.post(url, {**anna_form, "amount": "222.00"}).status_code == 302
    response = bert.post(url, {**bert_form, "amount": "224738.00"})
    assert response.status_code == 409
    assert "Saved meanwhile by someone else: 222" in response.content.decode()
    assert FundingRecord.objects.get(pk=record.pk).amount == Decimal("222.00")


@pytest.fixture
def bureau_token_client(bureau_pair):
    _token, key = api_token_create(user=bureau_pair[0])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_api_token_write_without_if_match_is_428_and_changes_nothing(bureau_token_client):
    fieldlab = factories.FieldlabFactory(city="Delft")
    url = f"/api/v1/fieldlabs/{fieldlab.slug}/"
    for method in ("patch", "put", "delete"):
        response = getattr(bureau_token_client, method)(url, {"city": "Leiden"}, format="json")
        assert response.status_code == 428, method
        assert response.json()["code"] == "precondition_required"
    assert Fieldlab.objects.get(pk=fieldlab.pk).city == "Delft"


def test_api_etag_follows_the_version_and_a_stale_if_match_is_412(bureau_token_client):
    fieldlab = factories.FieldlabFactory(city="Delft")
    url = f"/api/v1/fieldlabs/{fieldlab.slug}/"
    etag = bureau_token_client.get(url)["ETag"]
    fresh = bureau_token_client.patch(url, {"city": "Rotterdam"}, format="json", HTTP_IF_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag
    assert fresh["ETag"] == bureau_token_client.get(url)["ETag"]
    stale = bureau_token_client.patch(url, {"city": "Leiden"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    stored = Fieldlab.objects.get(pk=fieldlab.pk)
    assert (stored.city, stored.version) == ("Rotterdam", 1)


def test_api_workflow_action_needs_if_match_too(bureau_token_client):
    record = factories.FundingRecordFactory(status="submitted")
    url = f"/api/v1/funding-records/{record.pk}/approve/"
    assert bureau_token_client.post(url, {}, format="json").status_code == 428
    etag = bureau_token_client.get(f"/api/v1/funding-records/{record.pk}/")["ETag"]
    assert bureau_token_client.post(url, {}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    assert FundingRecord.objects.get(pk=record.pk).status == "approved"


def test_api_session_write_may_omit_if_match(bureau_pair):
    fieldlab = factories.FieldlabFactory(city="Delft")
    client = APIClient()
    client.force_login(bureau_pair[0])
    response = client.patch(f"/api/v1/fieldlabs/{fieldlab.slug}/", {"city": "Leiden"}, format="json")
    assert response.status_code == 200
    assert Fieldlab.objects.get(pk=fieldlab.pk).city == "Leiden"
