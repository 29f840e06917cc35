"""“Export this view” above EXPORT_STREAM_MAX_ROWS: the funding list becomes a job whose page offers the file; an
XLSX above Excel's limit and a large export of a list without jobs are refused with a message, never cut short."""

from django.contrib.messages import get_messages

from core.exporters import base, delivery
from jobs.models import Job
from jobs.tasks import job_run_task


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def run_job(job: Job) -> Job:
    # Inside the test's transaction the commit hook never sends the task; run it as the worker would.
    if job.status == "pending":
        job_run_task.apply(args=(job.pk,))
    job.refresh_from_db()
    return job


def test_a_large_funding_export_becomes_a_job_with_the_same_file(noord_client, network, settings):
    view = "/funding/?source=regional&source=companies&sort=-amount"
    settings.EXPORT_STREAM_MAX_ROWS = 1000
    streamed = body_of(noord_client.get(view + "&format=csv"))
    assert streamed.startswith(b"\xef\xbb\xbfid,year,")

    settings.EXPORT_STREAM_MAX_ROWS = 1
    response = noord_client.get(view + "&format=csv")
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert (job.kind, job.owner, job.filename) == ("export", network["coord_noord"], "funding-records.csv")
    job = run_job(job)
    assert job.status == "done", job.error
    page = noord_client.get(response.url).content.decode()
    assert f"/jobs/{job.pk}/download/" in page
    downloaded = body_of(noord_client.get(f"/jobs/{job.pk}/download/"))
    assert downloaded == streamed  # the same columns, rows, order and BOM as the streamed file
    assert job.result == {"rows": len(streamed.splitlines()) - 1}


def test_another_user_cannot_open_the_export_job_or_its_file(noord_client, zuid_client, bureau_client, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 1
    job_url = noord_client.get("/funding/?format=csv").url
    job = run_job(Job.objects.get())
    assert zuid_client.get(job_url).status_code == 404
    assert zuid_client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert bureau_client.get(f"/jobs/{job.pk}/download/").status_code == 200


def test_an_xlsx_job_of_the_funding_list(bureau_client, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 1
    response = bureau_client.get("/funding/?format=xlsx")
    job = run_job(Job.objects.get())
    assert response.url == f"/jobs/{job.pk}/"
    assert job.status == "done" and job.filename == "funding-records.xlsx"
    assert job.file.open("rb").read(2) == b"PK"  # a zip: the workbook


def test_an_xlsx_above_excels_limit_is_refused_with_a_message(bureau_client, monkeypatch):
    monkeypatch.setattr(base, "XLSX_MAX_DATA_ROWS", 2)
    response = bureau_client.get("/funding/?source=regional&format=xlsx")
    assert response.status_code == 302 and response.url == "?source=regional"
    [message] = list(get_messages(response.wsgi_request))
    assert "an Excel sheet holds at most 2" in str(message)
    assert not Job.objects.exists()


def test_every_list_becomes_a_job_above_the_bound(bureau_client, settings):
    """The hub list as the funding list: one stream-or-job decision for every exporter (core.exporters)."""
    settings.EXPORT_STREAM_MAX_ROWS = 1000
    streamed = body_of(bureau_client.get("/hubs/?format=csv"))
    settings.EXPORT_STREAM_MAX_ROWS = 1
    response = bureau_client.get("/hubs/?format=csv")
    job = run_job(Job.objects.get())
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert (job.status, job.filename, job.parameters["exporter"]) == ("done", "hubs.csv", "portal:hubs")
    assert body_of(bureau_client.get(f"/jobs/{job.pk}/download/")) == streamed


def test_without_jobs_a_large_export_is_refused_with_a_message(bureau_client, settings, monkeypatch):
    """Where no job can write the file (the jobs app hands none over), a large export is refused, never cut short."""
    monkeypatch.setattr(delivery, "_job_starter", None)
    settings.EXPORT_STREAM_MAX_ROWS = 1
    response = bureau_client.get("/hubs/?format=csv")
    assert response.status_code == 302
    [message] = list(get_messages(response.wsgi_request))
    assert "Narrow the selection" in str(message)
    assert not Job.objects.exists()
