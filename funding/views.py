"""Funding pages: funders, funding records, hub reporting with the bureau's review queue, and spreadsheet import."""

from celery.result import AsyncResult
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import policy
from registry.models import Fieldlab, Hub, Province
from registry.services import registry_record_create, registry_record_delete, registry_record_update
from reporting.choices import WorkflowAction
from smartindustry.constants import EXPORT_FORMATS
from smartindustry.exporters import table_response
from smartindustry.portal import (
    PROVENANCE_FILTER,
    FilterField,
    PortalDetailView,
    PortalListView,
    confirm_delete,
    enum_choices,
    model_choices,
    service_form,
)
from smartindustry.web import workflow_step_response

from . import forms
from .choices import FundingKind, Realisation, RecipientKind, RecordStatus, Source
from .filtersets import FunderFilterSet, FundingRecordFilterSet
from .importers import ImportFileError, funding_records_import, read_rows
from .models import Funder, FundingRecord
from .selectors import ZERO, funding_by_source_and_year
from .services import (
    funding_record_create,
    funding_record_delete,
    funding_record_update,
)
from .tables import FunderTable, FundingRecordTable
from .tasks import funding_import_task

# --- funders -------------------------------------------------------------------------------------------------


class FunderListView(PortalListView):
    model = Funder
    filterset_class = FunderFilterSet
    title = gettext_lazy("Funders")
    export_name = "funders"
    create_url = "funding:funder_create"
    filter_fields = [
        FilterField("source", gettext_lazy("Source"), enum_choices(Source.choices)),
        FilterField("province", gettext_lazy("Province"), model_choices(Province)),
        PROVENANCE_FILTER,
    ]
    table = FunderTable

    def base_queryset(self):
        return Funder.objects.select_related("province").annotate(
            approved_total=Sum("funding_records__amount", filter=Q(funding_records__status="approved"), default=ZERO)
        )


class FunderDetailView(PortalDetailView):
    model = Funder
    template_name = "funding/funder_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["matrix"] = funding_by_source_and_year(
            queryset=FundingRecord.objects.approved().filter(funder=self.object)
        )
        context["recipient_count"] = (
            FundingRecord.objects.approved()
            .filter(funder=self.object)
            .aggregate(n=Count("fieldlab", distinct=True) + Count("hub", distinct=True))["n"]
        )
        return context


@login_required
def funder_create(request):
    policy.require(request.user, policy.Action.ADD, Funder)
    return service_form(
        request,
        form_class=forms.FunderForm,
        instance=None,
        save=lambda data: registry_record_create(model=Funder, actor=request.user, data=data),
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
        save=lambda data: registry_record_update(instance=funder, actor=request.user, data=data),
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
        delete=lambda: registry_record_delete(instance=funder, actor=request.user),
        cancel_url=reverse("funding:funder_detail", args=[slug]),
        success_url=reverse("funding:funder_list"),
    )


# --- funding records -----------------------------------------------------------------------------------------


class FundingRecordListView(PortalListView):
    model = FundingRecord
    filterset_class = FundingRecordFilterSet
    title = gettext_lazy("Funding records")
    export_name = "funding-records"
    create_url = None  # the template offers "New record" to coordinators too
    default_ordering = ("year", "source")
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
    table = FundingRecordTable

    def base_queryset(self):
        return policy.visible_to(
            self.request.user,
            FundingRecord.objects.select_related("fieldlab", "hub", "bureau", "funder", "activity_type"),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The total of the whole filtered view (not just this page), summed by the database.
        context["view_total"] = self.object_list.aggregate(total=Sum("amount", default=ZERO))["total"]
        return context


class FundingRecordDetailView(PortalDetailView):
    model = FundingRecord
    template_name = "funding/funding_record_detail.html"

    def get_object(self, queryset=None):
        record = get_object_or_404(
            FundingRecord.objects.select_related(
                "fieldlab__hub", "hub", "bureau", "funder", "activity_type", "reviewed_by", "created_by"
            ),
            pk=self.kwargs["pk"],
        )
        policy.require(self.request.user, policy.Action.VIEW, record)
        return record

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
    # "Add funding" links name the recipient as files do: ?recipient_kind=fieldlab&recipient=<slug>.
    initial = forms.FundingRecordForm.initial_recipient(request.GET)
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
        cancel_url=reverse("funding:funding_record_detail", args=[pk]),
        success_url=reverse("funding:funding_record_list"),
    )


def _workflow(request, pk, *, action: str, done: str):
    record = _record_for(request, pk)
    return workflow_step_response(
        request,
        record,
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

IMPORT_SESSION_KEY = "funding_import"
IMPORT_BACKGROUND_ROWS = 200  # more rows than this run in the Celery worker, with progress shown


def _require_importer(user) -> None:
    policy.require(user, policy.Action.IMPORT)


@login_required
def import_upload(request):
    _require_importer(request.user)
    template = request.GET.get("template")
    if template in EXPORT_FORMATS:
        # The import template: the funding list's export columns, no rows.
        return table_response(template, table=FundingRecordTable, objects=(), filename="funding-records-template")
    form = forms.ImportUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": FundingRecordTable.import_headers(), "template_formats": EXPORT_FORMATS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_rows(name=upload.name, content=upload.read())
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            result = funding_records_import(rows=rows, actor=request.user, dry_run=True)
            request.session[IMPORT_SESSION_KEY] = {"name": upload.name, "rows": rows} if result.ok else None
            context.update(result=result, rows=rows[:200], filename=upload.name)
            return render(request, "funding/import_preview.html", context)
    return render(request, "funding/import_upload.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def import_confirm(request):
    _require_importer(request.user)
    pending = request.session.pop(IMPORT_SESSION_KEY, None)
    if not pending:
        messages.error(request, _("Upload the file again: there is no checked import waiting."))
        return redirect("funding:import_upload")
    rows = pending["rows"]
    if len(rows) > IMPORT_BACKGROUND_ROWS:
        result = funding_import_task.apply_async(kwargs={"rows": rows, "actor_id": request.user.pk})
        if result.ready():  # eager mode (no broker): the task already ran in this request
            request.session[f"import-result-{result.id}"] = result.get()
        return redirect("funding:import_job", task_id=result.id)
    result = funding_records_import(rows=rows, actor=request.user, dry_run=False)
    return render(request, "funding/import_done.html", {"result": result.as_dict()})


@login_required
def import_job(request, task_id):
    """Progress of a background import; htmx polls this fragment until the worker is done."""
    _require_importer(request.user)
    stored = request.session.get(f"import-result-{task_id}")
    if stored is not None:
        state, info = "SUCCESS", stored
    else:
        async_result = AsyncResult(task_id)
        state, info = async_result.state, async_result.info
    context = {"task_id": task_id, "state": state, "info": info if isinstance(info, dict) else {}}
    if state == "SUCCESS":
        context["result"] = info
    if state == "FAILURE":
        context["failure"] = str(info)
    template = "funding/_import_progress.html" if request.htmx else "funding/import_job.html"
    return render(request, template, context)
