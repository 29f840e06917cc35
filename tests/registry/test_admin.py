"""The bureau works in the admin: every model listed, searchable, with history; the reference counts visible."""

from decimal import Decimal

import pytest
from django.contrib import admin

from registry.models import Fieldlab, Hub
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


@pytest.fixture
def bureau_client(client):
    factories.BureauUserFactory(username="staffer")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "staffer", "password": "correct-horse-battery", "next": "/admin/"}
    )
    assert response.status_code == 302 and response.url == "/admin/"
    return client


def test_bureau_signs_in_and_sees_5_hubs_and_47_fieldlabs(bureau_client):
    hubs = bureau_client.get("/admin/registry/hub/").content.decode()
    fieldlabs = bureau_client.get("/admin/registry/fieldlab/").content.decode()
    assert "5 hubs" in hubs
    for name in ("SMITZH (Zuid-Holland)", "BOOST (Oost-Nederland)", "Smart Industry Hub Noord"):
        assert name in hubs
    assert "47 fieldlabs" in fieldlabs
    assert "RAMLAB" in fieldlabs


def test_every_model_has_an_admin_list_that_renders(bureau_client):
    from django.apps import apps

    ours = [m for m in apps.get_models() if m._meta.app_label in ("registry", "funding", "evaluation", "accounts")]
    missing = [m.__name__ for m in ours if m not in admin.site._registry and not m.__name__.startswith("Historical")]
    assert missing == []
    for model in ours:
        if model in admin.site._registry and model._meta.app_label != "accounts":
            url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
            assert bureau_client.get(url).status_code == 200, url


def test_fieldlab_page_shows_its_funding_inline_and_history(bureau_client):
    fieldlab = Fieldlab.objects.get(slug="smart-bending-factory")
    page = bureau_client.get(f"/admin/registry/fieldlab/{fieldlab.pk}/change/").content.decode()
    assert "funding_records-TOTAL_FORMS" in page
    assert "2000000.00" in page  # the published ERDF record, shown …
    assert 'name="funding_records-0-amount"' not in page  # … but not editable here: it changes through the workflow
    history = bureau_client.get(f"/admin/registry/fieldlab/{fieldlab.pk}/history/").content.decode()
    assert "reference data" in history


def test_hub_page_shows_its_own_funding_inline(bureau_client):
    """Funding adds its inline to the registry's hub admin (the registry does not import funding)."""
    hub = Hub.objects.get(slug="noord")
    record = factories.FundingRecordFactory(fieldlab=None, hub=hub, year=2019, amount=Decimal("4321.00"))
    page = bureau_client.get(f"/admin/registry/hub/{hub.pk}/change/").content.decode()
    assert "funding_records-TOTAL_FORMS" in page
    assert "4321.00" in page and f"/admin/funding/fundingrecord/{record.pk}/change/" in page
    assert 'name="funding_records-0-amount"' not in page


def test_admin_search_and_filters(bureau_client):
    page = bureau_client.get("/admin/registry/fieldlab/?q=Delft").content.decode()
    assert "SAM|XL" in page and "RAMLAB" not in page
    page = bureau_client.get("/admin/registry/fieldlab/?provenance__exact=illustrative").content.decode()
    assert "26 fieldlabs" in page


def test_coordinator_and_analyst_cannot_use_the_admin(client):
    for user in (factories.CoordinatorFactory(), factories.UserFactory()):
        client.force_login(user)
        response = client.get("/admin/registry/fieldlab/")
        assert response.status_code == 302 and "/admin/login/" in response.url
