"""Fault test: a real Celery worker process is killed (SIGKILL) in the middle of an evaluation run and of an import.

Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL; CI sets both): the worker is a separate process that must see
the test's database and broker. The run and the import are held mid-job by a table lock they wait on (the run's
computation reads the funding records; the import checks every row and then waits to write them), so the kill
lands mid-job however fast the machine is. Then the worker's process group is killed, and the sweeper ends what is left:
`failed` with a reason, never stuck `running`. The sweeper is called with its clock moved past the stale bound
(JOBS_STALE_MINUTES), which is what the worker's beat does that many minutes later.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from evaluation.services import evaluation_run_start
from funding.models import FundingRecord
from jobs.models import Job
from jobs.services import job_create, jobs_sweep
from smartindustry.celery import app as celery_app
from tests import factories

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

HEADER = "id,year,recipient_kind,recipient,source,funder,amount,kind,realisation,activity_type,status,provenance,provenance_source,evidence_note\n"  # noqa: E501


@pytest.fixture
def real_services():
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL (PostgreSQL) and REDIS_URL: the worker is a separate process")
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(media_root, log_path, name: str, **extra_env):
    """A real `celery worker` (prefork, one child) in its own process group; returns a function that kills it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "smartindustry.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(media_root),
        "JOBS_HEARTBEAT_SECONDS": "1",
        "JOBS_PROGRESS_DATABASE": "jobs",  # progress on its own connection, as in production
        **extra_env,
    }
    celery = Path(sys.executable).with_name("celery")
    log = open(log_path, "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(celery),
            "-A",
            "smartindustry",
            "worker",
            "--concurrency=1",
            "--loglevel=INFO",
            "-n",
            f"{name}-{os.getpid()}@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def kill() -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # the worker and its pool child: a whole-worker kill -9
            process.wait(timeout=10)
        log.close()

    return kill


@pytest.fixture
def worker(real_services, media_root, tmp_path):
    kill = start_worker(media_root, tmp_path / "worker.log", "faults")
    yield kill
    kill()


def wait_for(condition, seconds=90, what="condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def sweep_later():
    """The sweeper as the beat runs it once the stale bound has passed."""
    later = timezone.now() + timedelta(minutes=settings.JOBS_STALE_MINUTES, seconds=settings.JOBS_SWEEP_SECONDS)
    return jobs_sweep(now=later)


def test_a_worker_killed_during_an_evaluation_run_leaves_a_failed_run_with_a_reason(worker, bureau_user):
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
    ) as blocker:
        # The run's computation reads funding records: hold them locked so the run stays mid-computation.
        blocker.execute("LOCK TABLE funding_fundingrecord IN ACCESS EXCLUSIVE MODE")
        run = evaluation_run_start(actor=bureau_user, parameters={"year_min": 2015, "year_max": 2019})
        job = Job.objects.filter(pk=run.job_id)  # the run is a job: the one runner starts it and stamps its row
        wait_for(lambda: job.filter(status="running").exists(), what="running")
        first = job.get().heartbeat_at
        wait_for(lambda: job.get().heartbeat_at > first, what="a heartbeat")
        worker()
        blocker.rollback()
    run.refresh_from_db()
    assert run.job.status == "running" and run.results is None  # what was stuck forever before the sweeper
    assert jobs_sweep()["failed_stale"] == 0  # a fresh heartbeat: not yet
    assert sweep_later()["failed_stale"] == 1  # the one sweeper, as for every job
    run.refresh_from_db()
    assert run.job.status == "failed" and run.results is None
    assert "stopped answering" in run.job.error and run.job.finished_at


@contextmanager
def writes_to_funding_records_held():
    """A SHARE lock on the funding records from another connection: reads go on, the import's write waits."""
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
    ) as blocker:
        blocker.execute("LOCK TABLE funding_fundingrecord IN SHARE MODE")
        try:
            yield
        finally:
            blocker.rollback()


def _import_job(owner, *, fieldlabs: int):
    """An import job of one line per new fieldlab × year 2015–2024 × source (50 lines a fieldlab), sent to a worker."""
    labs = factories.FieldlabFactory.create_batch(fieldlabs, start_year=2010)
    lines = [
        f",{year},fieldlab,{lab.slug},{source},,1,cash,realised,,,illustrative,,\n"
        for lab in labs
        for year in range(2015, 2025)
        for source in ("eu", "regional", "national", "companies", "knowledge")
    ]
    file = ContentFile((HEADER + "".join(lines)).encode())
    return job_create(kind="import_confirm", owner=owner, file=file, filename="records.csv"), lines


def test_a_worker_killed_during_an_import_leaves_a_failed_job_and_nothing_imported(worker, bureau_user):
    before = FundingRecord.objects.count()
    with writes_to_funding_records_held():
        job, lines = _import_job(bureau_user, fieldlabs=40)
        wait_for(lambda: Job.objects.get(pk=job.pk).done >= 100, what="import progress")
        worker()
    job.refresh_from_db()
    assert job.status == "running" and job.done >= 100 and job.total == len(lines) == 2000
    assert FundingRecord.objects.count() == before  # all or nothing: the killed transaction rolled back
    assert sweep_later()["failed_stale"] == 1
    job.refresh_from_db()
    assert job.status == "failed" and "stopped answering" in job.error and "Nothing was saved" in job.error


def test_a_job_whose_worker_was_killed_completes_after_redelivery(real_services, media_root, tmp_path, bureau_user):
    """acks_late: the killed worker never acknowledged the task, so Redis gives it to the next worker once the
    visibility timeout (JOBS_REDELIVERY_SECONDS, shortened here) has passed. That worker takes the job over (its
    heartbeat is stale), runs the import again from the start (the first attempt's transaction was rolled back) and
    ends it `done`: every row imported once."""
    redelivery = {"JOBS_REDELIVERY_SECONDS": "4", "JOBS_REDELIVERY_CHECK_SECONDS": "1"}
    kill_first = start_worker(media_root, tmp_path / "first.log", "first", **redelivery)
    before = FundingRecord.objects.count()
    try:
        with writes_to_funding_records_held():
            job, lines = _import_job(bureau_user, fieldlabs=20)
            wait_for(lambda: Job.objects.get(pk=job.pk).done >= 50, what="import progress")
            kill_first()
        job.refresh_from_db()
        assert job.status == "running" and job.attempts == 1
        assert FundingRecord.objects.count() == before  # the killed attempt wrote nothing
        kill_second = start_worker(media_root, tmp_path / "second.log", "second", **redelivery)
        try:
            wait_for(lambda: Job.objects.get(pk=job.pk).status in ("done", "failed"), seconds=600, what="the end")
        finally:
            kill_second()
    finally:
        kill_first()
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.attempts >= 2  # started again by the redelivered task
    assert FundingRecord.objects.count() == before + len(lines) == before + 1000
