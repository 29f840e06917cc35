"""Friendlier forms: slugs made from the name, required fields marked, the errors summarised and focused."""

import re

from registry.models import Fieldlab, Partner

from .conftest import text


def test_required_fields_are_marked_for_eyes_and_screen_readers(bureau_client, network):
    html = bureau_client.get("/partners/new/").content.decode()
    assert re.search(
        r'<label[^>]*class="required"[^>]*for="id_name"|<label[^>]*for="id_name"[^>]*class="required"', html
    )
    assert re.search(r'<input[^>]*name="name"[^>]*aria-required="true"', html)
    # The slug may be left empty (it is made from the name), so it is not marked.
    assert not re.search(r'<input[^>]*name="slug"[^>]*aria-required', html)
    assert 'data-slug-from="id_name"' in html
    assert "marks a required field" in html


def test_a_blank_slug_is_made_from_the_name(bureau_client, network):
    response = bureau_client.post(
        "/partners/new/",
        {
            "name": "Brainport Industries Campus",
            "short_name": "BIC",
            "slug": "",
            "kind": "other",
            "joined_year": 2016,
            "provenance": "illustrative",
        },
    )
    assert response.status_code == 302, text(response, "main")
    assert Partner.objects.get(name="Brainport Industries Campus").slug == "brainport-industries-campus"


def test_errors_are_summarised_at_the_top_and_the_first_is_focused(bureau_client, network):
    data = {"name": "", "slug": "", "hub": network["zuid"].pk, "start_year": "twenty", "provenance": "illustrative"}
    response = bureau_client.post("/fieldlabs/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    summary = text(response, "error-summary")
    assert "nothing was saved" in summary
    # Each error links to its field, in the form's order: the name first.
    links = re.findall(r'<a href="#(id_\w+)">', html.split('id="error-summary"')[1].split("</div>")[0])
    assert links[0] == "id_name" and "id_start_year" in links
    # Without JavaScript the browser still lands on the first field in error.
    assert re.search(r'<input[^>]*name="name"[^>]*autofocus', html)
    assert len(re.findall(r"\sautofocus", html)) == 1
    assert re.search(r'<input[^>]*name="start_year"[^>]*aria-invalid="true"', html)
    assert not Fieldlab.objects.filter(hub=network["zuid"], start_year=None).exists()


def test_a_form_without_errors_has_no_summary_and_no_autofocus(bureau_client, network):
    html = bureau_client.get("/fieldlabs/campione/edit/").content.decode()
    assert 'id="error-summary"' not in html and "autofocus" not in html
