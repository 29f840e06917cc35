"""Dutch by default for this audience, English on request; euro amounts and dates follow the language."""

from django.test import override_settings

from .conftest import text

NBSP = "\u00a0"


@override_settings(LANGUAGE_CODE="nl")  # the portal's setting (settings/base.py); the test settings use English
def test_dutch_is_the_default(client, network):
    page = client.get("/accounts/login/")
    assert '<html lang="nl">' in page.content.decode()
    assert "Aanmelden" in page.content.decode()
    client.force_login(network["bureau"])
    dashboard = client.get("/")
    assert text(dashboard, "by-source-title") == "Per bron"
    assert text(dashboard, "total") == f"€{NBSP}450.000"


@override_settings(LANGUAGE_CODE="nl")
def test_language_switch_to_english_and_back(client, network):
    client.force_login(network["bureau"])
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/fieldlabs/"})
    assert response.status_code == 302 and response.url == "/fieldlabs/"
    page = client.get("/fieldlabs/")
    assert '<html lang="en">' in page.content.decode() and "Export this view:" in page.content.decode()
    assert f"€{NBSP}355,000.00" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    page = client.get("/fieldlabs/")
    assert "Deze weergave exporteren:" in page.content.decode()
    assert f"€{NBSP}355.000,00" in page.content.decode()


def test_dates_in_the_history_follow_the_language(bureau_client, network):
    record = network["records"]["rosf_2017_regional"]
    created = record.history.first().history_date
    from django.utils import timezone

    local = timezone.localtime(created)
    dutch_date = f"{local.day}-{local.month}-{local.year} {local:%H:%M}"  # Dutch: day-month-year, e.g. 5-3-2026 09:30
    dutch = bureau_client.get(f"/funding/{record.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert dutch_date in dutch
    english = bureau_client.get(f"/funding/{record.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert dutch_date not in english


def test_dutch_status_labels_in_the_reporting_panel(bureau_client):
    page = bureau_client.get("/reports/", HTTP_ACCEPT_LANGUAGE="nl")
    assert "Goedgekeurd" in text(page, "reporting-status") and "Concept" in text(page, "reporting-status")
