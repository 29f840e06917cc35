"""Evaluation runs: frozen, reproducible, comparable; started by the bureau as a job, sent after commit, run and
swept as every other job."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evaluation.comparison import evaluation_run_comparison
from evaluation.models import EvaluationRun, RecommendationCheck
from evaluation.services import RUN_STEPS, evaluation_run_start
from funding.services import funding_record_approve, funding_record_update
from jobs.models import Job
from jobs.services import job_run
from tests import factories

pytestmark = pytest.mark.django_db


def _run(actor, django_capture_on_commit_callbacks, **parameters):
    with django_capture_on_commit_callbacks(execute=True):
        run = evaluation_run_start(actor=actor, parameters=parameters or None)
    return EvaluationRun.objects.select_related("job").get(pk=run.pk)  # as the API reads it, its job with it


def test_run_freezes_parameters_fingerprint_results_and_who(
    evaluation_data, bureau_user, django_capture_on_commit_callbacks
):
    run = _run(bureau_user, django_capture_on_commit_callbacks)
    assert run.job.status == "done"
    assert run.parameters == {"year_min": 2015, "year_max": 2019}
    assert len(run.fingerprint) == 64
    assert run.job.owner == bureau_user and run.job.started_at and run.job.finished_at
    assert run.results["funding_total"] == {"amount": "760.00", "records": 7}
    overall = {r["activity_type"]: r["verdict"] for r in run.results["effectiveness"]["overall"]}
    assert overall["activate"] == "partly_effective"
    checks = dict(RecommendationCheck.objects.filter(run=run).values_list("recommendation__code", "status"))
    assert checks == {
        "national_modules": "partly",
        "skills_scope": "not_met",
        "target_groups": "not_met",
        "lead_levels": "partly",
        "intervention_logic": "partly",
    }


def test_enqueued_only_on_commit(evaluation_data, bureau_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = evaluation_run_start(actor=bureau_user, parameters=None)
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.job.status == "pending" and run.results is None  # nothing ran inside the transaction


def test_two_runs_on_unchanged_data_are_identical(evaluation_data, bureau_user, django_capture_on_commit_callbacks):
    first = _run(bureau_user, django_capture_on_commit_callbacks)
    second = _run(bureau_user, django_capture_on_commit_callbacks)
    assert first.results == second.results
    assert first.fingerprint == second.fingerprint
    comparison = evaluation_run_comparison(run=second, other=first)
    assert comparison["identical_results"] and comparison["same_fingerprint"]
    assert comparison["result_changes"] == [] and comparison["data_changes"] == []


def test_a_changed_approved_record_shows_in_the_comparison(
    evaluation_data, bureau_user, django_capture_on_commit_callbacks
):
    first = _run(bureau_user, django_capture_on_commit_callbacks)
    record = evaluation_data.r4  # F3 2017 companies 300.00, approved
    changed = funding_record_update(record=record, actor=bureau_user, data={"amount": Decimal("330.00")})
    # A new amount goes back to review; it counts again once approved.
    assert changed.status == "submitted"
    funding_record_approve(record=changed, actor=bureau_user)
    second = _run(bureau_user, django_capture_on_commit_callbacks)

    comparison = evaluation_run_comparison(run=first, other=second)
    assert not comparison["same_fingerprint"] and not comparison["identical_results"]
    changes = {c["path"]: (c["before"], c["after"]) for c in comparison["result_changes"]}
    assert changes["funding_total.amount"] == ("760.00", "790.00")
    assert changes["funding_by_source_year[source=companies,year=2017].amount"] == ("300.00", "330.00")
    assert changes["leverage.private"] == ("400.00", "430.00")
    assert [c["table"] for c in comparison["data_changes"]] == ["funding_records"]
    # … and why: the audited change between the runs, with who made it.
    why = [h for h in comparison["changes_between_runs"] if h["model"] == "fundingrecord"]
    assert [(h["record_id"], h["change"], h["user"], h["amount"], h["reason"]) for h in why] == [
        (record.pk, "changed", "bureau", "330.00", "changed: amount; back to review"),
        (record.pk, "changed", "bureau", "330.00", "approved"),
    ]


def test_only_the_bureau_starts_runs(evaluation_data, analyst_user, coordinator):
    for user in (analyst_user, coordinator):
        with pytest.raises(PermissionDenied):
            evaluation_run_start(actor=user, parameters=None)
    assert not EvaluationRun.objects.exists() and not Job.objects.exists()


def test_bad_parameters_change_nothing(evaluation_data, bureau_user):
    with pytest.raises(ValidationError):
        evaluation_run_start(actor=bureau_user, parameters={"year_min": 2019, "year_max": 2015})
    with pytest.raises(ValidationError):
        evaluation_run_start(actor=bureau_user, parameters={"colour": "red"})
    assert not EvaluationRun.objects.exists() and not Job.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_run_outside_any_transaction_takes_one_snapshot(evaluation_data, bureau_user):
    """The production path: the job runner runs the run's registered work outside any transaction, and the work
    opens the outermost one itself (REPEATABLE READ on PostgreSQL)."""
    from unittest.mock import patch

    from django.db import connection

    from evaluation import services

    isolation = []

    def fingerprint(**window):  # what the snapshot's transaction is, seen from inside it
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW transaction_isolation")
                isolation.append(cursor.fetchone()[0])
        else:
            isolation.append("serialised" if connection.in_atomic_block else "autocommit")
        return real(**window)

    real = services.evaluation_data_fingerprint
    run = factories.EvaluationRunFactory(job__owner=bureau_user)
    with patch("evaluation.services.evaluation_data_fingerprint", side_effect=fingerprint):
        job_run(job_id=run.job_id, beat=False)
    assert isolation == ["repeatable read" if connection.vendor == "postgresql" else "serialised"]
    run.refresh_from_db()
    assert run.job.status == "done" and run.results["funding_total"]["amount"] == "760.00"
    assert run.job.result == {"run": run.pk, "fingerprint": run.fingerprint}
    assert job_run(job_id=run.job_id, beat=False) is None  # a done run is left as it is
    run.job.refresh_from_db()
    assert run.job.attempts == 1 and RecommendationCheck.objects.filter(run=run).count() == 5


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_freezes_a_run_through_redis(evaluation_data, bureau_user):
    from django.conf import settings

    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL not set: there is no broker to send the task to")
    from celery.contrib.testing.worker import start_worker

    from smartindustry.celery import app as celery_app

    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
            run = evaluation_run_start(actor=bureau_user, parameters=None)  # autocommit: enqueued at once
            import time

            for _ in range(600):  # the worker commits through its own connection; poll the row, not the clock
                run.refresh_from_db()
                if run.job.status in ("done", "failed"):
                    break
                time.sleep(0.1)
    finally:
        celery_app.conf.task_always_eager = True
    assert run.job.status == "done", run.job.error
    assert run.results["funding_total"]["amount"] == "760.00"
    assert (run.job.kind, run.job.done, run.job.total, run.job.attempts) == ("evaluation_run", RUN_STEPS, RUN_STEPS, 1)


def test_comparison_query_count_does_not_grow(evaluation_data, bureau_user, django_capture_on_commit_callbacks):
    first = _run(bureau_user, django_capture_on_commit_callbacks)
    second = _run(bureau_user, django_capture_on_commit_callbacks)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        evaluation_run_comparison(run=first, other=second)
    for record in (evaluation_data.r1, evaluation_data.r2, evaluation_data.r3):
        funding_record_update(record=record, actor=bureau_user, data={"amount": record.amount + 1})
    third = _run(bureau_user, django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as after:
        comparison = evaluation_run_comparison(run=second, other=third)
    assert len(after.captured_queries) == len(before.captured_queries) == 7  # one history query per tracked model
    assert len([h for h in comparison["changes_between_runs"] if h["model"] == "fundingrecord"]) == 3


def test_a_run_is_a_job_on_the_jobs_api(
    evaluation_data, token_client, client, bureau_user, analyst_user, django_capture_on_commit_callbacks
):
    """Started through the runs API, the run is a job like every other: kind, status, progress and owner at
    /api/v1/jobs/<id>/ (the owner's and the bureau's, as every job); analysts read the run itself, as before."""
    bureau_client, analyst_client = token_client(bureau_user), token_client(analyst_user)
    with django_capture_on_commit_callbacks(execute=True):
        started = bureau_client.post("/api/v1/evaluation/runs/", {}, format="json").json()
    job = bureau_client.get(f"/api/v1/jobs/{started['job']}/").json()
    run = EvaluationRun.objects.get(pk=started["id"])
    assert (job["kind"], job["status"], job["owner"]) == ("evaluation_run", "done", "bureau")
    assert (job["done"], job["total"]) == (RUN_STEPS, RUN_STEPS)
    assert job["result"] == {"run": run.pk, "fingerprint": run.fingerprint}
    assert job["id"] in [j["id"] for j in bureau_client.get("/api/v1/jobs/").json()["results"]]
    assert analyst_client.get(f"/api/v1/jobs/{started['job']}/").status_code == 404
    shown = analyst_client.get(f"/api/v1/evaluation/runs/{run.pk}/").json()
    assert (shown["status"], shown["created_by"], shown["job"]) == ("done", "bureau", job["id"])
    assert (shown["started_at"], shown["finished_at"]) == (job["started_at"], job["finished_at"])
    client.force_login(bureau_user)
    page = client.get(f"/jobs/{job['id']}/").content.decode()  # the job's page leads to the run
    assert f'href="/evaluation/runs/{run.pk}/"' in page
    admin = client.get("/admin/evaluation/evaluationrun/").content.decode()  # status and who, from the job
    assert ">Done<" in admin and ">bureau<" in admin


def test_a_run_reports_its_progress_on_its_job(evaluation_data, bureau_user):
    """Each step (the data's fingerprint, the results, both frozen) on the job's row as it goes."""
    from unittest.mock import patch

    from jobs import services as job_services

    run = factories.EvaluationRunFactory(job__owner=bureau_user)
    with patch("jobs.services.job_progress", wraps=job_services.job_progress) as progress:
        job_run(job_id=run.job_id, beat=False)
    assert [(c.kwargs["done"], c.kwargs["total"]) for c in progress.call_args_list] == [(0, 3), (1, 3), (2, 3)]
    run.job.refresh_from_db()
    assert (run.job.done, run.job.total, run.job.percent) == (3, 3, 100)


def test_a_failed_run_keeps_no_results_and_says_why_without_the_traceback(evaluation_data, bureau_user):
    from unittest.mock import patch

    run = factories.EvaluationRunFactory(job__owner=bureau_user)
    with patch("evaluation.services.evaluation_results", side_effect=ConnectionError("server at 10.0.0.7:5432")):
        job_run(job_id=run.job_id, beat=False)
    run.refresh_from_db()
    assert run.job.status == "failed" and run.results is None and not run.fingerprint
    assert run.job.error == "The job failed unexpectedly (ConnectionError). The log has the details."
    assert not RecommendationCheck.objects.filter(run=run).exists()
