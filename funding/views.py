"""Funding pages: funders, funding records, hub reporting with the bureau's review queue, and spreadsheet import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import policy
from core.constants import EXPORT_FORMATS
from core.exporters.writers import XLSX_MEDIA_TYPE
from core.services import record_create, record_delete, record_update
from core.views import (
    PROVENANCE_FILTER,
    FilterField,
    PortalDetailView,
    PortalListView,
    confirm_delete,
    enum_choices,
    model_choices,
    service_form,
)
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.services import job_create
from registry.models import Fieldlab, Hub, Province
from review.choices import WorkflowAction
from review.web import workflow_step_response
from review.workflow import period_check_open

from . import forms
from .choices import FundingKind, Realisation, RecipientKind, RecordStatus, Source
from .exporters import FunderListExporter, FundingRecordImportTemplate, FundingRecordListExporter
from .importers import ImportFileError, check_file, import_template_xlsx
from .models import Funder, FundingRecord
from .selectors import funder_funding, records_total
from .services import (
    funding_record_create,
    funding_record_delete,
    funding_record_step,
    funding_record_update,
)
from .tables import FundingRecordTable

# --- funders -------------------------------------------------------------------------------------------------


class FunderListView(PortalListView):
    exporter = FunderListExporter
    title = gettext_lazy("Funders")
    create_url = "funding:funder_create"
    filter_fields = [
        FilterField("source", gettext_lazy("Source"), enum_choices(Source.choices)),
        FilterField("province", gettext_lazy("Province"), model_choices(Province)),
        PROVENANCE_FILTER,
    ]


class FunderDetailView(PortalDetailView):
    model = Funder
    template_name = "funding/funder_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(funder_funding(self.object))  # matrix, recipient_count
        # "Add funding" opens the funding form with this funder (and its source) filled in.
        context["may_add_funding"] = policy.can(self.request.user, policy.Action.ADD, FundingRecord)
        return context


@login_required
def funder_create(request):
    policy.require(request.user, policy.Action.ADD, Funder)
    return service_form(
        request,
        form_class=forms.FunderForm,
        instance=None,
        save=lambda data: record_create(model=Funder, actor=request.user, data=data),
        title=_("New funder"),
        cancel_url=reverse("funding:funder_list"),
        success_url=lambda o: reverse("funding:funder_detail", args=[o.slug]),
    )


@login_required
def funder_update(request, slug):
    funder = get_object_or_404(Funder, slug=slug)
    policy.require(request.user, policy.Action.CHANGE, funder)
    return service_form(
        request,
        form_class=forms.FunderForm,
        instance=funder,
        save=lambda data: record_update(instance=funder, actor=request.user, data=data),
        title=_("Edit %(name)s") % {"name": funder},
        cancel_url=reverse("funding:funder_detail", args=[slug]),
        success_url=lambda o: reverse("funding:funder_detail", args=[o.slug]),
    )


@login_required
def funder_delete(request, slug):
    funder = get_object_or_404(Funder, slug=slug)
    policy.require(request.user, policy.Action.DELETE, funder)
    return confirm_delete(
        request,
        obj=funder,
        delete=lambda: record_delete(instance=funder, actor=request.user),
        cancel_url=reverse("funding:funder_detail", args=[slug]),
        success_url=reverse("funding:funder_list"),
    )


# --- funding records -----------------------------------------------------------------------------------------


class FundingRecordListView(PortalListView):
    exporter = FundingRecordListExporter
    title = gettext_lazy("Funding records")
    create_url = None  # the template offers "New record" to coordinators too
    template_name = "funding/funding_record_list.html"
    filter_fields = [
        FilterField("year_min", gettext_lazy("From year")),
        FilterField("year_max", gettext_lazy("To year")),
        FilterField("source", gettext_lazy("Source"), enum_choices(Source.choices)),
        FilterField("status", gettext_lazy("Status"), enum_choices(RecordStatus.choices)),
        FilterField("hub", gettext_lazy("Hub"), model_choices(Hub)),
        FilterField("fieldlab", gettext_lazy("Fieldlab"), model_choices(Fieldlab)),
        FilterField("recipient_kind", gettext_lazy("Recipient"), enum_choices(RecipientKind.choices)),
        FilterField("kind", gettext_lazy("Cash or in kind"), enum_choices(FundingKind.choices)),
        FilterField("realisation", gettext_lazy("Planned or realised"), enum_choices(Realisation.choices)),
        PROVENANCE_FILTER,
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The total of the whole filtered view (not just this page), summed by the database.
        context["view_total"] = records_total(self.object_list)
        return context


class FundingRecordDetailView(PortalDetailView):
    model = FundingRecord
    template_name = "funding/funding_record_detail.html"
    # Another hub's draft is a 403 that says why ("still with another hub"), not a 404: its id is no secret.
    hidden_row_refused = True

    def get_queryset(self):
        return FundingRecord.objects.select_related(
            "fieldlab__hub", "hub", "bureau", "funder", "activity_type", "reviewed_by", "created_by"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, record = self.request.user, self.object
        context.update(
            may_edit=policy.can(user, policy.Action.CHANGE, record),
            may_submit=record.is_with_hub and policy.can(user, policy.Action.SUBMIT, record),
            may_review=record.status == RecordStatus.SUBMITTED and policy.can(user, policy.Action.APPROVE, record),
            return_form=forms.ReturnForm(),
        )
        return context


def _record_for(request, pk) -> FundingRecord:
    record = get_object_or_404(FundingRecord.objects.select_related("fieldlab"), pk=pk)
    policy.require(request.user, policy.Action.VIEW, record)
    return record


@login_required
def funding_record_create_view(request):
    policy.require(request.user, policy.Action.ADD, FundingRecord)
    # "Add funding" links name the recipient as files do (?recipient_kind=fieldlab&recipient=<slug>), and may name
    # the funder, year and source (a fieldlab's or funder's page, a report cell's "add line").
    initial = forms.FundingRecordForm.initial_from_link(request.GET)
    return service_form(
        request,
        form_class=lambda *a, **kw: forms.FundingRecordForm(*a, user=request.user, initial=initial, **kw),
        instance=None,
        save=lambda data: funding_record_create(actor=request.user, **data),
        title=_("New funding record"),
        cancel_url=reverse("funding:funding_record_list"),
        success_url=lambda o: reverse("funding:funding_record_detail", args=[o.pk]),
    )


@login_required
def funding_record_update_view(request, pk):
    record = _record_for(request, pk)
    policy.require(request.user, policy.Action.CHANGE, record)
    return service_form(
        request,
        form_class=lambda *a, **kw: forms.FundingRecordForm(*a, user=request.user, **kw),
        instance=record,
        save=lambda data: funding_record_update(record=record, actor=request.user, data=data),
        title=_("Edit funding record %(id)s") % {"id": record.pk},
        cancel_url=reverse("funding:funding_record_detail", args=[pk]),
        success_url=lambda o: reverse("funding:funding_record_detail", args=[o.pk]),
    )


@login_required
def funding_record_delete_view(request, pk):
    record = _record_for(request, pk)
    policy.require(request.user, policy.Action.DELETE, record)
    return confirm_delete(
        request,
        obj=record,
        delete=lambda: funding_record_delete(record=record, actor=request.user),
        precheck=lambda: period_check_open(record),
        cancel_url=reverse("funding:funding_record_detail", args=[pk]),
        success_url=reverse("funding:funding_record_list"),
    )


def _workflow(request, pk, *, action: str, done: str):
    record = _record_for(request, pk)
    return workflow_step_response(
        request,
        record,
        step=funding_record_step,
        action=action,
        done=done % {"id": record.pk},
        default_next=reverse("funding:funding_record_detail", args=[pk]),
    )


@login_required
@require_POST
def funding_record_submit_view(request, pk):
    return _workflow(request, pk, action=WorkflowAction.SUBMIT, done=_("Submitted for approval."))


@login_required
@require_POST
def funding_record_approve_view(request, pk):
    return _workflow(request, pk, action=WorkflowAction.APPROVE, done=_("Record %(id)s approved."))


@login_required
@require_POST
def funding_record_return_view(request, pk):
    return _workflow(request, pk, action=WorkflowAction.RETURN, done=_("Record %(id)s returned to the hub."))


# --- spreadsheet import --------------------------------------------------------------------------------------


def _require_importer(user) -> None:
    policy.require(user, policy.Action.IMPORT)


@login_required
def import_upload(request):
    """Store the file on an import-check job and hand over to the job page: the request never parses the file."""
    _require_importer(request.user)
    template = request.GET.get("template")
    if template == "xlsx":
        # The columns, and a sheet of the accepted values (codes, English and Dutch labels).
        response = HttpResponse(import_template_xlsx(), content_type=XLSX_MEDIA_TYPE)
        response["Content-Disposition"] = 'attachment; filename="funding-records-template.xlsx"'
        return response
    if template in EXPORT_FORMATS:
        # The import template: the funding list's export columns, no rows.
        return FundingRecordImportTemplate(user=request.user, fmt=template).response()
    form = forms.ImportUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": FundingRecordTable.import_headers(), "template_formats": EXPORT_FORMATS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_file(name=upload.name, size=upload.size, file=upload)  # size and zip directory only: fast
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            job = job_create(
                kind=JobKind.IMPORT_PREVIEW,
                owner=request.user,
                file=upload,
                filename=upload.name,
                parameters={"language": request.LANGUAGE_CODE},
            )
            return redirect("jobs:job_detail", pk=job.pk)
    return render(request, "funding/import_upload.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def import_confirm(request):
    """Import the file of a checked preview job (the user's own, without errors) as a new job."""
    _require_importer(request.user)
    job_id = request.POST.get("job", "")
    checked = policy.visible_to(request.user, Job.objects.filter(kind=JobKind.IMPORT_PREVIEW, status=JobStatus.DONE))
    preview = checked.filter(pk=int(job_id)).first() if job_id.isdigit() else None
    if preview is None or preview.owner_id != request.user.pk or not (preview.result or {}).get("ok"):
        messages.error(request, _("Upload the file again: there is no checked import waiting."))
        return redirect("funding:import_upload")
    job = job_create(
        kind=JobKind.IMPORT_CONFIRM,
        owner=request.user,
        stored_file=preview.file.name,
        filename=preview.filename,
        parameters={"preview": preview.pk, "language": request.LANGUAGE_CODE},
    )
    return redirect("jobs:job_detail", pk=job.pk)
