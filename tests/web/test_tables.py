"""One table per list, one list of a funding record's fields: the page, the file, the import and the API agree."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from openpyxl import load_workbook

from core.tables import Column, Table
from funding import services
from funding.fields import RECORD_KEYS, recipient_lookup
from funding.forms import FundingRecordForm
from funding.importers import funding_records_import, required_columns
from funding.tables import FundingRecordTable
from tests import factories

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


# Written out here, not read from funding/fields.py: the columns a funding record leaves and enters the portal by.
RECORD_COLUMNS = [
    "id",
    "year",
    "recipient_kind",
    "recipient",
    "source",
    "funder",
    "amount",
    "kind",
    "realisation",
    "activity_type",
    "status",
    "provenance",
    "provenance_source",
    "evidence_note",
]


def test_a_funding_record_leaves_by_the_file_and_the_api_with_its_own_values_and_comes_back_unchanged(
    bureau_client, network
):
    record = factories.FundingRecordFactory(
        fieldlab=network["tech"],
        year=2019,
        source="regional",
        funder=network["funder"],
        amount=Decimal("1234.50"),
        kind="cash",
        realisation="planned",
        activity_type=factories.ActivityTypeFactory(code="awareness", name="Awareness"),
        provenance="published",
        provenance_source="Annual report 2019",
        evidence_note="Signed grant letter",
    )
    expected = {
        "id": str(record.pk),
        "year": "2019",
        "recipient_kind": "fieldlab",
        "recipient": "technologies-added",
        "source": "regional",
        "funder": "provincie-groningen",
        "amount": "1234.50",
        "kind": "cash",
        "realisation": "planned",
        "activity_type": "awareness",
        "status": "approved",
        "provenance": "published",
        "provenance_source": "Annual report 2019",
        "evidence_note": "Signed grant letter",
    }
    body = b"".join(bureau_client.get("/funding/?format=csv").streaming_content)
    reader = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    assert reader.fieldnames == RECORD_COLUMNS
    [row] = [row for row in reader if row["id"] == str(record.pk)]
    assert row == expected
    # The API names the same fields first, with the same values.
    api = bureau_client.get(f"/api/v1/funding-records/{record.pk}/").json()
    assert list(api)[: len(RECORD_COLUMNS)] == RECORD_COLUMNS
    assert {key: str(api[key]) for key in RECORD_COLUMNS} == expected
    # The exported row is a valid import that changes nothing.
    history = record.history.count()
    result = funding_records_import(rows=[row], actor=network["bureau"], dry_run=False)
    assert (result.errors, result.unchanged, result.created, result.updated) == ([], 1, 0, 0)
    assert record.history.count() == history


@pytest.mark.django_db
def test_the_author_edits_the_recipient_and_the_figures_never_the_status():
    assert required_columns() == ["year", "recipient_kind", "recipient", "source", "amount"]
    assert list(FundingRecordForm().fields) == [
        "fieldlab",
        "hub",
        "bureau",
        "year",
        "source",
        "funder",
        "amount",
        "kind",
        "realisation",
        "activity_type",
        "provenance",
        "provenance_source",
        "evidence_note",
    ]
    record = factories.FundingRecordFactory(status="draft")
    with pytest.raises(ValueError, match="status"):
        services.funding_record_update(record=record, actor=factories.BureauUserFactory(), data={"status": "approved"})
    record.refresh_from_db()
    assert record.status == "draft"


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
