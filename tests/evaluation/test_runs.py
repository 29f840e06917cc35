"""Evaluation runs: frozen, reproducible, comparable; started by the bureau through a task after commit."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evaluation.comparison import evaluation_run_comparison
from evaluation.models import EvaluationRun, RecommendationCheck
from evaluation.services import evaluation_run_start
from funding.services import funding_record_approve, funding_record_update

pytestmark = pytest.mark.django_db


def _run(actor, django_capture_on_commit_callbacks, **parameters):
    with django_capture_on_commit_callbacks(execute=True):
        run = evaluation_run_start(actor=actor, parameters=parameters or None)
    run.refresh_from_db()
    return run


def test_run_freezes_parameters_fingerprint_results_and_who(
    evaluation_data, bureau_user, django_capture_on_commit_callbacks
):
    run = _run(bureau_user, django_capture_on_commit_callbacks)
    assert run.status == "done"
    assert run.parameters == {"year_min": 2015, "year_max": 2019}
    assert len(run.fingerprint) == 64
    assert run.created_by == bureau_user and run.started_at and run.finished_at
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
    assert run.status == "pending"  # nothing ran inside the transaction


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
    assert not EvaluationRun.objects.exists()


def test_bad_parameters_change_nothing(evaluation_data, bureau_user):
    with pytest.raises(ValidationError):
        evaluation_run_start(actor=bureau_user, parameters={"year_min": 2019, "year_max": 2015})
    with pytest.raises(ValidationError):
        evaluation_run_start(actor=bureau_user, parameters={"colour": "red"})
    assert not EvaluationRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_run_outside_any_transaction_takes_one_snapshot(evaluation_data, bureau_user):
    """The production path: the service opens the outermost transaction itself (REPEATABLE READ on PostgreSQL)."""
    from evaluation.services import evaluation_run_execute

    run = EvaluationRun.objects.create(created_by=bureau_user, parameters={"year_min": 2015, "year_max": 2019})
    evaluation_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "done" and run.results["funding_total"]["amount"] == "760.00"
    assert evaluation_run_execute(run_id=run.pk).finished_at == run.finished_at  # a done run is left as it is


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
            from evaluation.tasks import evaluation_run_task

            assert evaluation_run_task.name == "evaluation.run"
            import time

            for _ in range(600):  # the worker commits through its own connection; poll the row, not the clock
                run.refresh_from_db()
                if run.status in ("done", "failed"):
                    break
                time.sleep(0.1)
    finally:
        celery_app.conf.task_always_eager = True
    assert run.status == "done", run.error
    assert run.results["funding_total"]["amount"] == "760.00"


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
