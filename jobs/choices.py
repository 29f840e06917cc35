"""What a background job is and where it stands."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    # The app that does the work registers it under its kind (jobs/registry.py); the jobs app names no upper app.
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
