"""The job page (polled through htmx while the job runs) and the download of a job's file.

Owner and bureau only: the job is looked up among the rows the policy shows its user (``visible_object_or_404``),
so anyone else gets a 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render

from core.restriction import visible_object_or_404

from .choices import JobKind
from .models import Job


def _job_for(request, pk) -> Job:
    return visible_object_or_404(request.user, Job.objects.select_related("owner"), pk=pk)


# Rows of a checked import per page of its preview (every row is shown, a page at a time).
PREVIEW_PAGE_SIZE = 100


def _preview_page(request, job: Job) -> dict:
    """The page of an import check's rows asked for (?page=; out of range: the nearest page), each row with its
    number in the file and its errors."""
    result = job.result or {}
    if job.kind != JobKind.IMPORT_PREVIEW or "rows" not in result:
        return {}
    page = Paginator(result["rows"], PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    errors = {error["row"]: error["messages"] for error in result.get("errors", [])}
    first = page.start_index() + 1  # row 1 of the file is the header
    lines = [
        {"number": number, "values": values, "errors": errors.get(number, [])}
        for number, values in enumerate(page.object_list, start=first)
    ]
    return {"preview_page": page, "preview_lines": lines}


@login_required
def job_detail(request, pk):
    job = _job_for(request, pk)
    template = "jobs/_job.html" if request.htmx else "jobs/job_detail.html"
    return render(request, template, {"job": job, **_preview_page(request, job)})


@login_required
def job_download(request, pk):
    job = _job_for(request, pk)
    if not job.finished or not job.file or job.kind != "export":
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
