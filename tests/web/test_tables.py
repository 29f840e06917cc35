"""One table per list, one list of a funding record's fields: the page, the file, the import and the API agree."""

import csv
import io

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from openpyxl import load_workbook

from core.tables import Column, Table
from funding import services
from funding.fields import EDITABLE_FIELDS, RECORD_KEYS, recipient_lookup
from funding.forms import FundingRecordForm
from funding.importers import COLUMNS, required_columns
from funding.serializers import FundingRecordSerializer
from funding.tables import FundingRecordTable

from .conftest import rows


def test_a_column_named_twice_is_refused():
    with pytest.raises(ImproperlyConfigured, match="not unique"):

        class Twice(Table):
            columns = (Column("slug"), Column("name", "Name"), Column("slug"))


def test_an_importable_table_exports_exactly_its_import_columns():
    with pytest.raises(ImproperlyConfigured, match="exports exactly its import columns"):

        class Drifted(Table):
            import_keys = ("id", "year", "amount")
            columns = (Column("id"), Column("amount"), Column("year"))  # the same columns, another order

    class Matching(Table):
        import_keys = ("id", "amount")
        columns = (Column("id", "#"), Column("amount"))

    assert Matching.import_headers() == ["id", "amount"]
    with pytest.raises(ImproperlyConfigured, match="not importable"):
        Table.import_headers()


def test_an_unknown_kind_is_refused():
    with pytest.raises(ImproperlyConfigured, match="kind"):
        Column("amount", "Amount", kind="currency")


def test_the_list_page_and_its_file_come_from_the_one_table(bureau_client):
    """The page shows the labelled columns in table order; the file holds every column, by its machine key."""
    page = rows(bureau_client.get("/funding/?hub=noord"), "list")
    assert page[0] == [str(c.label) for c in FundingRecordTable.page_columns()]
    assert page[0] == [
        "#",
        "Year",
        "Recipient",
        "Source",
        "Funder",
        "Amount",
        "Cash or in kind",
        "Status",
        "Provenance",
    ]
    body = b"".join(bureau_client.get("/funding/?hub=noord&format=csv").streaming_content)
    exported = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert exported[0] == list(RECORD_KEYS)
    # Row by row: the page shows the label and the name, the file the code and the slug.
    assert page[1][:5] == [exported[1][0], "2017", "Region of Smart Factories", "Regions", "Provincie Groningen"]
    assert exported[1][1:6] == ["2017", "fieldlab", "rosf", "regional", "provincie-groningen"]


@pytest.mark.django_db
def test_a_funding_records_fields_are_listed_once():
    """The export, the import, the API, the form and the service all take the fields of funding/fields.py."""
    assert FundingRecordTable.export_keys() == list(RECORD_KEYS) == COLUMNS
    assert FundingRecordTable.import_headers() == COLUMNS
    serializer_fields = list(FundingRecordSerializer.Meta.fields)
    assert serializer_fields[: len(RECORD_KEYS)] == list(RECORD_KEYS)
    assert required_columns() == ["year", "recipient_kind", "recipient", "source", "amount"]
    assert set(services.EDITABLE_FIELDS) == set(EDITABLE_FIELDS)
    assert set(FundingRecordForm().fields) == set(EDITABLE_FIELDS)
    assert list(FundingRecordForm().fields)[:3] == ["fieldlab", "hub", "bureau"]  # the recipient first in the form


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_import_template_is_the_funding_lists_columns(bureau_client, fmt):
    response = bureau_client.get(f"/funding/import/?template={fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="funding-records-template.{fmt}"'
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    else:
        lines = [list(row) for row in load_workbook(io.BytesIO(body)).active.values]
    assert lines == [list(RECORD_KEYS)]  # the headers, no rows


def test_the_import_page_offers_the_template_and_names_the_columns(bureau_client):
    html = bureau_client.get("/funding/import/").content.decode()
    assert ", ".join(RECORD_KEYS) in html
    assert 'href="?template=csv"' in html and 'href="?template=xlsx"' in html


def test_recipient_lookup_names_the_wrong_field(network):
    assert recipient_lookup(kind="fieldlab", slug="rosf") == network["rosf"]
    assert recipient_lookup(kind="hub", slug="noord") == network["noord"]
    with pytest.raises(ValidationError) as unknown:
        recipient_lookup(kind="fieldlab", slug="noord")  # a hub's slug is not a fieldlab
    assert unknown.value.message_dict == {"recipient": ["No fieldlab with slug noord."]}
    with pytest.raises(ValidationError) as wrong_kind:
        recipient_lookup(kind="lab", slug="rosf")
    assert list(wrong_kind.value.message_dict) == ["recipient_kind"]


def test_an_add_funding_link_fills_in_the_recipient(bureau_client, noord_client, network):
    form = bureau_client.get("/funding/new/?recipient_kind=fieldlab&recipient=rosf").context["form"]
    assert form.initial == {"fieldlab": network["rosf"].pk}
    form = noord_client.get("/funding/new/?recipient_kind=hub&recipient=noord").context["form"]
    assert form.initial == {"hub": network["noord"].pk}
    # An unknown recipient or kind opens an empty form instead of failing.
    assert bureau_client.get("/funding/new/?recipient_kind=fieldlab&recipient=gone").context["form"].initial == {}
    assert bureau_client.get("/funding/new/?recipient_kind=lab&recipient=rosf").context["form"].initial == {}
