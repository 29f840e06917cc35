"""The job page (polled through htmx while the job runs) and the download of a job's file.

Owner and bureau only: the job is looked up through the policy's ``visible_to``, so anyone else gets a 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from accounts import policy

from .models import Job


def _job_for(request, pk) -> Job:
    return get_object_or_404(policy.visible_to(request.user, Job.objects.select_related("owner")), pk=pk)


@login_required
def job_detail(request, pk):
    job = _job_for(request, pk)
    template = "jobs/_job.html" if request.htmx else "jobs/job_detail.html"
    return render(request, template, {"job": job})


@login_required
def job_download(request, pk):
    job = _job_for(request, pk)
    if not job.finished or not job.file or job.kind != "export":
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
