"""Import limits: sizes are bounded before anything is parsed, bad cells are row errors, and a large file is a job.

The XLSX bombs are built here, small on disk: a zip's deflate turns hundreds of megabytes of one repeated byte into a
few hundred kilobytes. The guard reads the zip's directory only, so openpyxl must never be called for them.
"""

import io
import zipfile
from unittest.mock import patch

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import translation

from funding import importers
from funding.choices import Source
from funding.importers import MAX_ROWS, ImportFileError, read_rows
from funding.models import FundingRecord
from jobs.models import Job
from tests.factories import FieldlabFactory

from .conftest import rows, text
from .test_import import HEADER, upload

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def xlsx_with_part(part: str, head: bytes, filler: bytes, megabytes: int, tail: bytes) -> bytes:
    """A zip that looks like an XLSX, with one part that unpacks to ``megabytes`` MB, written in 1 MB chunks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open(part, "w", force_zip64=True) as stream:
            stream.write(head)
            chunk = filler * (1_000_000 // len(filler))
            for _ in range(megabytes):
                stream.write(chunk)
            stream.write(tail)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def shared_string_bomb() -> bytes:
    """One 300 MB shared string (the issue's 307 KB file that took a worker to 1.76 GB)."""
    return xlsx_with_part(
        "xl/sharedStrings.xml",
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>',
        b"A",
        300,
        b"</t></si></sst>",
    )


@pytest.fixture(scope="module")
def row_bomb() -> bytes:
    """A sheet of 150 MB of empty rows."""
    return xlsx_with_part(
        "xl/worksheets/sheet1.xml",
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
        b"<row/>",
        150,
        b"</sheetData></worksheet>",
    )


def test_the_bombs_are_small_on_disk(shared_string_bomb, row_bomb):
    assert len(shared_string_bomb) < 2_000_000 and len(row_bomb) < 2_000_000


@pytest.mark.parametrize(("bomb", "part"), [("shared_string_bomb", "sharedStrings.xml"), ("row_bomb", "sheet1.xml")])
def test_an_xlsx_that_unpacks_too_large_is_refused_before_parsing(bomb, part, request):
    content = request.getfixturevalue(bomb)
    with (
        # The message in English whatever language an earlier test left active (it has a Dutch translation).
        translation.override("en"),
        patch.object(importers, "load_workbook", side_effect=AssertionError("parsed")) as load,
        pytest.raises(ImportFileError) as refused,
    ):
        read_rows(name="bomb.xlsx", content=content)
    load.assert_not_called()
    message = str(refused.value)
    assert "would unpack to" in message and part in message and "at most 100.0 MB can be read" in message


def test_the_portal_refuses_a_zip_bomb_in_the_request_without_a_job(bureau_client, network, shared_string_bomb):
    with patch.object(importers, "load_workbook", side_effect=AssertionError("parsed")):
        response = bureau_client.post("/funding/import/", {"file": SimpleUploadedFile("bomb.xlsx", shared_string_bomb)})
    assert response.status_code == 400
    assert (
        "This XLSX file would unpack to 300.0 MB (xl/sharedStrings.xml alone is 300.0 MB)" in response.content.decode()
    )
    assert not Job.objects.exists()


def test_a_file_over_the_size_limit_is_refused(bureau_client, network, settings, monkeypatch):
    monkeypatch.setattr(importers, "MAX_FILE_BYTES", 1000)
    response = upload(bureau_client, HEADER + "x" * 1000)
    assert response.status_code == 400
    assert "at most 0.0 MB can be imported" in response.content.decode()
    with pytest.raises(ImportFileError):
        read_rows(name="big.csv", content=(HEADER + "x" * 1000).encode())


def test_more_rows_than_the_limit_are_refused_while_reading(network, monkeypatch):
    monkeypatch.setattr(importers, "MAX_ROWS", 5)
    line = ",2019,fieldlab,rosf,regional,,1,cash,realised,,,illustrative,,\n"
    assert len(read_rows(name="ok.csv", content=(HEADER + line * 5).encode())) == 5
    with pytest.raises(ImportFileError, match="At most 5 rows per file."):
        read_rows(name="many.csv", content=(HEADER + line * 6).encode())
    with pytest.raises(ImportFileError, match="At most 5 rows per file."):  # blank rows count towards a bound too
        read_rows(name="blank.csv", content=(HEADER + ",,,,\n" * 11).encode())


def test_nul_bytes_and_oversize_cells_are_row_errors_not_500s(bureau_client, network):
    content = HEADER + (
        ",2019,fieldlab,rosf,regional,,1,cash,realised,,,illustrative,,fine\n"
        ",2019,fieldlab,rosf,eu,,1,cash,realised,,,illustrative,,bad\x00byte\n"
        f",2019,fieldlab,rosf,national,,1,cash,realised,,,illustrative,,{'y' * 5000}\n"
    )
    before = FundingRecord.objects.count()
    page = upload(bureau_client, content)
    assert page.status_code == 200
    errors = rows(page, "import-errors")[1:]
    assert [row[0] for row in errors] == ["3", "4"]
    assert "evidence_note: The cell contains a NUL byte" in errors[0][1]
    assert "evidence_note: The cell has 5000 characters; at most 1000." in errors[1][1]
    assert FundingRecord.objects.count() == before  # all or nothing


def test_a_cell_beyond_the_csv_field_limit_fails_the_job_with_a_reason(bureau_client, network):
    content = HEADER + f",2019,fieldlab,rosf,regional,,1,cash,realised,,,illustrative,,{'z' * 200_000}\n"
    page = upload(bureau_client, content)
    assert "Line 2 cannot be read (field larger than field limit" in text(page, "job-error")


@pytest.mark.slow  # ~12 CPU minutes at today's ~15 ms a row; run with `make test PYTEST_ARGS="-m slow"` (#13)
def test_a_20000_row_csv_previews_and_imports_as_jobs_and_no_request_does_the_work(bureau_client, network):
    """The portal's requests only store the file, start a job, and read the job's row: the work is the task's.

    Each request is shown to return before its job has run (the task is held back until after the request), and
    the job reports progress on its row as it goes. All 20,000 rows are parsed, checked and imported."""
    # 20,000 distinct records: 200 fieldlabs x 20 years x 5 sources (one record per fieldlab, year and source).
    labs = FieldlabFactory.create_batch(200, hub=network["zuid"], start_year=2010)
    lines = [
        f",{year},fieldlab,{lab.slug},{source},,{index},cash,realised,,,illustrative,,\n"
        for index, (lab, year, source) in enumerate(
            ((lab, year, source) for lab in labs for year in range(2015, 2035) for source in Source.values), start=1
        )
    ]
    assert len(lines) == MAX_ROWS
    content = (HEADER + "".join(lines)).encode()
    before = FundingRecord.objects.count()
    progress = []
    real_progress = importers_progress()

    for step in ("preview", "confirm"):
        with (
            TestCase.captureOnCommitCallbacks(execute=False) as held,
            patch("funding.jobs.read_rows", side_effect=AssertionError("parsed in the request")),
        ):
            if step == "preview":
                response = bureau_client.post("/funding/import/", {"file": SimpleUploadedFile("big.csv", content)})
            else:
                preview = Job.objects.get(kind="import_preview")
                response = bureau_client.post("/funding/import/confirm/", {"job": preview.pk})
        assert response.status_code == 302
        job = Job.objects.get(pk=int(response.url.split("/")[2]))
        assert job.status == "pending"  # the request returned before the job ran
        page = bureau_client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
        assert 'hx-trigger="every 1s"' in page and "Waiting for a worker" in page
        with patch("jobs.services.job_progress", side_effect=lambda **kw: (progress.append(kw), real_progress(**kw))):
            for callback in held:  # the worker
                callback()
        job.refresh_from_db()
        assert (job.status, job.done, job.total) == ("done", MAX_ROWS, MAX_ROWS), job.error
    assert FundingRecord.objects.count() == before + MAX_ROWS
    done = [kw["done"] for kw in progress]
    assert len(done) > 2 * (MAX_ROWS // 1000) and any(0 < d < MAX_ROWS for d in done)  # visible on the way


def importers_progress():
    from jobs.services import job_progress

    return job_progress
