"""Detail pages (related records, funding by source and year, provenance, history) and the bureau's editing."""

from decimal import Decimal

import pytest

from core.services import record_update
from funding.services import funding_record_update
from registry.models import Fieldlab, Hub
from tests import factories

from .conftest import rows, text

NBSP = "\u00a0"


def test_fieldlab_page_shows_funding_matrix_records_and_companies(bureau_client, network):
    response = bureau_client.get("/fieldlabs/rosf/")
    matrix = rows(response, "matrix")
    assert matrix[0] == ["Source", "2017", "2018", "2020", "Total"]
    by_source = {row[0]: row[1:] for row in matrix[1:]}
    assert by_source["Regions"] == [f"€{NBSP}100,000", f"€{NBSP}0", f"€{NBSP}5,000", f"€{NBSP}105,000"]
    assert by_source["Companies"] == [f"€{NBSP}0", f"€{NBSP}250,000", f"€{NBSP}0", f"€{NBSP}250,000"]
    assert by_source["Total"] == [f"€{NBSP}100,000", f"€{NBSP}250,000", f"€{NBSP}5,000", f"€{NBSP}355,000"]
    records = rows(response, "fieldlab-records")
    assert [(r[1], r[2], r[4]) for r in records[1:]] == [
        ("2017", "Regions", f"€{NBSP}100,000.00"),
        ("2018", "Companies", f"€{NBSP}250,000.00"),
        ("2020", "Regions", f"€{NBSP}5,000.00"),
    ]
    assert text(response, "company-count") == "1"
    assert "badge-illustrative" in response.content.decode()


def test_provenance_badge_says_published_with_its_source(bureau_client, network):
    record_update(
        instance=network["rosf"],
        actor=network["bureau"],
        data={"provenance": "published", "provenance_source": "Kamerstuk 29826-62"},
    )
    html = bureau_client.get("/fieldlabs/rosf/").content.decode()
    assert '<span class="badge badge-published" title="Kamerstuk 29826-62">Published</span>' in html


def test_history_shows_who_when_and_what_changed(bureau_client, network):
    record_update(instance=network["rosf"], actor=network["bureau"], data={"city": "Hoogeveen"})
    history = rows(bureau_client.get("/fieldlabs/rosf/"), "history")
    newest = history[1]
    assert newest[1] == "bureau-anna"
    assert newest[2] == "Changed (city)"  # the stored reason "changed: city", named by the field's label
    assert newest[3] == "City: Drachten → Hoogeveen"
    assert history[-1][2].startswith("Created")


def test_funding_record_history_names_foreign_keys_and_choices(bureau_client, network):
    record = network["records"]["campione_2019_draft"]
    efro = factories.FunderFactory(name="EFRO", slug="efro", source="eu")  # the funder fits the new source
    funding_record_update(record=record, actor=network["bureau"], data={"source": "eu", "funder": efro})
    history = rows(bureau_client.get(f"/funding/{record.pk}/"), "history")
    assert "Source: Regions → European Union" in history[1][3]
    assert "Funder: — → EFRO" in history[1][3]


def test_hub_page_lists_its_fieldlabs_with_their_funding(bureau_client):
    table = rows(bureau_client.get("/hubs/noord/"), "hub-fieldlabs")
    assert [(r[0], r[3]) for r in table[1:]] == [
        ("Region of Smart Factories", f"€{NBSP}355,000.00"),
        ("Technologies Added", f"€{NBSP}40,000.00"),
    ]


def test_bureau_creates_a_fieldlab(bureau_client, network):
    response = bureau_client.post(
        "/fieldlabs/new/",
        {
            "name": "SAM|XL",
            "slug": "sam-xl",
            "theme": "robotised large composite structures",
            "city": "Delft",
            "hub": network["zuid"].pk,
            "start_year": 2018,
            "status": "active",
            "provenance": "published",
            "provenance_source": "facts.md: SAM|XL, Delft, 2018",
        },
    )
    assert response.status_code == 302 and response.url == "/fieldlabs/sam-xl/"
    fieldlab = Fieldlab.objects.get(slug="sam-xl")
    assert fieldlab.history.first().history_user == network["bureau"]


def test_validation_errors_are_shown_next_to_the_field_and_nothing_changes(bureau_client, network):
    response = bureau_client.post(
        "/fieldlabs/rosf/edit/",
        {
            "name": "Region of Smart Factories",
            "slug": "rosf",
            "theme": "smart factories",
            "start_year": 2016,
            "end_year": 2012,
            "status": "active",
            "provenance": "published",
            "provenance_source": "",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "A fieldlab cannot end before it starts." in str(form.errors)
    assert "A published record must name its source." in str(form.errors)
    network["rosf"].refresh_from_db()
    assert network["rosf"].end_year is None and network["rosf"].provenance == "illustrative"


def test_bad_kvk_number_is_refused_on_the_field(bureau_client, network):
    company = network["companies"][0]
    response = bureau_client.post(
        f"/companies/{company.pk}/edit/", {"name": company.name, "kvk_number": "1234", "provenance": "illustrative"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["kvk_number"] == ["A KvK number has exactly 8 digits."]


def test_bureau_edit_records_the_change(bureau_client, network):
    data = {
        "name": "Campione",
        "slug": "campione",
        "theme": "predictive maintenance, process industry",
        "start_year": 2015,
        "status": "active",
        "hub": network["zuid"].pk,
        "provenance": "illustrative",
    }
    response = bureau_client.post("/fieldlabs/campione/edit/", data)
    assert response.status_code == 302
    network["campione"].refresh_from_db()
    assert network["campione"].theme == "predictive maintenance, process industry"
    assert network["campione"].history.first().history_change_reason.startswith("changed: ")


def test_delete_asks_for_confirmation_first(bureau_client, network):
    from tests import factories

    factories.FieldlabFactory(slug="lonely", hub=network["zuid"])
    response = bureau_client.get("/fieldlabs/lonely/delete/")
    assert response.status_code == 200 and "Yes, delete" in response.content.decode()
    assert Fieldlab.objects.filter(slug="lonely").exists()


def test_delete_of_a_referenced_record_is_refused_and_nothing_changes(bureau_client, network):
    response = bureau_client.post("/hubs/zuid/delete/")
    assert response.status_code == 409
    assert "cannot be deleted" in response.content.decode()
    assert Hub.objects.filter(slug="zuid").exists()


def test_delete_of_an_unreferenced_record(bureau_client, network):
    from tests import factories

    factories.FieldlabFactory(slug="lonely", hub=network["zuid"])
    response = bureau_client.post("/fieldlabs/lonely/delete/")
    assert response.status_code == 302 and response.url == "/fieldlabs/"
    assert not Fieldlab.objects.filter(slug="lonely").exists()


@pytest.mark.parametrize(
    "url", ["/fieldlabs/campione/edit/", "/fieldlabs/campione/delete/", "/fieldlabs/new/", "/hubs/zuid/edit/"]
)
def test_coordinators_and_analysts_get_403_on_registry_editing(noord_client, analyst_client, url):
    assert noord_client.get(url).status_code == 403
    assert noord_client.post(url, {"name": "x"}).status_code == 403
    assert analyst_client.get(url).status_code == 403


def test_coordinator_of_noord_gets_403_on_a_zuid_draft(noord_client, zuid_client, network):
    draft = network["records"]["campione_2019_draft"]
    assert noord_client.get(f"/funding/{draft.pk}/").status_code == 403
    assert noord_client.post(f"/funding/{draft.pk}/edit/", {"amount": "1"}).status_code == 403
    assert noord_client.post(f"/funding/{draft.pk}/submit/").status_code == 403
    assert zuid_client.get(f"/funding/{draft.pk}/").status_code == 200
    draft.refresh_from_db()
    assert draft.amount == Decimal("7777.00") and draft.status == "draft"
