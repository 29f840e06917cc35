"""Spreadsheet import: the export's columns, a preview with row-by-row errors, then all rows or none."""

import io
import time
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from funding.importers import funding_records_import
from funding.models import FundingRecord
from funding.tasks import funding_import_task
from smartindustry.celery import app as celery_app
from tests import factories

from .conftest import rows, text

HEADER = "id,year,recipient_kind,recipient,source,funder,amount,kind,realisation,activity_type,status,provenance,provenance_source,evidence_note\n"  # noqa: E501


def upload(client, content: str, name="records.csv"):
    return client.post("/funding/import/", {"file": SimpleUploadedFile(name, content.encode("utf-8"))})


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
    response = bureau_client.post("/funding/import/confirm/")
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
    bureau_client.post("/funding/import/confirm/")
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
    response = bureau_client.post("/funding/import/", {"file": SimpleUploadedFile("records.xlsx", buffer.getvalue())})
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
    response = upload(bureau_client, "year,amount\n2019,5\n")
    assert response.status_code == 400
    assert "Columns missing: recipient_kind, recipient, source." in response.content.decode()
    response = upload(bureau_client, "whatever", name="records.pdf")
    assert response.status_code == 400


def test_confirm_without_a_checked_file_does_nothing(bureau_client, network):
    before = FundingRecord.objects.count()
    response = bureau_client.post("/funding/import/confirm/")
    assert response.status_code == 302
    assert FundingRecord.objects.count() == before


def test_large_file_goes_through_the_import_task_and_its_job_page(bureau_client, network, monkeypatch):
    """Above the row limit the import is handed to the Celery task and the page follows its job. Here (no broker)
    the task runs eagerly, in this request: what this proves is the hand-over and the result. That the worker
    reports progress while it runs is proven below, through a real worker on Redis."""
    from funding import views

    monkeypatch.setattr(views, "IMPORT_BACKGROUND_ROWS", 20)  # keep the test small; the rule is the same
    fieldlabs = [factories.FieldlabFactory(hub=network["zuid"]) for _ in range(5)]
    lines = [
        f",{year},fieldlab,{fieldlab.slug},companies,,{index + 1},cash,realised,,,illustrative,,\n"
        for index, (fieldlab, year) in enumerate((f, y) for f in fieldlabs for y in range(2015, 2020))
    ]
    assert len(lines) == 25  # more than the rows done in the request
    upload(bureau_client, HEADER + "".join(lines))
    response = bureau_client.post("/funding/import/confirm/")
    assert response.status_code == 302 and response.url.startswith("/funding/import/jobs/")
    page = bureau_client.get(response.url)
    assert "Imported: 25 new and 0 changed records." in text(page, "import-result")
    # 1 + 2 + … + 25 euros = 25 × 26 / 2 = 325.
    total = sum(FundingRecord.objects.filter(fieldlab__in=fieldlabs).values_list("amount", flat=True))
    assert total == Decimal("325.00")


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
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reports_import_progress_through_redis(network):
    """With a broker the task runs in a worker and its progress is readable while it runs (state PROGRESS)."""
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL not set: there is no broker to send the task to")
    fieldlabs = [factories.FieldlabFactory(hub=network["zuid"]) for _ in range(10)]
    rows = [
        {"year": str(year), "recipient_kind": "fieldlab", "recipient": lab.slug, "source": source, "amount": "1"}
        for lab in fieldlabs
        for year in range(2015, 2020)
        for source in ("eu", "regional", "national", "companies")
    ]
    seen = []
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
            result = funding_import_task.delay(rows=rows, actor_id=network["bureau"].pk)
            deadline = time.monotonic() + 120
            while not result.ready() and time.monotonic() < deadline:
                meta = result.backend.get_task_meta(result.id)  # state and info read together, in one fetch
                if meta["status"] == "PROGRESS":
                    seen.append(meta["result"]["done"])
                time.sleep(0.02)
            outcome = result.get(timeout=5)
    finally:
        celery_app.conf.task_always_eager = True
    assert outcome["created"] == len(rows) == 200
    assert seen and all(0 < done <= 200 for done in seen)
    assert any(done < 200 for done in seen)  # progress was visible before the end
    assert FundingRecord.objects.filter(fieldlab__in=fieldlabs).count() == 200


def test_analysts_cannot_import(analyst_client):
    assert analyst_client.get("/funding/import/").status_code == 403
