"""The delete confirmation lists, before anything is deleted, what goes with the record and what stops it."""

from decimal import Decimal

from django.urls import reverse

from registry.models import Company, Hub, Participation
from tests import factories

from .conftest import text


def test_the_confirmation_lists_the_records_deleted_with_it(bureau_client, network):
    company = network["companies"][0]  # two participations, CASCADE
    url = reverse("registry:company_delete", args=[company.pk])
    response = bureau_client.get(url)
    assert response.status_code == 200
    dependents = text(response, "dependents")
    assert "Participations (2)" in dependents
    for participation in company.participations.all():
        assert str(participation) in dependents
    assert "Yes, delete" in response.content.decode()
    assert Participation.objects.filter(company=company).count() == 2  # a GET deletes nothing

    assert bureau_client.post(url).status_code == 302
    assert not Company.objects.filter(pk=company.pk).exists()
    assert not Participation.objects.filter(company_id=company.pk).exists()


def test_a_protected_record_says_plainly_it_cannot_be_deleted_and_by_what(bureau_client, network):
    response = bureau_client.get("/hubs/zuid/delete/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Yes, delete" not in html  # no button for a delete that would be refused
    refused = text(response, "delete-refused")
    assert "cannot be deleted" in refused
    protecting = text(response, "protecting")
    assert "Fieldlab (1)" in protecting and "Campione" in protecting
    # The POST is still refused by the service, and nothing changes.
    assert bureau_client.post("/hubs/zuid/delete/").status_code == 409
    assert Hub.objects.filter(slug="zuid").exists()


def test_many_dependents_are_counted_past_the_first_ten(bureau_client, network):
    for n in range(12):
        factories.FieldlabFactory(name=f"Extra {n:02d}", hub=network["zuid"])
    response = bureau_client.get("/hubs/zuid/delete/")
    protecting = text(response, "protecting")
    assert "Fieldlabs (13)" in protecting
    assert "and 3 more" in protecting


def test_a_record_with_no_dependents_says_so(bureau_client, network):
    factories.FieldlabFactory(slug="lonely", hub=network["zuid"])
    response = bureau_client.get("/fieldlabs/lonely/delete/")
    assert "No other record depends on it" in text(response, "dependents-none")


def test_a_funding_record_in_a_closed_period_says_why_before_the_post(bureau_client, network):
    record = factories.FundingRecordFactory(
        fieldlab=network["campione"], year=2016, source="regional", amount=Decimal("10.00")
    )
    factories.ReportingPeriodFactory(hub=network["zuid"], year=2016, status="closed")
    response = bureau_client.get(f"/funding/{record.pk}/delete/")
    refused = text(response, "delete-refused")
    assert "cannot be deleted" in refused and "2016" in refused
    assert "Yes, delete" not in response.content.decode()


def test_the_dutch_confirmation(bureau_client, network):
    response = bureau_client.get("/hubs/zuid/delete/", HTTP_ACCEPT_LANGUAGE="nl")
    assert "kan niet worden verwijderd" in text(response, "delete-refused")
