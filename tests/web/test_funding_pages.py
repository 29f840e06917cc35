"""Funding record pages: create and edit through the services, the review box, funders."""

from decimal import Decimal

from funding.models import Funder, FundingRecord

from .conftest import rows, text

NBSP = "\u00a0"


def record_data(fieldlab, **overrides):
    data = {
        "fieldlab": fieldlab.pk,
        "year": 2019,
        "source": "knowledge",
        "amount": "4321.10",
        "kind": "in_kind",
        "realisation": "realised",
        "provenance": "illustrative",
    }
    data.update(overrides)
    return data


def test_coordinator_creates_a_draft_for_their_own_fieldlab(noord_client, network):
    response = noord_client.post("/funding/new/", record_data(network["rosf"]))
    assert response.status_code == 302
    record = FundingRecord.objects.get(fieldlab=network["rosf"], year=2019, source="knowledge")
    assert record.status == "draft" and record.amount == Decimal("4321.10")
    page = noord_client.get(response.url)
    assert text(page, "record-amount") == f"€{NBSP}4,321.10"
    assert "Submit for approval" in page.content.decode()


def test_coordinator_cannot_pick_another_hubs_fieldlab(noord_client, network):
    response = noord_client.post("/funding/new/", record_data(network["campione"]))
    assert response.status_code == 400
    assert "fieldlab" in response.context["form"].errors
    assert not FundingRecord.objects.filter(year=2019, source="knowledge").exists()


def test_two_recipients_are_refused_with_the_database_rule(bureau_client, network):
    response = bureau_client.post("/funding/new/", record_data(network["rosf"], hub=network["noord"].pk))
    assert response.status_code == 400
    assert "exactly one recipient" in str(response.context["form"].errors)


def test_dutch_amount_in_the_form(bureau_client, network):
    response = bureau_client.post(
        "/funding/new/", record_data(network["rosf"], amount="1.234,56"), HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 302
    assert FundingRecord.objects.get(year=2019, source="knowledge").amount == Decimal("1234.56")


def test_bureau_sees_the_review_box_on_a_submitted_record(bureau_client, noord_client, network):
    noord_client.post("/funding/new/", record_data(network["rosf"]))
    record = FundingRecord.objects.get(year=2019, source="knowledge")
    noord_client.post(f"/funding/{record.pk}/submit/")
    page = bureau_client.get(f"/funding/{record.pk}/")
    assert text(page, "review-title") == "Review"
    # A submitted record is no longer the coordinator's to change.
    assert noord_client.post(f"/funding/{record.pk}/edit/", record_data(network["rosf"])).status_code == 403


def test_funder_pages(bureau_client, network):
    page = bureau_client.get("/funders/provincie-groningen/")
    by_source = {row[0]: row[1:] for row in rows(page, "matrix")[1:]}
    assert by_source["Regions"] == [f"€{NBSP}100,000", f"€{NBSP}100,000"]
    response = bureau_client.post(
        "/funders/new/",
        {"name": "EFRO Noord", "slug": "efro-noord", "source": "eu", "kind": "eu_fund", "provenance": "illustrative"},
    )
    assert response.status_code == 302
    assert Funder.objects.get(slug="efro-noord").get_source_display() == "European Union"
    # The province funder is referenced by a funding record: deleting it is refused.
    assert bureau_client.post("/funders/provincie-groningen/delete/").status_code == 409
