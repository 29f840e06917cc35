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
