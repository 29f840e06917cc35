"""Sign-in, sign-out, password change, and a navigation per role; every page but login and /healthz needs a user."""

import pytest

from funding.models import FundingRecord

PAGES = [
    "/",
    "/hubs/",
    "/hubs/noord/",
    "/fieldlabs/",
    "/fieldlabs/rosf/",
    "/partners/",
    "/companies/",
    "/funders/",
    "/funding/",
    "/reports/",
    "/evaluation/",
    "/funding/import/",
    "/accounts/password_change/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_sends_anonymous_visitors_to_the_login(client, network, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_login_and_healthz_are_open(client, db):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_sign_in_with_the_form_fields_of_the_contract_then_sign_out(client, network):
    response = client.post("/accounts/login/", {"username": "coord-noord", "password": "correct-horse-battery"})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").context["user"].username == "coord-noord"
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, network):
    response = client.post("/accounts/login/", {"username": "coord-noord", "password": "wrong"})
    assert response.status_code == 200
    assert "didn't match" in response.content.decode()


def test_password_change(client, network):
    client.force_login(network["analyst"])
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "correct-horse-battery",
            "new_password1": "a-new-Pass-phrase-9",
            "new_password2": "a-new-Pass-phrase-9",
        },
    )
    assert response.status_code == 302
    network["analyst"].refresh_from_db()
    assert network["analyst"].check_password("a-new-Pass-phrase-9")


def test_navigation_shows_each_role_what_it_may_use(bureau_client, noord_client, analyst_client):
    bureau = bureau_client.get("/").content.decode()
    coordinator = noord_client.get("/").content.decode()
    analyst = analyst_client.get("/").content.decode()
    assert 'href="/reports/noord/"' in coordinator
    assert 'href="/reports/"' in bureau and "Reporting" in bureau
    # Every role may read the API (the policy's use_api); only the bureau gets the admin.
    assert 'href="/api/v1/docs/"' in analyst and 'href="/api/v1/docs/"' in coordinator
    assert 'href="/admin/"' in bureau and 'href="/admin/"' not in coordinator and 'href="/admin/"' not in analyst
    # Only the bureau gets "New" buttons on the registry lists.
    assert 'href="/fieldlabs/new/"' in bureau_client.get("/fieldlabs/").content.decode()
    assert 'href="/fieldlabs/new/"' not in noord_client.get("/fieldlabs/").content.decode()
    assert 'href="/fieldlabs/new/"' not in analyst_client.get("/fieldlabs/").content.decode()


def test_hub_viewer_reads_its_hub_with_drafts_and_writes_nothing(viewer_client, noord_client, network):
    """The role added to prove the policy: one hub, everything read (drafts included), nothing written."""
    rosf = network["rosf"]
    noord_client.post(f"/reports/noord/2019/cells/{rosf.slug}/regional/", {f"cell-{rosf.pk}-regional": "321"})
    draft = FundingRecord.objects.get(fieldlab=rosf, year=2019, source="regional")
    # Reads: its hub's report with the coordinator's draft in it, the draft's own page, the lists.
    report = viewer_client.get("/reports/noord/2019/")
    assert report.status_code == 200
    assert f'id="cell-{rosf.pk}-regional"' in report.content.decode()
    assert "321" in report.content.decode() and f'name="cell-{rosf.pk}-regional"' not in report.content.decode()
    assert viewer_client.get(f"/funding/{draft.pk}/").status_code == 200
    assert f"/funding/{draft.pk}/" in viewer_client.get("/funding/?status=draft").content.decode()
    # Not another hub's drafts or report.
    other = network["records"]["campione_2019_draft"]
    assert viewer_client.get(f"/funding/{other.pk}/").status_code == 403
    assert viewer_client.get("/reports/zuid/2019/").status_code == 403
    # Writes nothing: cells, submit, edits, new records, imports, reviews, periods.
    refused = [
        (f"/reports/noord/2019/cells/{rosf.slug}/regional/", {f"cell-{rosf.pk}-regional": "999"}),
        ("/reports/noord/2019/submit/", {}),
        (f"/funding/{draft.pk}/edit/", {"amount": "1"}),
        (f"/funding/{draft.pk}/delete/", {}),
        (f"/funding/{draft.pk}/submit/", {}),
        ("/funding/new/", {}),
        ("/reports/noord/2019/review/", {"decision": "approve-all"}),
        ("/reports/noord/2019/close/", {}),
        (f"/fieldlabs/{rosf.slug}/edit/", {}),
    ]
    for url, data in refused:
        assert viewer_client.post(url, data).status_code == 403, url
    assert viewer_client.get("/funding/import/").status_code == 403
    draft.refresh_from_db()
    assert draft.amount == 321 and draft.status == "draft"
    # The navigation offers the hub's report, nothing to enter.
    nav = viewer_client.get("/").content.decode()
    assert 'href="/reports/noord/"' in nav and 'href="/admin/"' not in nav
