from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer

from core.api.views import ApiViewMixin, RestrictedQuerysetMixin
from jobs.choices import JobKind
from jobs.models import Job
from jobs.services import job_create

from .serializers import JobSerializer


class JobViewSet(
    ApiViewMixin, RestrictedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Jobs: status, progress, result or error. Each its owner's and the bureau's only (others get 404); the list
    holds the caller's own jobs (the bureau's: every job), newest first."""

    queryset = Job.objects.select_related("owner").order_by("-created_at", "-pk")
    serializer_class = JobSerializer
    renderer_classes = [JSONRenderer]  # a job is one object: no CSV or XLSX of it

    @extend_schema(
        summary=_("The file an export job wrote"),
        description=_("Once the job is done; its owner and the bureau only (404 for anyone else, and before)."),
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The file an export job wrote, once it is done (owner and bureau only, like the job)."""
        job = self.get_object()
        if job.kind != JobKind.EXPORT or not job.finished or not job.file:
            raise Http404
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)


def job_accepted_response(request, job: Job) -> HttpResponse:
    """``202 Accepted``: the job as JSON, with ``Location`` naming it (poll it until ``status`` is done, then fetch
    its ``download_url``). JSON whatever format was asked for: the file comes later."""
    data = JobSerializer(job, context={"request": request}).data
    response = HttpResponse(JSONRenderer().render(data), status=202, content_type="application/json")
    response["Location"] = request.build_absolute_uri(reverse("api:job-detail", args=[job.pk]))
    return response


class ExportJobs:
    """The job starter core's stream-or-job decision calls (core.exporters.set_job_starter, in jobs/apps.py): it
    makes the job and answers it as the API (202) and the portal (the job's page) show jobs."""

    def start(self, *, owner, parameters: dict, filename: str) -> Job:
        return job_create(kind=JobKind.EXPORT, owner=owner, filename=filename, parameters=parameters)

    def api_response(self, request, job: Job):
        return job_accepted_response(request, job)

    def page_url(self, job: Job) -> str:
        return reverse("jobs:job_detail", args=[job.pk])
