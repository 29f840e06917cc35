"""The import a bureau member can use, in a real Chromium: a file in Dutch labels goes in, and a row with three errors
shows all three at once."""

import csv
import io

import pytest

from funding.importers import COLUMNS
from funding.models import FundingRecord

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows([row.get(column, "") for column in COLUMNS] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _upload(page, name: str, content: bytes) -> None:
    page.goto("/funding/import/")
    page.locator("input[type=file]").set_input_files({"name": name, "mimeType": "text/csv", "buffer": content})
    page.locator("form.card button[type=submit]").click()
    page.locator("#job[data-status=done]").wait_for()


def test_an_import_in_dutch_labels_is_checked_then_saved(new_page, network):
    page = new_page("nl-NL")
    sign_in(page, "bureau-anna")
    rows = [
        {
            "year": "2019",
            "recipient_kind": "Fieldlab",
            "recipient": "rosf",
            "source": "Europese Unie",
            "amount": "12.500,50",
            "kind": "Contant",
            "realisation": "gerealiseerd",
            "provenance": "Illustratief",
        },
        {
            "year": "2019",
            "recipient_kind": "fieldlab",
            "recipient": "technologies-added",
            "source": "Rijksoverheid",
            "amount": "4000",
            "kind": "in natura",
            "realisation": "Gepland",
            "provenance": "illustratief",
        },
    ]
    _upload(page, "dutch-labels.csv", _csv(rows))
    assert page.locator("#import-summary").inner_text() == "2 rijen: 2 nieuw, 0 gewijzigd."
    assert page.locator("#import-errors").count() == 0
    assert "Europese Unie" in page.locator("#import-preview").inner_text()  # the file's own words
    assert page.locator("#preview-position").inner_text() == "Rijen 1–2 van 2; pagina 1 van 1."
    screenshot(page, "import-dutch-labels-preview")

    page.locator("form[action$='/funding/import/confirm/'] button[type=submit]").click()
    page.locator("#job[data-status=done]").wait_for()
    assert "2 nieuwe" in page.locator("#import-result").inner_text()
    screenshot(page, "import-dutch-labels-done")
    saved = {
        (r.fieldlab.slug, r.source, r.kind, r.realisation, str(r.amount))
        for r in FundingRecord.objects.filter(year=2019, provenance="illustrative").select_related("fieldlab")
        if r.fieldlab and r.fieldlab.slug in ("rosf", "technologies-added")
    }
    assert saved == {
        ("rosf", "eu", "cash", "realised", "12500.50"),
        ("technologies-added", "national", "in_kind", "planned", "4000.00"),
    }


def test_a_row_with_three_errors_shows_all_three(new_page, network):
    page = new_page("en-GB")
    sign_in(page, "bureau-anna")
    good = {
        "year": "2019",
        "recipient_kind": "fieldlab",
        "recipient": "rosf",
        "source": "eu",
        "amount": "100",
        "kind": "cash",
        "realisation": "realised",
        "provenance": "illustrative",
    }
    bad = {**good, "year": "1850", "source": "moon", "recipient": "no-such-lab"}
    before = FundingRecord.objects.count()
    _upload(page, "three-errors.csv", _csv([good, bad]))
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 1
    row, messages = (errors.locator("td").nth(i).inner_text() for i in range(2))
    assert row == "3"
    assert "year: Ensure this value is greater than or equal to 2010." in messages
    assert 'source: "moon" is not a valid choice.' in messages
    assert "recipient: No fieldlab with slug no-such-lab." in messages
    # The same three beside the row in the full preview, and no way to import the file.
    preview_row = page.locator("#import-preview tbody tr.has-errors")
    assert preview_row.count() == 1 and "no-such-lab" in preview_row.inner_text()
    assert page.locator("form[action$='/funding/import/confirm/']").count() == 0
    screenshot(page, "import-three-errors-in-one-row")
    assert FundingRecord.objects.count() == before
