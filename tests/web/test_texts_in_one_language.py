"""History reasons, flash messages and counts in the page's language: field labels translated, amounts formatted
as the page formats them, singular and plural right ("1 meting", not "1 metingen")."""

from decimal import Decimal

import pytest
from django.utils import translation

from core.reasons import reason_label
from core.services import record_update
from funding.models import FundingRecord
from registry.models import Fieldlab
from reporting.views import lines_and_measurements
from tests import factories

from .conftest import text

NBSP = "\u00a0"


def test_a_change_reason_names_the_fields_in_the_pages_language(bureau_client, network):
    record_update(instance=network["rosf"], actor=network["bureau"], data={"city": "Heerenveen", "start_year": 2015})
    dutch = text(bureau_client.get("/fieldlabs/rosf/", HTTP_ACCEPT_LANGUAGE="nl"), "history")
    assert "Gewijzigd (plaats, startjaar)" in dutch
    assert "changed:" not in dutch and "start_year" not in dutch
    english = text(bureau_client.get("/fieldlabs/rosf/", HTTP_ACCEPT_LANGUAGE="en"), "history")
    assert "Changed (city, start year)" in english
    # The changed fields' labels start with a capital, in both languages ("Plaats: Drachten → Heerenveen").
    assert "Plaats: Drachten → Heerenveen" in dutch and "City: Drachten → Heerenveen" in english


@pytest.mark.parametrize(
    "stored, dutch, english",
    [
        ("returned", "teruggestuurd", "returned"),
        ("changed: amount; back to review", "bedrag (EUR); terug naar beoordeling", "amount (EUR); back to review"),
        ("reference data", "referentiegegevens", "reference data"),
        ("role set to coordinator", "rol gewijzigd in Hubcoördinator", "role set to Hub coordinator"),
        ("something new", "something new", "something new"),  # unknown: shown as stored
    ],
)
def test_stored_reasons_are_translated_when_shown(stored, dutch, english):
    with translation.override("nl"):
        assert reason_label(stored, FundingRecord) == dutch
    with translation.override("en"):
        assert reason_label(stored, FundingRecord) == english


def test_a_flash_message_shows_the_amount_as_the_page_does(bureau_client, network):
    record = factories.FundingRecordFactory(
        fieldlab=network["campione"], year=2019, source="national", amount=Decimal("12500.00"), status="draft"
    )
    page = bureau_client.post(f"/funding/{record.pk}/delete/", follow=True, HTTP_ACCEPT_LANGUAGE="nl")
    message = page.content.decode()
    assert f"€{NBSP}12.500,00" in message and "12500.00" not in message
    assert not FundingRecord.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize(
    "records, measurements, dutch, english",
    [
        (1, 1, "1 regel en 1 meting", "1 line and 1 measurement"),
        (2, 1, "2 regels en 1 meting", "2 lines and 1 measurement"),
        (0, 3, "0 regels en 3 metingen", "0 lines and 3 measurements"),
        (1250, 0, "1.250 regels en 0 metingen", "1,250 lines and 0 measurements"),
    ],
)
def test_counts_in_flash_messages_agree_in_number(records, measurements, dutch, english):
    with translation.override("nl"):
        assert lines_and_measurements(records, measurements) == dutch
    with translation.override("en"):
        assert lines_and_measurements(records, measurements) == english


def test_the_fieldlab_edit_form_labels_start_with_a_capital(bureau_client, network):
    html = bureau_client.get("/fieldlabs/rosf/edit/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert ">Website:</label>" in html or ">Website</label>" in html
    assert Fieldlab.objects.filter(slug="rosf").exists()
