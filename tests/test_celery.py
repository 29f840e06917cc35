"""Celery: eager in-process without a broker; with REDIS_URL a real worker runs a real task end to end."""

import pytest
from django.conf import settings

from evaluation.tasks import reference_data_load_task
from registry.models import Fieldlab
from smartindustry.celery import app as celery_app


@pytest.mark.django_db
def test_without_broker_tasks_run_eagerly_in_process():
    assert celery_app.conf.task_always_eager
    result = reference_data_load_task.delay()
    assert result.get()["created"]["Fieldlab"] == 47
    assert Fieldlab.objects.count() == 47


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_a_task_through_redis():
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL not set: there is no broker to send the task to")
    from celery.contrib.testing.worker import start_worker

    assert celery_app.conf.broker_url == settings.REDIS_URL
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
            result = reference_data_load_task.delay()
            outcome = result.get(timeout=120)
    finally:
        celery_app.conf.task_always_eager = True
    assert result.successful()
    assert outcome["created"]["Fieldlab"] == 47
    # The worker wrote through its own database connection; the test sees the rows.
    assert Fieldlab.objects.count() == 47


def test_one_task_runs_every_job_and_no_app_names_its_own():
    """Every job, whatever its kind, goes through jobs.run (its work found by kind in jobs.registry): no task of an
    upper app's job kind is left for a sender to name."""
    from jobs.choices import JobKind
    from jobs.registry import job_kinds_registered

    # The reference-data load is a plain background task, not a job (no owner, no row): the one task apps keep.
    plain_tasks = {"evaluation.reference_data_load"}
    job_tasks = {name for name in celery_app.tasks if name.startswith(("funding.", "evaluation."))} - plain_tasks
    assert job_tasks == set()  # was funding.import_preview, funding.import_confirm, funding.export, evaluation.run
    assert {"jobs.run", "jobs.sweep"} <= set(celery_app.tasks)
    assert job_kinds_registered() == set(JobKind.values)


@pytest.mark.django_db
def test_without_broker_a_job_runs_eagerly_through_the_one_task(django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    from jobs.services import job_create
    from tests import factories

    owner = factories.CoordinatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(kind="import_preview", owner=owner, file=ContentFile(b"year\n2019\n"), filename="x.csv")
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 1)  # run by the import check's work: columns are missing
    assert job.error.startswith("Columns missing")
