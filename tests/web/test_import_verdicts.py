"""One verdict per row: the import, the API and the portal form accept and refuse a funding record alike.

The import checks each row with the API's serializer and writes through the same services, so the same row gets
the same errors, under the same keys, with the same text, whichever way it comes in.
"""

import json
from decimal import Decimal

import pytest
from django.utils import translation

from funding.importers import COLUMNS, funding_records_import
from funding.models import FundingRecord
from tests import factories

from .conftest import rows
from .test_import import upload


def api_post(client, record: dict, **headers):
    return client.post("/api/v1/funding-records/", json.dumps(record), content_type="application/json", **headers)


def import_row(record: dict, *, actor) -> dict:
    """The row's errors by key as the import reports them (a preview: nothing is saved)."""
    row = {key: str(record.get(key, "")) for key in COLUMNS}
    result = funding_records_import(rows=[row], actor=actor, dry_run=True)
    return result.errors[0]["fields"] if result.errors else {}


GOOD = {
    "year": 2019,
    "recipient_kind": "fieldlab",
    "recipient": "rosf",
    "source": "eu",
    "amount": "1000.00",
    "kind": "cash",
    "realisation": "realised",
    "provenance": "illustrative",
}

BAD_ROWS = {
    "fields": {**GOOD, "year": 1850, "source": "moon", "amount": "-1", "funder": "nobody", "kind": "gift"},
    "recipient": {**GOOD, "recipient": "no-such-lab"},
    "recipient kind": {**GOOD, "recipient_kind": "lab"},
    "decimals": {**GOOD, "amount": "12.345"},  # three decimals in English: refused, not read as thousands
    "duplicate": {**GOOD, "year": 2017, "source": "regional", "funder": "provincie-groningen"},  # the database rule
    "closed period": {**GOOD, "year": 2016},
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_a_bad_row_gets_the_same_errors_from_the_import_and_the_api(bureau_client, network, case):
    factories.ReportingPeriodFactory(hub=network["noord"], year=2016, status="closed")
    record = BAD_ROWS[case]
    before = FundingRecord.objects.count()

    response = api_post(bureau_client, record)
    assert response.status_code == 400, response.content
    api_errors = response.json()["errors"]
    assert api_errors, "the API names the bad fields"
    assert import_row(record, actor=network["bureau"]) == api_errors
    assert FundingRecord.objects.count() == before


def test_the_import_page_shows_the_api_error_text(bureau_client, network):
    record = BAD_ROWS["fields"]
    api_errors = api_post(bureau_client, record).json()["errors"]
    assert set(api_errors) == {"year", "source", "amount", "funder", "kind"}
    content = ",".join(COLUMNS) + "\n" + ",".join(str(record.get(key, "")) for key in COLUMNS) + "\n"
    page = upload(bureau_client, content, name="rows.csv")
    [[row_number, shown]] = rows(page, "import-errors")[1:]
    assert row_number == "2"
    for key, messages in api_errors.items():
        assert f"{key}: {' '.join(messages)}" in shown


def test_the_portal_form_refuses_the_same_amount_with_the_same_text(bureau_client, network):
    api_errors = api_post(bureau_client, {**GOOD, "amount": "-1"}).json()["errors"]
    form_data = {"fieldlab": network["rosf"].pk, "year": 2019, "source": "eu", "amount": "-1", "kind": "cash"}
    form_data |= {"realisation": "realised", "provenance": "illustrative"}
    response = bureau_client.post("/funding/new/", form_data)
    assert response.status_code == 400
    assert response.context["form"].errors["amount"] == api_errors["amount"] == ["An amount cannot be negative."]


def test_a_good_row_is_accepted_on_every_path_with_the_same_amount(bureau_client, network):
    """Dutch amounts as people type them are read alike by the API (in Dutch), the import and the form."""
    dutch = {"HTTP_ACCEPT_LANGUAGE": "nl"}
    response = api_post(bureau_client, {**GOOD, "amount": "12.500,50"}, **dutch)
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "12500.50"

    row = {key: str({**GOOD, "year": 2018, "amount": "12.500,50"}.get(key, "")) for key in COLUMNS}
    with translation.override("nl"):  # the upload page's language
        result = funding_records_import(rows=[row], actor=network["bureau"], dry_run=False)
    assert result.ok and result.created == 1
    assert FundingRecord.objects.get(fieldlab=network["rosf"], year=2018, source="eu").amount == Decimal("12500.50")


def test_a_json_number_is_taken_as_it_is_never_as_thousands(bureau_client, network):
    response = api_post(bureau_client, {**GOOD, "amount": 0.125}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400  # the Dutch reading of the text "0.125" would be € 125
    assert response.json()["errors"] == {"amount": ["Gebruik hoogstens twee decimalen (hele centen)."]}
    response = api_post(bureau_client, {**GOOD, "amount": 1250.5}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 201 and response.json()["amount"] == "1250.50"


def test_an_xlsx_number_is_taken_as_it_is(network):
    """A spreadsheet's numeric cell (here 1.125) is not re-read as Dutch text ("1.125" = 1125)."""
    row = {key: str(GOOD.get(key, "")) for key in COLUMNS} | {"amount": 1.125}
    with translation.override("nl"):
        result = funding_records_import(rows=[row], actor=network["bureau"], dry_run=True)
        assert result.errors[0]["fields"] == {"amount": ["Gebruik hoogstens twee decimalen (hele centen)."]}
    row["amount"] = 1.25
    result = funding_records_import(rows=[row], actor=network["bureau"], dry_run=True)
    assert result.ok and result.created == 1
