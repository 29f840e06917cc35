"""End the jobs nobody is running any more (evaluation runs included: each is a job); re-send those never started."""

from django.core.management.base import BaseCommand

from jobs.services import jobs_sweep


class Command(BaseCommand):
    help = "Fail jobs whose worker is gone; re-send (or fail) those whose task never started."

    def handle(self, *args, **options):
        counts = jobs_sweep()
        self.stdout.write(
            "jobs: {failed_stale} failed (worker gone), {resent} re-sent, "
            "{failed_pending} failed (never started)".format(**counts)
        )
