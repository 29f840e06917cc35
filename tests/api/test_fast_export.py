"""The funding records' export straight from the database (funding/api/exporters.py) against the serializer path it
replaced; exports above EXPORT_STREAM_MAX_ROWS as jobs; XLSX above Excel's limit refused; a broken stream is never
a clean, shorter file.

On PostgreSQL (CI) the fast CSV is COPY; on SQLite it is values_list through the csv module. Both must give the bytes
the serializer path gave.
"""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.api.exporters import SerializerExporter
from core.exporters import base
from core.exporters.database import DatabaseExporter
from core.exporters.writers import STREAM_FAILED_LINE, ExportStreamFailed
from funding.api import exporters
from funding.api.views import FundingRecordViewSet
from funding.choices import RecordStatus, Source
from funding.models import FundingRecord
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.tasks import job_run_task
from tests import factories

from .test_formats import body_of

# Text a spreadsheet would run, text that only looks like it, quotes, separators, line breaks and non-ASCII.
TRICKY = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "|pipe|and|more",
    "%PATH%",
    "-1,000.50",  # a plain number: not escaped
    "-12\n",  # a number and a final newline: defusedcsv's $ matches before it, so not escaped either
    "=1\n2",
    'Zoë\'s "quoted", comma; €, ü, 中文, 🚀',
    "line one\r\nline two",
    " leading space",
    "",
]


@pytest.fixture
def mixed(world):
    """The world's records plus one record per tricky text, spread over recipients, funders and time stamps."""
    recipients = [
        {"fieldlab": world.fieldlab},
        {"fieldlab": world.fieldlab_b},
        {"fieldlab": None, "hub": world.hub},
        {"fieldlab": None, "bureau": world.bureau_org},
    ]
    for index, text in enumerate(TRICKY):
        record = factories.FundingRecordFactory(
            **recipients[index % len(recipients)],
            year=2016 + index,
            source=Source.REGIONAL if index % 2 else Source.NATIONAL,
            funder=world.funder if index % 2 else None,  # the world's funder is a regional one
            activity_type=world.activity if index % 3 == 0 else None,
            amount=Decimal("1234567.89") if index % 2 else Decimal("0.50"),
            status=[RecordStatus.APPROVED, RecordStatus.SUBMITTED, RecordStatus.DRAFT][index % 3],
            evidence_note=text,
            provenance_source=TRICKY[-1 - index],
        )
        # Winter and summer time, with and without microseconds, and never submitted.
        stamps = {
            "submitted_at": None if index % 4 == 0 else datetime(2021, 1 + index % 12, 3, 10, 5, 7, 0, tzinfo=UTC),
            "reviewed_at": datetime(2022, 7, 1, 23, 30, 0, 123456 * (index % 2), tzinfo=UTC),
            "review_comment": TRICKY[(index + 3) % len(TRICKY)],
        }
        FundingRecord.objects.filter(pk=record.pk).update(**stamps)
    return world


class SerializerPath(SerializerExporter):
    """The funding records' list as every other API list exports: the serializer per row (not registered)."""

    queryset = exporters.FundingRecordApiExporter.queryset
    ordering = exporters.FundingRecordApiExporter.ordering
    serializer_class = exporters.FundingRecordApiExporter.serializer_class
    filterset_class = exporters.FundingRecordApiExporter.filterset_class
    filename = exporters.FundingRecordApiExporter.filename


def export_bytes(client, url, *, fast: bool, monkeypatch) -> bytes:
    fast_or_not = exporters.FundingRecordApiExporter if fast else SerializerPath
    monkeypatch.setattr(FundingRecordViewSet, "exporter", fast_or_not)
    response = client.get(url)
    assert response.status_code == 200, response.content
    return body_of(response)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "&ordering=-amount",
        "&fields=evidence_note,id,reviewed_at",
        "&fields=review_comment",  # one column: an empty cell is "" on its line, as the csv module writes it
        "&source=regional&year_min=2018",
        "&q=Zo%C3%AB",
    ],
)
def test_fast_csv_is_byte_identical_to_the_serializer_path(mixed, monkeypatch, query):
    client = mixed.client("bureau")
    url = "/api/v1/funding-records/?format=csv" + query
    before = export_bytes(client, url, fast=False, monkeypatch=monkeypatch)
    after = export_bytes(client, url, fast=True, monkeypatch=monkeypatch)
    assert len(before.splitlines()) > 1
    assert after == before


def test_fast_xlsx_has_the_serializer_paths_cells(mixed, monkeypatch):
    client = mixed.client("bureau")
    url = "/api/v1/funding-records/?format=xlsx"
    sheets = []
    for fast in (False, True):
        workbook = openpyxl.load_workbook(io.BytesIO(export_bytes(client, url, fast=fast, monkeypatch=monkeypatch)))
        sheets.append([[(cell.value, cell.data_type) for cell in row] for row in workbook.active.iter_rows()])
    assert sheets[1] == sheets[0]
    assert len(sheets[0]) == FundingRecord.objects.count() + 1


def test_the_fast_export_keeps_the_access_policy(mixed):
    """A coordinator of the first hub exports its own drafts and others' public records only, as the list shows."""
    client = mixed.client("coordinator_here")
    listed = {row["id"] for row in client.get("/api/v1/funding-records/?page_size=1000").json()["results"]}
    exported = csv.DictReader(io.StringIO(body_of(client.get("/api/v1/funding-records/?format=csv")).decode()))
    assert {int(row["id"]) for row in exported} == listed
    assert len(listed) < FundingRecord.objects.count()  # someone's drafts are hidden from this coordinator


def test_the_fast_export_reads_no_model_instances(mixed, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a model instance was built")

    monkeypatch.setattr(FundingRecord, "from_db", classmethod(refuse))
    client = mixed.client("bureau")
    client.get("/api/v1/provinces/")  # the token's last_used_at write happens here
    with CaptureQueriesContext(connection) as queries:
        body = body_of(client.get("/api/v1/funding-records/?format=csv"))
    assert len(body.splitlines()) > FundingRecord.objects.count()  # every record (some notes span lines)
    # The token, the count (threshold), and the rows: on SQLite one SELECT; on PostgreSQL SAVEPOINT, SET LOCAL TIME
    # ZONE and RELEASE around the COPY (which runs on the driver's cursor, outside Django's query log).
    assert len(queries) == (5 if connection.vendor == "postgresql" else 3)


def test_above_the_threshold_the_export_is_a_job_with_a_download(mixed, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 3
    client = mixed.client("analyst")
    selection = "source=regional&fields=id,amount,evidence_note"
    response = client.get(f"/api/v1/funding-records/?format=csv&{selection}")
    assert response.status_code == 202
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert response["Location"].endswith(f"/api/v1/jobs/{body['id']}/")
    job = Job.objects.get(pk=body["id"])
    # The job keeps the exporter's registry key and the query (columns included), not a task name.
    assert (job.kind, job.filename, job.parameters["exporter"], job.parameters["query"]["fields"]) == (
        JobKind.EXPORT,
        "funding-records.csv",
        "api:funding-records",
        ["id,amount,evidence_note"],
    )
    # Eager Celery here ran the job already; on a real broker the worker does (the status is read from the row).
    if job.status == JobStatus.PENDING:
        job_run_task.apply(args=(job.pk,))
    shown = client.get(response["Location"]).json()
    assert shown["status"] == "done", shown
    downloaded = client.get(shown["download_url"])
    assert downloaded.status_code == 200
    # The page in CSV holds exactly the rows the job wrote (a file comes in record order, a page in the list's).
    expected = body_of(client.get(f"/api/v1/funding-records/?format=csv&{selection}&ordering=id&page_size=1000"))
    assert body_of(downloaded) == expected
    public = FundingRecord.objects.filter(source=Source.REGIONAL, status__in=FundingRecord.policy_public_statuses)
    assert shown["result"] == {"rows": public.count()}
    # Owner and bureau only: another user gets a 404 for the job and its file.
    other = mixed.client("coordinator_other")
    assert other.get(response["Location"]).status_code == 404
    assert other.get(shown["download_url"]).status_code == 404
    assert mixed.client("bureau").get(shown["download_url"]).status_code == 200


def test_an_xlsx_job_writes_the_sheet(mixed, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 1
    client = mixed.client("bureau")
    response = client.get("/api/v1/funding-records/?format=xlsx")
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["id"])
    if job.status == JobStatus.PENDING:
        job_run_task.apply(args=(job.pk,))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    sheet = openpyxl.load_workbook(job.file.open("rb")).active
    assert sheet.max_row == FundingRecord.objects.count() + 1
    assert job.result == {"rows": FundingRecord.objects.count()}


def test_xlsx_above_excels_row_limit_is_refused_with_json(mixed, monkeypatch):
    monkeypatch.setattr(base, "XLSX_MAX_DATA_ROWS", 2)
    client = mixed.client("bureau")
    response = client.get("/api/v1/funding-records/?format=xlsx")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "export_too_large"
    assert "Excel" in body["detail"] and "CSV" in body["detail"]
    assert not Job.objects.exists()
    assert client.get("/api/v1/funding-records/?format=csv").status_code == 200  # CSV has no such limit


def test_a_stream_that_breaks_off_ends_with_an_error_line_and_an_error(mixed, monkeypatch):
    """Never a clean, shorter file: the last line says the file is incomplete, then the response fails (the server
    aborts the connection without the end of the chunked body)."""

    def lines_then_outage(self):
        yield b"1,first\r\n"
        yield b"2,second\r\n"
        raise ConnectionError("the database went away")

    monkeypatch.setattr(DatabaseExporter, "csv_lines", lines_then_outage)
    response = mixed.client("bureau").get("/api/v1/funding-records/?format=csv")
    assert response.status_code == 200 and response.streaming
    received = []
    with pytest.raises(ExportStreamFailed):
        for chunk in response.streaming_content:
            received.append(chunk)
    lines = b"".join(received).decode().splitlines()
    assert lines[-1] == STREAM_FAILED_LINE.format(rows=2).strip()
    assert lines[1:3] == ["1,first", "2,second"]


def test_the_columns_written_as_stored_hold_only_safe_choices():
    """The fast path writes the constrained choice columns without the escaping; that is only right while no choice
    is empty or starts like a formula."""
    assert exporters.choice_columns_need_no_escaping()
    assert [f.key for f in exporters.stored_as_is()] == [
        "source",
        "kind",
        "realisation",
        "status",
        "provenance",
    ]


def test_openpyxl_writes_with_lxml():
    import openpyxl.xml

    assert openpyxl.xml.LXML  # lxml installed (pyproject), so XLSX is written by lxml, not the pure-Python writer


def test_the_file_comes_in_record_order_unless_an_ordering_is_asked_for(mixed):
    """The whole list's file is read in primary-key order (the table's physical order: the fast path's cost is then
    close to a bare COPY); ?ordering= still orders it, and pages keep the list's order (year, source, id)."""
    client = mixed.client("bureau")

    def ids(query):
        body = body_of(client.get(f"/api/v1/funding-records/?format=csv{query}")).decode()
        return [int(row["id"]) for row in csv.DictReader(io.StringIO(body))]

    every = ids("")
    assert every == sorted(every) and len(every) == FundingRecord.objects.count()
    by_amount = ids("&ordering=-amount")
    amounts = dict(FundingRecord.objects.values_list("id", "amount"))
    assert [amounts[i] for i in by_amount] == sorted(amounts.values(), reverse=True) and by_amount != every
    page = [row["id"] for row in client.get("/api/v1/funding-records/?page_size=1000").json()["results"]]
    assert page != every and sorted(page) == every  # the list's own order: year, source, id


def test_xlsx_becomes_a_job_at_its_own_lower_bound(mixed, settings):
    settings.EXPORT_STREAM_MAX_ROWS, settings.EXPORT_XLSX_STREAM_MAX_ROWS = 1000, 2
    client = mixed.client("bureau")
    assert client.get("/api/v1/funding-records/?format=csv").status_code == 200
    assert client.get("/api/v1/funding-records/?format=xlsx").status_code == 202


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_a_360giving_export_above_the_bound_is_a_job_with_the_same_file(mixed, settings, fmt):
    """Above the bound the 360Giving export is a background job (202, then the download), not a cut stream; its file
    is the one the API streams for a selection under the bound, byte for byte (XLSX: cell for cell)."""
    client = mixed.client("analyst")
    url = f"/api/v1/funding-records/360giving/?format={fmt}&year_min=2017"
    settings.EXPORT_STREAM_MAX_ROWS = settings.EXPORT_XLSX_STREAM_MAX_ROWS = 1000
    streamed = client.get(url)
    assert streamed.status_code == 200
    expected = streamed.content if fmt == "xlsx" else body_of(streamed)
    settings.EXPORT_STREAM_MAX_ROWS = settings.EXPORT_XLSX_STREAM_MAX_ROWS = 2
    response = client.get(url)
    assert response.status_code == 202 and response["Content-Type"] == "application/json"
    job = Job.objects.get(pk=response.json()["id"])
    assert (job.kind, job.filename, job.parameters["exporter"]) == (
        JobKind.EXPORT,
        f"360giving-grants.{fmt}",
        "360giving",
    )
    if job.status == JobStatus.PENDING:  # eager Celery ran it already; on a real broker the worker does
        job_run_task.apply(args=(job.pk,))
    shown = client.get(response["Location"]).json()
    assert shown["status"] == "done", shown
    approved = FundingRecord.objects.filter(status=RecordStatus.APPROVED, year__gte=2017).count()
    assert shown["result"] == {"rows": approved} and approved > 2
    downloaded = body_of(client.get(shown["download_url"]))
    if fmt == "xlsx":

        def cells(content):
            return [[c.value for c in row] for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows()]

        assert cells(downloaded) == cells(expected)
    else:
        assert downloaded == expected


def test_a_360giving_xlsx_above_excels_row_limit_is_refused_with_json(mixed, monkeypatch):
    monkeypatch.setattr(base, "XLSX_MAX_DATA_ROWS", 2)
    response = mixed.client("analyst").get("/api/v1/funding-records/360giving/?format=xlsx")
    assert response.status_code == 400 and response.json()["code"] == "export_too_large"
    assert not Job.objects.exists()
