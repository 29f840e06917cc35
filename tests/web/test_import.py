"""Spreadsheet import: the export's columns, a preview with row-by-row errors, then all rows or none."""

import io
import threading
import time
from decimal import Decimal
from unittest.mock import patch

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from openpyxl import Workbook

from funding.importers import funding_records_import
from funding.models import FundingRecord
from jobs import services as jobs_services
from jobs.models import Job
from jobs.services import job_create
from smartindustry.celery import app as celery_app
from tests import factories

from .conftest import rows, text

HEADER = "id,year,recipient_kind,recipient,source,funder,amount,kind,realisation,activity_type,status,provenance,provenance_source,evidence_note\n"  # noqa: E501


def upload(client, content: str | bytes, name="records.csv"):
    """Upload a file: the request stores it on a job and redirects to the job page, which shows the preview once
    the (here eager) task has run. Returns the job page, or the upload page if the file was refused."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/funding/import/", {"file": SimpleUploadedFile(name, data)})
    if response.status_code != 302:
        return response
    assert response.url.startswith("/jobs/")
    return client.get(response.url)


def confirm(client):
    """Press "Import all rows" on the latest preview: the import runs as a job; returns its page."""
    preview = Job.objects.filter(kind="import_preview").latest("pk")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/funding/import/confirm/", {"job": preview.pk})
    assert response.status_code == 302 and response.url.startswith("/jobs/"), response
    return client.get(response.url)


def test_preview_lists_errors_per_row_and_changes_nothing(bureau_client, network):
    before = FundingRecord.objects.count()
    content = HEADER + (
        ",2019,fieldlab,rosf,regional,,1000.00,cash,realised,,,illustrative,,\n"
        ",2019,fieldlab,no-such-lab,regional,,1000.00,cash,realised,,,illustrative,,\n"
        ",2019,fieldlab,technologies-added,regional,,-3,cash,realised,,,illustrative,,\n"
        ",2019,fieldlab,technologies-added,gifts,,10,cash,realised,,,illustrative,,\n"
    )
    response = upload(bureau_client, content)
    assert response.status_code == 200
    errors = rows(response, "import-errors")[1:]
    assert [row[0] for row in errors] == ["3", "4", "5"]
    assert "no-such-lab" in errors[0][1]
    assert "amount" in errors[1][1]
    assert "source" in errors[2][1]
    assert "Import all rows" not in response.content.decode()
    assert FundingRecord.objects.count() == before


def test_valid_file_previews_then_imports_all(bureau_client, network):
    content = HEADER + (
        ",2019,fieldlab,rosf,regional,provincie-groningen,1000.50,cash,realised,,approved,illustrative,,\n"
        ",2019,fieldlab,technologies-added,knowledge,,2000,in_kind,realised,,,illustrative,,bijdrage in natura\n"
    )
    response = upload(bureau_client, content)
    assert text(response, "import-summary") == "2 rows: 2 new, 0 changed."
    assert not FundingRecord.objects.filter(year=2019, fieldlab__hub=network["noord"]).exists()  # preview only
    response = confirm(bureau_client)
    assert "Imported: 2 new and 0 changed records." in text(response, "import-result")
    imported = FundingRecord.objects.filter(year=2019, fieldlab__hub=network["noord"]).order_by("source")
    assert [(r.source, r.amount, r.status, r.kind) for r in imported] == [
        ("knowledge", Decimal("2000.00"), "draft", "in_kind"),
        ("regional", Decimal("1000.50"), "approved", "cash"),
    ]
    # The history says who imported them.
    assert imported[0].history.first().history_user == network["bureau"]


def test_export_then_import_round_trip_updates_by_id(bureau_client, network):
    body = b"".join(bureau_client.get("/funding/?fieldlab=rosf&year=2017&format=csv").streaming_content)
    text_body = body.decode("utf-8-sig").replace("100000.00", "123456.00")
    response = upload(bureau_client, text_body)
    assert text(response, "import-summary") == "1 rows: 0 new, 1 changed."
    confirm(bureau_client)
    record = network["records"]["rosf_2017_regional"]
    record.refresh_from_db()
    assert record.amount == Decimal("123456.00")


def test_xlsx_upload(bureau_client, network):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        [
            None,
            2019,
            "fieldlab",
            "technologies-added",
            "eu",
            None,
            321.5,
            "cash",
            "realised",
            None,
            None,
            "illustrative",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(bureau_client, buffer.getvalue(), name="records.xlsx")
    assert text(response, "import-summary") == "1 rows: 1 new, 0 changed."


def test_coordinator_import_is_held_to_their_hub(noord_client, network):
    content = HEADER + (
        ",2019,fieldlab,rosf,regional,,10,cash,realised,,,illustrative,,\n"
        ",2019,fieldlab,campione,regional,,10,cash,realised,,,illustrative,,\n"
    )
    response = upload(noord_client, content)
    errors = rows(response, "import-errors")[1:]
    assert [row[0] for row in errors] == ["3"]
    assert "own hub" in errors[0][1]


def test_missing_columns_and_wrong_file_types_are_refused(bureau_client, network):
    response = upload(bureau_client, "year,amount\n2019,5\n")  # read by the job: its page says why it failed
    assert "Columns missing: recipient_kind, recipient, source." in text(response, "job-error")
    assert Job.objects.get().status == "failed"
    response = upload(bureau_client, "whatever", name="records.pdf")
    assert response.status_code == 400


def test_confirm_without_a_checked_file_does_nothing(bureau_client, network):
    before = FundingRecord.objects.count()
    response = bureau_client.post("/funding/import/confirm/")
    assert response.status_code == 302 and response.url == "/funding/import/"
    assert FundingRecord.objects.count() == before
    assert not Job.objects.filter(kind="import_confirm").exists()


def test_a_preview_with_errors_or_of_someone_else_cannot_be_confirmed(bureau_client, noord_client, network):
    before = FundingRecord.objects.count()
    upload(bureau_client, HEADER + ",2019,fieldlab,no-such-lab,regional,,1,cash,realised,,,illustrative,,\n")
    bad = Job.objects.get(kind="import_preview")
    assert bad.result["ok"] is False
    assert bureau_client.post("/funding/import/confirm/", {"job": bad.pk}).url == "/funding/import/"
    upload(noord_client, HEADER + ",2019,fieldlab,rosf,regional,,1,cash,realised,,,illustrative,,\n")
    good = Job.objects.filter(kind="import_preview").latest("pk")
    assert good.result["ok"] is True
    assert bureau_client.post("/funding/import/confirm/", {"job": good.pk}).url == "/funding/import/"  # not theirs
    assert not Job.objects.filter(kind="import_confirm").exists()
    assert FundingRecord.objects.count() == before


def test_the_file_is_stored_on_the_job_and_the_task_gets_the_job_id_only(bureau_client, network):
    content = HEADER + ",2019,fieldlab,rosf,regional,,1,cash,realised,,,illustrative,,\n"
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        response = bureau_client.post("/funding/import/", {"file": SimpleUploadedFile("r.csv", content.encode())})
    job = Job.objects.get()
    assert response.url == f"/jobs/{job.pk}/"
    assert (job.kind, job.status, job.owner, job.filename) == ("import_preview", "pending", network["bureau"], "r.csv")
    assert job.file.read().decode() == content
    with patch("jobs.services.signature") as signature:
        for callback in callbacks:
            callback()
    # The task gets the job id and nothing else: no rows through the broker, none in the session.
    signature.assert_called_once_with("jobs.run", args=(job.pk,))  # the one job task; the work is found by kind
    page = bureau_client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in page.content.decode()  # still pending: the fragment keeps polling
    assert not any(key.startswith("funding_import") for key in bureau_client.session.keys())  # noqa: SIM118


def test_the_import_reports_progress_as_it_goes(network):
    """The service calls back with (done, total), rising to the total: what the task turns into job progress."""
    fieldlabs = [factories.FieldlabFactory(hub=network["zuid"]) for _ in range(3)]
    rows = [
        {"year": str(year), "recipient_kind": "fieldlab", "recipient": lab.slug, "source": "eu", "amount": "1"}
        for lab in fieldlabs
        for year in range(2010, 2040)
    ]
    assert len(rows) == 90
    calls = []
    result = funding_records_import(
        rows=rows, actor=network["bureau"], dry_run=False, progress=lambda done, total: calls.append((done, total))
    )
    assert result.ok
    assert calls[-1] == (90, 90) and all(total == 90 for _done, total in calls)
    assert [done for done, _total in calls] == sorted(done for done, _total in calls)  # never goes back
    assert any(0 < done < 90 for done, _total in calls)  # at least once before the end


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, databases=list(settings.DATABASES))
def test_a_real_worker_reports_import_progress_on_the_job(network, settings, monkeypatch):
    """With a broker the import job runs in a worker and its progress is on the job row while it runs (on
    PostgreSQL through the "jobs" connection, committed while the import's own transaction is still open).

    The worker runs in a thread of this process. After its first progress write between 0 and the end it waits
    until this test has read the job row from its own connection, so the check does not depend on how fast the
    import is (polling missed it once the import became set-wise and fast)."""
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL not set: there is no broker to send the task to")
    settings.JOBS_PROGRESS_DATABASE = "jobs" if "jobs" in settings.DATABASES else "default"
    fieldlabs = [factories.FieldlabFactory(hub=network["zuid"]) for _ in range(10)]
    lines = [
        f",{year},fieldlab,{lab.slug},{source},,1,cash,realised,,,illustrative,,\n"
        for lab in fieldlabs
        for year in range(2015, 2020)
        for source in ("eu", "regional", "national", "companies")
    ]
    written, read = threading.Event(), threading.Event()
    original = jobs_services.job_progress

    def progress_then_wait(*, job_id, done, total):
        original(job_id=job_id, done=done, total=total)
        if 0 < done < total and not written.is_set():
            written.set()
            read.wait(timeout=30)  # the worker holds here, mid-import, until the test has looked

    monkeypatch.setattr(jobs_services, "job_progress", progress_then_wait)
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
            job = job_create(
                kind="import_confirm",
                owner=network["bureau"],
                file=ContentFile((HEADER + "".join(lines)).encode()),
                filename="records.csv",
            )
            try:
                assert written.wait(timeout=120), "the worker never wrote progress before the end"
                job.refresh_from_db()
                midway = (job.status, job.total, 0 < job.done < 200)
                imported_meanwhile = FundingRecord.objects.filter(fieldlab__in=fieldlabs).count()
            finally:
                read.set()
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not job.finished:
                time.sleep(0.05)
                job.refresh_from_db()
    finally:
        celery_app.conf.task_always_eager = True
    assert midway == ("running", 200, True)  # progress was visible, committed, before the end
    assert imported_meanwhile == 0  # ... while the import's own transaction was still open
    assert (job.status, job.result["created"], job.done, job.total) == ("done", 200, 200, 200)
    assert FundingRecord.objects.filter(fieldlab__in=fieldlabs).count() == 200


def test_analysts_cannot_import(analyst_client):
    assert analyst_client.get("/funding/import/").status_code == 403
