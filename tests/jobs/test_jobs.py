"""Jobs as records: who sees them, how they end, and the sweeper that ends the ones nobody runs."""

import threading
from datetime import timedelta
from unittest.mock import patch

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from jobs.choices import JobKind
from jobs.models import Job
from jobs.registry import JobKindUnknown, job_kind_register, job_kind_work, job_kinds_registered
from jobs.services import JobRefused, job_create, job_fail, job_heartbeat, job_run, jobs_sweep
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return factories.CoordinatorFactory(username="owner")


def make_job(owner, **fields) -> Job:
    with TestCase.captureOnCommitCallbacks(execute=False):  # recorded, not run
        job = job_create(kind="import_preview", owner=owner, file=ContentFile(b"x"), filename="f.csv")
    Job.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def client_for(client, user):
    client.force_login(user)
    return client


# --- who sees a job -------------------------------------------------------------------------------------------


def test_the_owner_and_the_bureau_see_a_job_others_get_404(client, owner, bureau_user, analyst_user):
    job = make_job(owner)
    other_coordinator = factories.CoordinatorFactory(username="other")
    for user, status in [(owner, 200), (bureau_user, 200), (other_coordinator, 404), (analyst_user, 404)]:
        client.force_login(user)
        assert client.get(f"/jobs/{job.pk}/").status_code == status, user
        assert client.get(f"/api/v1/jobs/{job.pk}/").status_code == status, user


def test_anonymous_users_are_sent_to_log_in(client, owner):
    job = make_job(owner)
    assert client.get(f"/jobs/{job.pk}/").status_code == 302
    assert client.get(f"/api/v1/jobs/{job.pk}/").status_code in (401, 403)


def test_the_api_shows_progress_and_the_error_for_people(client, owner):
    job = make_job(owner, status="running", done=100, total=420)
    data = client_for(client, owner).get(f"/api/v1/jobs/{job.pk}/").json()
    assert (data["kind"], data["status"], data["done"], data["total"]) == ("import_preview", "running", 100, 420)
    job_fail(job_id=job.pk, error="Columns missing: year.")
    data = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert (data["status"], data["error"]) == ("failed", "Columns missing: year.")


def test_the_job_page_polls_until_the_job_is_finished(client, owner):
    job = make_job(owner, status="running", done=100, total=420)
    page = client_for(client, owner).get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in page and "100 / 420" in page
    job_fail(job_id=job.pk, error="The worker stopped answering.")
    page = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in page and "The worker stopped answering." in page


def test_the_old_import_job_page_is_gone(client, bureau_user):
    assert client_for(client, bureau_user).get("/funding/import/jobs/anything/").status_code == 404


# --- how a job ends -------------------------------------------------------------------------------------------


def test_an_unexpected_error_fails_the_job_without_the_traceback(owner):
    job = make_job(owner)

    def work(job, progress):
        raise ConnectionError("could not connect to server at 10.0.0.7 port 5432")

    job_run(job_id=job.pk, beat=False, work=work)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "The job failed unexpectedly (ConnectionError). The log has the details."
    assert "10.0.0.7" not in job.error and "5432" not in job.error


def test_a_refusal_is_the_jobs_error_as_written_and_a_result_finishes_it(owner):
    refused, done = make_job(owner), make_job(owner)

    def refuse(job, progress):
        raise JobRefused("The file is 30.0 MB; at most 20.0 MB can be imported.")

    job_run(job_id=refused.pk, beat=False, work=refuse)
    job_run(job_id=done.pk, beat=False, work=lambda job, progress: progress(3, 3) or {"ok": True})
    refused.refresh_from_db()
    done.refresh_from_db()
    assert (refused.status, refused.error) == ("failed", "The file is 30.0 MB; at most 20.0 MB can be imported.")
    assert (done.status, done.result, done.done, done.total, done.attempts) == ("done", {"ok": True}, 3, 3, 1)
    assert done.started_at and done.finished_at and done.heartbeat_at


def test_a_finished_job_or_one_a_live_worker_holds_is_not_run_again(owner):
    finished = make_job(owner, status="done", result={})
    held = make_job(owner, status="running", heartbeat_at=timezone.now())
    orphan = make_job(owner, status="running", heartbeat_at=timezone.now() - timedelta(minutes=10), attempts=1)
    calls = []
    for job in (finished, held, orphan):
        job_run(job_id=job.pk, beat=False, work=lambda job, progress: calls.append(job.pk) or {})
    assert calls == [orphan.pk]  # a redelivery after its worker died takes the job over
    orphan.refresh_from_db()
    assert (orphan.status, orphan.attempts) == ("done", 2)


def test_the_heartbeat_thread_stamps_the_rows_while_the_work_runs_and_stops_after():
    """In a real worker a thread stamps the job's row (on its own connection) while the work runs."""
    three_stamps = threading.Event()

    class Rows:
        stamps = []

        def update(self, **fields):
            self.stamps.append(fields["heartbeat_at"])
            if len(self.stamps) >= 3:
                three_stamps.set()

    rows = Rows()
    before = set(threading.enumerate())
    with patch("jobs.services.connections.close_all") as close_all, job_heartbeat(queryset=rows, every=0.01):
        [beat] = set(threading.enumerate()) - before
        assert three_stamps.wait(timeout=5)  # stamped again and again while the body runs
        assert beat.is_alive()
    # Leaving the block stops the thread and waits for it: no stamp can follow, and it closed its connection.
    assert not beat.is_alive()
    close_all.assert_called_once()


def test_without_a_broker_the_job_runs_eagerly_and_writes_its_row(client, bureau_user):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for(client, bureau_user).post(
            "/funding/import/",
            {"file": ContentFile(b"year,amount\n2019,5\n", name="x.csv")},
        )
    job = Job.objects.get()
    assert response.url == f"/jobs/{job.pk}/"
    assert (job.status, job.attempts) == ("failed", 1)
    assert job.error.startswith("Columns missing")


# --- the sweeper ----------------------------------------------------------------------------------------------


def test_the_sweeper_fails_a_running_job_whose_worker_is_gone(owner, settings):
    settings.JOBS_STALE_MINUTES = 5
    now = timezone.now()
    gone = make_job(owner, status="running", heartbeat_at=now - timedelta(minutes=6), done=100, total=420)
    alive = make_job(owner, status="running", heartbeat_at=now - timedelta(minutes=1))
    assert jobs_sweep(now=now)["failed_stale"] == 1
    gone.refresh_from_db()
    alive.refresh_from_db()
    assert gone.status == "failed" and alive.status == "running"
    assert "stopped answering (no sign of life for 5 minutes)" in gone.error


def test_the_sweepers_reason_is_in_the_language_of_the_page_that_started_the_job(owner, settings):
    settings.JOBS_STALE_MINUTES = 5
    settings.JOBS_PENDING_GIVE_UP_MINUTES = 60
    now = timezone.now()
    late = now - timedelta(minutes=6)
    dutch = make_job(owner, status="running", heartbeat_at=late, parameters={"language": "nl"})
    english = make_job(owner, status="running", heartbeat_at=late, parameters={"language": "en"})
    never = make_job(owner, status="pending", created_at=now - timedelta(hours=2), parameters={"language": "nl"})
    assert jobs_sweep(now=now)["failed_stale"] == 2
    for job in (dutch, english, never):
        job.refresh_from_db()
    assert "reageert niet meer" in dutch.error and "stopped answering" not in dutch.error
    assert "stopped answering (no sign of life for 5 minutes)" in english.error
    assert never.status == "failed" and "never started" not in never.error and "60" in never.error


def test_the_sweeper_resends_a_pending_job_then_gives_up(owner, settings):
    settings.JOBS_PENDING_RESEND_MINUTES, settings.JOBS_PENDING_GIVE_UP_MINUTES = 2, 60
    now = timezone.now()
    fresh = make_job(owner)
    late = make_job(owner, created_at=now - timedelta(minutes=3), sent_at=now - timedelta(minutes=3))
    lost = make_job(owner, created_at=now - timedelta(minutes=61), sent_at=now - timedelta(minutes=3))
    with patch("jobs.services.signature") as signature, TestCase.captureOnCommitCallbacks(execute=True):
        counts = jobs_sweep(now=now)
    assert counts == {"failed_stale": 0, "resent": 1, "failed_pending": 1}
    signature.assert_called_once_with("jobs.run", args=(late.pk,))  # the one job task, whatever the kind
    for job in (fresh, late, lost):
        job.refresh_from_db()
    assert (fresh.status, late.status, lost.status) == ("pending", "pending", "failed")
    assert "never started: the task queue did not deliver it for 60 minutes" in lost.error


def test_the_sweeper_resends_a_pending_job_once_per_interval_not_on_every_sweep(owner, settings):
    """A backed-up queue: the job stays pending over many sweeps. One message per JOBS_PENDING_RESEND_MINUTES, and
    its last sending is recorded on the row."""
    settings.JOBS_PENDING_RESEND_MINUTES, settings.JOBS_PENDING_GIVE_UP_MINUTES = 2, 60
    start = timezone.now()
    job = make_job(owner, created_at=start - timedelta(minutes=3), sent_at=start - timedelta(minutes=3))
    sent = []
    with patch("jobs.services.signature") as signature, TestCase.captureOnCommitCallbacks(execute=True):
        signature.side_effect = lambda name, args: sent.append(args) or signature.return_value
        for minute in range(10):  # a sweep a minute for ten minutes
            jobs_sweep(now=start + timedelta(minutes=minute))
    # Sent at minutes 0, 3 (more than 2 after 0), 6 and 9: never in two sweeps in a row.
    assert sent == [(job.pk,)] * 4
    job.refresh_from_db()
    assert job.status == "pending"
    assert job.sent_at == start + timedelta(minutes=9)


def test_a_fresh_job_counts_as_sent_so_the_first_sweep_leaves_it_alone(owner, settings):
    settings.JOBS_PENDING_RESEND_MINUTES = 2
    job = make_job(owner)
    assert job.sent_at is not None and job.sent_at <= timezone.now()
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    with patch("jobs.services.signature") as signature, TestCase.captureOnCommitCallbacks(execute=True):
        assert jobs_sweep(now=job.sent_at + timedelta(minutes=1))["resent"] == 0
        assert jobs_sweep(now=job.sent_at + timedelta(minutes=3))["resent"] == 1
    signature.assert_called_once_with("jobs.run", args=(job.pk,))


# --- an evaluation run is a job: the same runner and the one sweeper ---------------------------------------------


def test_the_one_sweeper_ends_a_stale_evaluation_run_and_resends_a_pending_one(bureau_user, settings):
    settings.JOBS_STALE_MINUTES, settings.JOBS_PENDING_RESEND_MINUTES = 5, 2
    now = timezone.now()
    gone = factories.EvaluationRunFactory(
        job__owner=bureau_user, job__status="running", job__heartbeat_at=now - timedelta(minutes=6)
    )
    beating = factories.EvaluationRunFactory(job__status="running", job__heartbeat_at=now - timedelta(seconds=20))
    waiting = factories.EvaluationRunFactory()
    Job.objects.filter(pk=waiting.job_id).update(created_at=now - timedelta(minutes=3))
    with patch("jobs.services.signature") as signature, TestCase.captureOnCommitCallbacks(execute=True):
        call_command("sweep_jobs", stdout=open("/dev/null", "w"))  # noqa: SIM115
    signature.assert_called_once_with("jobs.run", args=(waiting.job_id,))
    for run in (gone, beating, waiting):
        run.job.refresh_from_db()
    assert gone.job.status == "failed" and gone.job.finished_at
    assert "stopped answering (no sign of life for 5 minutes)" in gone.job.error
    assert (beating.job.status, waiting.job.status) == ("running", "pending")
    assert waiting.job.sent_at is not None  # sent again, and not again until JOBS_PENDING_RESEND_MINUTES pass


def test_the_sweepers_end_of_a_run_is_what_the_runs_api_and_the_jobs_api_answer(client, bureau_user, analyst_user):
    stale = timezone.now() - timedelta(hours=1)
    run = factories.EvaluationRunFactory(job__owner=bureau_user, job__status="running", job__heartbeat_at=stale)
    assert jobs_sweep()["failed_stale"] == 1
    job = client_for(client, bureau_user).get(f"/api/v1/jobs/{run.job_id}/").json()
    assert (job["kind"], job["status"], job["owner"]) == ("evaluation_run", "failed", "bureau")
    client.force_login(analyst_user)  # analysts read runs, not the bureau's jobs
    shown = client.get(f"/api/v1/evaluation/runs/{run.pk}/").json()
    assert (shown["status"], shown["job"], shown["error"]) == ("failed", run.job_id, job["error"])
    assert client.get(f"/api/v1/jobs/{run.job_id}/").status_code == 404


def test_a_run_the_sweeper_failed_or_a_live_worker_holds_is_not_computed_by_a_late_delivery():
    failed = factories.EvaluationRunFactory(job__status="failed", job__error="gone")
    held = factories.EvaluationRunFactory(job__status="running", job__heartbeat_at=timezone.now())
    with patch("evaluation.services.evaluation_results") as compute:
        assert job_run(job_id=failed.job_id, beat=False) is None
        assert job_run(job_id=held.job_id, beat=False) is None
    compute.assert_not_called()
    assert set(Job.objects.values_list("status", flat=True)) == {"failed", "running"}


# --- the kinds' work: registered by the apps that do it ---------------------------------------------------------


def test_every_job_kind_has_registered_work():
    assert job_kinds_registered() == set(JobKind.values)
    assert all(callable(job_kind_work(kind)) for kind in JobKind.values)


def test_a_kind_runs_the_work_its_app_registered_and_no_other():
    work = job_kind_work(JobKind.EXPORT)
    job_kind_register(JobKind.EXPORT, work=work)  # the same work again (a second ready()): nothing changes
    with pytest.raises(ValueError, match="already runs"):
        job_kind_register(JobKind.EXPORT, work=lambda job, progress: {})
    with pytest.raises(ValueError, match="not a job kind"):
        job_kind_register("cleanup", work=work)
    with pytest.raises(JobKindUnknown):
        job_kind_work("cleanup")
    assert job_kind_work(JobKind.EXPORT) is work


def test_the_runner_finds_the_work_by_the_jobs_kind(owner):
    job = make_job(owner)  # an import check of a file that is no CSV: its registered work refuses it with a reason
    job_run(job_id=job.pk, beat=False)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 1)
    assert job.error.startswith("Columns missing")  # the import check's own refusal, not an unexpected failure


def test_the_jobs_app_imports_no_app_above_it():
    """jobs sits above core and accounts only: it runs the work of funding, evaluation … through its registry."""
    import grimp

    above = {"registry", "review", "funding", "evaluation", "reporting", "smartindustry", "devtools"}
    graph = grimp.build_graph("jobs", *above, "core", "accounts")
    upward = {
        (importer, imported)
        for importer in graph.find_descendants("jobs") | {"jobs"}
        for imported in graph.find_modules_directly_imported_by(importer)
        if imported.split(".")[0] in above
    }
    assert upward == set()


def test_the_worker_schedules_the_sweeper(settings):
    from smartindustry.celery import app

    assert settings.CELERY_BEAT_SCHEDULE["sweep-jobs"]["task"] == "jobs.sweep"
    assert "jobs.sweep" in app.tasks
    task = app.tasks["jobs.run"]  # the one task that runs every job, evaluation runs included
    assert (task.acks_late, task.reject_on_worker_lost) == (True, True)
    assert task.soft_time_limit == settings.JOBS_SOFT_TIME_LIMIT < task.time_limit == settings.JOBS_HARD_TIME_LIMIT


def test_compose_shares_the_job_files_and_runs_the_sweeper():
    import yaml
    from django.conf import settings

    services = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())["services"]
    assert "media:/app/media" in services["web"]["volumes"] and "media:/app/media" in services["worker"]["volumes"]
    assert "--beat" in services["worker"]["command"]


def test_a_job_sent_while_the_broker_is_down_stays_pending_for_the_sweeper(client, bureau_user):
    """Sending fails (kombu's OperationalError): the request still answers with the job page; the job waits, pending,
    for the sweeper to send it again."""
    with patch("jobs.services.signature") as signature, TestCase.captureOnCommitCallbacks(execute=True):
        signature.return_value.delay.side_effect = OSError("Error 111 connecting to 127.0.0.1:6379.")
        response = client_for(client, bureau_user).post(
            "/funding/import/", {"file": ContentFile(b"year,amount\n2019,5\n", name="x.csv")}
        )
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert job.status == "pending"
    assert signature.return_value.delay.called


def test_job_tasks_give_up_sending_within_seconds(settings):
    from smartindustry.celery import app

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["socket_connect_timeout"] == options["socket_timeout"] == settings.REDIS_TIMEOUT
    assert settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] == 1
    assert app.tasks["jobs.run"].ignore_result  # no result backend to reach when sending


def test_a_result_that_cannot_be_stored_still_ends_the_job_with_a_reason(owner):
    job = make_job(owner)
    job_run(job_id=job.pk, beat=False, work=lambda job, progress: {"not json": object()})
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "The job's result could not be stored (TypeError). The log has the details."
