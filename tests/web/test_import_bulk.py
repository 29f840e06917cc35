"""The set-wise import: the same verdict per row as the row-by-row path, every error of a row at once, labels in
Dutch and English, a query count that does not grow with the rows, and one bulk write with history."""

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from funding import importers
from funding.importers import COLUMNS, _fold, choice_codes, funding_records_import, funding_records_import_row_by_row
from funding.models import FundingRecord
from tests import factories

GOOD = {
    "year": "2019",
    "recipient_kind": "fieldlab",
    "recipient": "rosf",
    "source": "eu",
    "amount": "1000.00",
    "kind": "cash",
    "realisation": "realised",
    "provenance": "illustrative",
}

# One row per case, in file order; several are good, several clash with the stored records or with each other.
MIXED = [
    ("good", GOOD),
    ("good hub", {**GOOD, "recipient_kind": "hub", "recipient": "noord", "source": "national", "amount": "500"}),
    ("good bureau", {**GOOD, "recipient_kind": "bureau", "recipient": "bureau", "source": "national"}),
    ("good funder", {**GOOD, "recipient": "technologies-added", "source": "regional", "funder": "provincie-groningen"}),
    ("good activity", {**GOOD, "year": "2018", "activity_type": "awareness"}),
    ("approved by the bureau", {**GOOD, "year": "2015", "status": "approved"}),
    ("duplicate of a stored record", {**GOOD, "year": "2017", "source": "regional", "funder": "provincie-groningen"}),
    ("duplicate of an earlier row", GOOD),
    ("funder of another source", {**GOOD, "year": "2018", "funder": "provincie-groningen"}),
    ("in-kind funder as cash", {**GOOD, "source": "knowledge", "funder": "tno-in-natura", "kind": "cash"}),
    ("published without a source", {**GOOD, "year": "2016", "provenance": "published"}),
    ("closed period", {**GOOD, "recipient": "technologies-added", "year": "2016"}),
    ("bad fields", {**GOOD, "year": "1850", "source": "moon", "amount": "-1", "funder": "nobody", "kind": "gift"}),
    ("unknown recipient", {**GOOD, "recipient": "no-such-lab"}),
    ("unknown recipient kind", {**GOOD, "recipient_kind": "lab"}),
    ("three decimals", {**GOOD, "amount": "12.345"}),
    ("no year", {**GOOD, "year": ""}),
    ("no amount", {**GOOD, "amount": ""}),
    ("year not a number", {**GOOD, "year": "twenty"}),
    ("NUL byte", {**GOOD, "evidence_note": "a\x00b"}),
    ("cell too long", {**GOOD, "provenance_source": "x" * 1001}),
    ("unknown activity type", {**GOOD, "activity_type": "nope"}),
    ("unknown status", {**GOOD, "status": "done"}),
    ("good in kind", {**GOOD, "source": "knowledge", "funder": "tno-in-natura", "kind": "in_kind"}),
    ("other hub", {**GOOD, "recipient": "campione", "year": "2018"}),
]


@pytest.fixture
def world(network):
    factories.FunderFactory(name="TNO (in natura)", slug="tno-in-natura", source="knowledge")
    factories.ActivityTypeFactory(code="awareness", name="Awareness")
    factories.ProgrammeBureauFactory(slug="bureau")
    factories.ReportingPeriodFactory(hub=network["noord"], year=2016, status="closed")
    return network


def _rows(cases) -> list[dict]:
    return [{key: record.get(key, "") for key in COLUMNS} for _name, record in cases]


def _verdicts(result) -> dict[int, dict]:
    return {error["row"]: error for error in result.errors}


@pytest.mark.parametrize("actor", ["bureau", "coord_noord"])
def test_each_row_gets_the_same_verdict_from_the_set_wise_and_the_row_by_row_import(world, actor):
    rows = _rows(MIXED)
    old = funding_records_import_row_by_row(rows=rows, actor=world[actor], dry_run=True)
    new = funding_records_import(rows=rows, actor=world[actor], dry_run=True)
    old_verdicts, new_verdicts = _verdicts(old), _verdicts(new)
    names = {index: name for index, (name, _record) in enumerate(MIXED, start=2)}
    assert {names[i] for i in new_verdicts} == {names[i] for i in old_verdicts}
    assert new.created == old.created > 0
    for index, error in old_verdicts.items():
        # The row-by-row path stops at the first stage that fails; the set-wise one names every error at once, so
        # it says at least what the old one said, in the same words, under the same keys.
        for key, messages in error["fields"].items():
            assert new_verdicts[index]["fields"][key][: len(messages)] == messages, names[index]
        assert set(error["messages"]) <= set(new_verdicts[index]["messages"]), names[index]
    assert "other hub" in {names[i] for i in new_verdicts} if actor == "coord_noord" else True


def test_a_row_with_three_errors_reports_all_three_at_once(world):
    # The API answers the field errors first and only then looks the recipient up: the import names all at once.
    row = {**GOOD, "year": "1850", "recipient": "no-such-lab", "amount": "-1"}
    result = funding_records_import(rows=_rows([("bad", row)]), actor=world["bureau"], dry_run=True)
    [error] = result.errors
    assert set(error["fields"]) == {"year", "recipient", "amount"}
    assert len(error["messages"]) == 3


@pytest.mark.parametrize(
    ("column", "spelling", "code"),
    [
        ("source", "Europese Unie", "eu"),
        ("source", "european union", "eu"),
        ("source", "  EU ", "eu"),
        ("source", "Rijksoverheid", "national"),
        ("kind", "contant", "cash"),
        ("kind", "In Natura", "in_kind"),
        ("kind", "in kind", "in_kind"),
        ("realisation", "gerealiseerd", "realised"),
        ("realisation", "Gepland", "planned"),
        ("recipient_kind", "Veldlab", None),  # not a label in either language: left for the check to refuse
        ("provenance", "Illustratief", "illustrative"),
    ],
)
def test_choice_columns_take_codes_and_dutch_and_english_labels(column, spelling, code):
    assert choice_codes()[column].get(" ".join(spelling.split()).casefold()) == code


def test_an_import_in_dutch_labels_saves_the_codes_with_history(world):
    rows = _rows(
        [
            (
                "nl",
                {
                    **GOOD,
                    "recipient_kind": " Fieldlab",
                    "source": "Europese Unie",
                    "kind": "in natura",
                    "realisation": "Gepland",
                },
            ),
            ("en", {**GOOD, "source": "Regions", "funder": "Provincie Groningen", "realisation": "Realised"}),
            ("activity by name", {**GOOD, "source": "Bedrijven", "activity_type": "awareness"}),
        ]
    )
    result = funding_records_import(rows=rows, actor=world["coord_noord"], dry_run=False)
    assert result.ok, result.errors
    assert result.created == 3
    saved = FundingRecord.objects.filter(fieldlab=world["rosf"], year=2019).order_by("source")
    assert [(r.source, r.kind, r.realisation, r.funder_id) for r in saved] == [
        ("companies", "cash", "realised", None),
        ("eu", "in_kind", "planned", None),
        ("regional", "cash", "realised", world["funder"].pk),
    ]
    for record in saved:
        assert record.status == "draft"  # a coordinator's records start as drafts, as on every other path
        assert record.created_by == world["coord_noord"]
        [history] = record.history.all()
        assert (history.history_user, history.history_change_reason, history.history_type) == (
            world["coord_noord"],
            "created",
            "+",
        )


def test_the_bureau_may_import_approved_records_and_is_their_reviewer(world):
    rows = _rows([("approved", {**GOOD, "status": "Goedgekeurd"})])
    assert funding_records_import(rows=rows, actor=world["bureau"], dry_run=False).ok
    record = FundingRecord.objects.get(fieldlab=world["rosf"], year=2019, source="eu")
    assert (record.status, record.reviewed_by) == ("approved", world["bureau"])
    assert record.reviewed_at is not None


def test_one_bad_row_saves_nothing(world):
    before = FundingRecord.objects.count()
    rows = _rows([("good", GOOD), ("bad", {**GOOD, "year": "2018", "amount": "-1"})])
    result = funding_records_import(rows=rows, actor=world["bureau"], dry_run=False)
    assert [error["row"] for error in result.errors] == [3]
    assert FundingRecord.objects.count() == before


# The rows are drafts and submitted records (nothing approved): the rollups are told once for the whole batch and
# only the status counts change (funding/rollups.py).
ROLLUP_WRITES = ["INSERT funding_fundingstatuscount"]


def _queries(world, count: int, *, dry_run: bool) -> list[str]:
    labs = [factories.FieldlabFactory(hub=world["zuid"]) for _ in range(3)]
    rows = _rows(
        [
            ("row", {**GOOD, "recipient": labs[i % 3].slug, "year": str(2010 + i // 3), "amount": str(i)})
            for i in range(count)
        ]
    )
    with CaptureQueriesContext(connection) as queries:
        result = funding_records_import(rows=rows, actor=world["bureau"], dry_run=dry_run)
    assert result.ok and result.created == count, result.errors
    # Each statement as its verb and first table (savepoint names differ from run to run).
    return [_statement(q["sql"]) for q in queries]


def _statement(sql: str) -> str:
    # An executemany is logged once as "N times: SQL" (the rollups' upserts): one call whatever N is.
    sql = re.sub(r"^\d+ times: ", "", sql)
    verb = sql.split()[0]
    if verb in ("SAVEPOINT", "RELEASE", "ROLLBACK"):
        return verb
    if '"' not in sql:  # hand-written SQL (the rollups'): the table after INTO, UPDATE or FROM
        table = re.search(r"\b(?:INTO|UPDATE|FROM)\s+(\w+)", sql)
        return f"{verb} {table[1]}" if table else verb
    return f"{verb} {sql.split(chr(34))[1]}"


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_query_count_does_not_grow_with_the_rows(world, dry_run):
    # Hubs and bureaus are not asked for: no row names one.
    small, large = _queries(world, 20, dry_run=dry_run), _queries(world, 90, dry_run=dry_run)
    lookups = [
        "SELECT registry_fieldlab",
        "SELECT funding_funder",
        "SELECT evaluation_activitytype",
        "SELECT review_reportingperiod",
        "SAVEPOINT",
        "SELECT funding_fundingrecord",  # the stored unique keys of those years and recipients
    ]
    assert small[: len(lookups)] == lookups
    if dry_run:
        assert small == large == [*lookups, "ROLLBACK", "RELEASE"]
        return
    writes = small[len(lookups) :]
    if connection.vendor == "postgresql":
        # The ids from the sequence, then COPY of the records and of their history rows (COPY runs on the raw
        # cursor, so Django's query log does not list it).
        # Then the rollups of approved funding, told once for the whole batch (funding/rollups.py).
        assert small == large and writes == [
            "SAVEPOINT",
            "SELECT generate_series",
            *ROLLUP_WRITES,
            "RELEASE",
            "RELEASE",
        ]
    else:
        # Batches of records, then of history rows: 1000 a batch, or fewer where SQLite limits the parameters.
        def without_inserts(queries):
            return [q for q in queries if not q.startswith("INSERT")]

        assert without_inserts(small) == without_inserts(large)
        inserts = [q for q in large if q.startswith("INSERT")]
        assert set(inserts) == {
            "INSERT funding_fundingrecord",
            "INSERT funding_historicalfundingrecord",
            *ROLLUP_WRITES,
        }
        assert len(inserts) <= 2 * (1 + 90 // 40) + len(ROLLUP_WRITES)


def test_the_bulk_write_saves_every_record_and_its_history_row(world):
    rows = _rows([("a", GOOD), ("b", {**GOOD, "recipient": "technologies-added", "amount": "12.500,50"})])
    assert funding_records_import(rows=rows, actor=world["bureau"], dry_run=False).ok
    saved = FundingRecord.objects.filter(year=2019, source="eu", fieldlab__hub=world["noord"]).order_by("amount")
    assert [(r.fieldlab.slug, r.amount, r.version) for r in saved] == [
        ("rosf", Decimal("1000.00"), 0),
        ("technologies-added", Decimal("12500.50"), 0),
    ]
    for record in saved:
        [history] = record.history.all()
        assert (history.amount, history.fieldlab_id, history.status, history.history_user) == (
            record.amount,
            record.fieldlab_id,
            record.status,
            world["bureau"],
        )
        if connection.vendor == "postgresql":  # COPY writes the one timestamp the service took
            assert history.history_date == record.created_at == record.updated_at
    # The sequence moved on past the records written with ids drawn from it: a record saved afterwards is new.
    later = factories.FundingRecordFactory(fieldlab=world["rosf"], year=2030, source="eu")
    assert later.pk > max(r.pk for r in saved)


def test_the_xlsx_template_has_a_sheet_of_accepted_values_that_the_import_accepts(bureau_client, world):
    response = bureau_client.get("/funding/import/?template=xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert [list(row) for row in workbook.worksheets[0].values] == [COLUMNS]
    header, *values = [list(row) for row in workbook["accepted_values"].values]
    assert header == ["column", "code", "English", "Nederlands", "for"]
    assert ["source", "eu", "European Union", "Europese Unie", None] in values
    assert ["kind", "in_kind", "In kind", "In natura", None] in values
    assert ["realisation", "realised", "Realised", "Gerealiseerd", None] in values
    assert ["recipient", "rosf", "Region of Smart Factories", "Region of Smart Factories", "fieldlab"] in values
    assert ["funder", "provincie-groningen", "Provincie Groningen", "Provincie Groningen", "regional"] in values
    assert ["activity_type", "awareness", "Awareness", "Awareness", None] in values
    # Every spelling the sheet offers for a choice column is read as its code.
    codes = choice_codes()
    for column, code, english, dutch, _for in values:
        if column in codes:
            assert {codes[column][_fold(spelling)] for spelling in (code, english, dutch)} == {code}, (column, code)


def test_the_database_still_guards_the_bulk_write_and_then_nothing_is_saved(world, monkeypatch):
    # Blind the set-wise unique check, as a record saved by someone else between the check and the write would:
    # the database's unique constraint refuses the write, and the good row before it is not saved either.
    monkeypatch.setattr(importers, "_existing_keys", lambda records: set())
    before = FundingRecord.objects.count()
    stored = {**GOOD, "year": "2017", "source": "regional", "funder": "provincie-groningen"}
    rows = _rows([("good", {**GOOD, "year": "2018"}), ("stored already", stored)])
    result = funding_records_import(rows=rows, actor=world["bureau"], dry_run=False)
    [error] = result.errors
    assert error["row"] == "" and "nothing was saved" in error["messages"][0]
    assert FundingRecord.objects.count() == before
    assert not FundingRecord.history.filter(year=2018, fieldlab=world["rosf"], source="eu").exists()
