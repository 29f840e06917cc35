# An evaluation run becomes a job (jobs.Job, kind evaluation_run): its status, times, heartbeat, sending, error and
# who started it move to the job; the run keeps its parameters, fingerprint and frozen results. Each existing run
# gets a job with its own lifecycle values, so nothing a run said about itself is lost (and back again on reverse).

import django.db.models.deletion
from django.db import migrations, models

LIFECYCLE = ("status", "error", "started_at", "finished_at", "heartbeat_at", "sent_at")


def runs_to_jobs(apps, schema_editor):
    EvaluationRun = apps.get_model("evaluation", "EvaluationRun")
    Job = apps.get_model("jobs", "Job")
    for run in EvaluationRun.objects.filter(job__isnull=True).order_by("pk"):
        job = Job.objects.create(
            kind="evaluation_run",
            owner_id=run.created_by_id,
            attempts=1 if run.started_at else 0,
            done=3 if run.status == "done" else 0,
            total=3 if run.status == "done" else 0,
            result={"run": run.pk, "fingerprint": run.fingerprint} if run.status == "done" else None,
            **{field: getattr(run, field) for field in LIFECYCLE},
        )
        if job.status == "failed" and (not job.error or job.error.startswith("Traceback")):
            # A job's error is for people (a run kept its traceback, which may name hosts; the log has it), and a
            # failed job says why (jobs' check constraint).
            Job.objects.filter(pk=job.pk).update(error="The run failed unexpectedly. The log has the details.")
        # The job was created now; it was asked for when the run was.
        Job.objects.filter(pk=job.pk).update(created_at=run.created_at)
        EvaluationRun.objects.filter(pk=run.pk).update(job=job)
    _check_now(schema_editor)


def _check_now(schema_editor):
    # PostgreSQL refuses to ALTER a table with deferred foreign key checks still pending from rows written in this
    # same transaction: run them now.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def jobs_to_runs(apps, schema_editor):
    EvaluationRun = apps.get_model("evaluation", "EvaluationRun")
    for run in EvaluationRun.objects.select_related("job"):
        job = run.job
        EvaluationRun.objects.filter(pk=run.pk).update(
            created_by_id=job.owner_id, **{field: getattr(job, field) for field in LIFECYCLE}
        )
    _check_now(schema_editor)


def delete_run_jobs(apps, schema_editor):
    # Reverse of the new field, after jobs_to_runs: the runs' jobs go with the link (they held nothing else).
    EvaluationRun = apps.get_model("evaluation", "EvaluationRun")
    Job = apps.get_model("jobs", "Job")
    ids = list(EvaluationRun.objects.filter(job__isnull=False).values_list("job_id", flat=True))
    EvaluationRun.objects.update(job=None)
    Job.objects.filter(pk__in=ids).delete()
    _check_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0001_initial"),
        ("jobs", "0002_job_owner_optional"),
    ]

    operations = [
        migrations.AddField(
            model_name="evaluationrun",
            name="job",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="evaluation_run",
                to="jobs.job",
                verbose_name="job",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, delete_run_jobs),
        migrations.RunPython(runs_to_jobs, jobs_to_runs),
        migrations.AlterField(
            model_name="evaluationrun",
            name="job",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="evaluation_run",
                to="jobs.job",
                verbose_name="job",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="evaluationrun",
            name="evaluation_evaluationrun_status_valid",
        ),
        migrations.RemoveConstraint(
            model_name="evaluationrun",
            name="evaluation_evaluationrun_done_has_results",
        ),
        migrations.RemoveField(model_name="evaluationrun", name="created_by"),
        migrations.RemoveField(model_name="evaluationrun", name="error"),
        migrations.RemoveField(model_name="evaluationrun", name="finished_at"),
        migrations.RemoveField(model_name="evaluationrun", name="heartbeat_at"),
        migrations.RemoveField(model_name="evaluationrun", name="sent_at"),
        migrations.RemoveField(model_name="evaluationrun", name="started_at"),
        migrations.RemoveField(model_name="evaluationrun", name="status"),
        migrations.AddConstraint(
            model_name="evaluationrun",
            constraint=models.CheckConstraint(
                condition=models.Q(("results__isnull", True), models.Q(("fingerprint", ""), _negated=True), _connector="OR"),
                name="evaluation_evaluationrun_results_have_fingerprint",
            ),
        ),
    ]
