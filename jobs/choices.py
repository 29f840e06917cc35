"""What a background job is and where it stands."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    IMPORT_PREVIEW = "import_preview", _("Import check")
    IMPORT_CONFIRM = "import_confirm", _("Import")
    EXPORT = "export", _("Export")
    EVALUATION_RUN = "evaluation_run", _("Evaluation run")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


FINISHED = (JobStatus.DONE, JobStatus.FAILED)

# The Celery task that runs each kind, by name: the sweeper re-sends a job that never started without importing the
# apps that do the work (they sit above this one).
JOB_TASKS = {
    JobKind.IMPORT_PREVIEW: "funding.import_preview",
    JobKind.IMPORT_CONFIRM: "funding.import_confirm",
    JobKind.EXPORT: "funding.export",
}
