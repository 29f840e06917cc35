"""End the jobs and evaluation runs nobody is running any more; re-send those that never started."""

from django.core.management.base import BaseCommand

from evaluation.services import evaluation_runs_sweep
from jobs.services import jobs_sweep


class Command(BaseCommand):
    help = "Fail jobs and evaluation runs whose worker is gone; re-send (or fail) those whose task never started."

    def handle(self, *args, **options):
        jobs = jobs_sweep()
        runs = evaluation_runs_sweep()
        self.stdout.write(
            "jobs: {failed_stale} failed (worker gone), {resent} re-sent, {failed_pending} failed (never started); "
            "evaluation runs: {r[failed_stale]} failed (worker gone), {r[resent]} re-sent, "
            "{r[failed_pending]} failed (never started)".format(**jobs, r=runs)
        )
