"""Funding pages: funders, funding records, hub reporting with the bureau's review queue, and spreadsheet import."""

from datetime import date
from functools import wraps

from celery.result import AsyncResult
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from registry.models import Fieldlab, Hub, Province
from registry.services import registry_record_create, registry_record_delete, registry_record_update
from registry.views import PROVENANCE_FILTER, _choices, service_form
from smartindustry.constants import EXPORT_FORMATS
from smartindustry.models import YEAR_MAX, YEAR_MIN
from smartindustry.portal import (
    FilterField,
    PortalDetailView,
    PortalListView,
    bureau_required,
    confirm_delete,
    model_choices,
)

from . import forms
from .choices import FundingKind, PeriodStatus, Realisation, RecipientKind, RecordStatus, Source
from .exporters import table_response
from .filtersets import FunderFilterSet, FundingRecordFilterSet
from .importers import ImportFileError, funding_records_import, read_rows
from .models import Funder, FundingRecord, ReportingPeriod
from .selectors import ZERO, funding_by_source_and_year, funding_records_visible_to, hub_reporting_status
from .services import (
    funding_record_approve,
    funding_record_create,
    funding_record_delete,
    funding_record_return,
    funding_record_submit,
    funding_record_update,
    reporting_period_close,
    reporting_period_reopen,
    user_may_edit_record,
    user_may_view_record,
)
from .tables import FunderTable, FundingRecordTable
from .tasks import funding_import_task

REPORT_FIRST_YEAR = 2015


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- funders -------------------------------------------------------------------------------------------------


class FunderListView(PortalListView):
    model = Funder
    filterset_class = FunderFilterSet
    title = gettext_lazy("Funders")
    export_name = "funders"
    create_url = "funding:funder_create"
    filter_fields = [
        FilterField("source", gettext_lazy("Source"), _choices(Source.choices)),
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
    bureau_required(request.user)
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
    bureau_required(request.user)
    funder = get_object_or_404(Funder, slug=slug)
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
    bureau_required(request.user)
    funder = get_object_or_404(Funder, slug=slug)
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
        FilterField("source", gettext_lazy("Source"), _choices(Source.choices)),
        FilterField("status", gettext_lazy("Status"), _choices(RecordStatus.choices)),
        FilterField("hub", gettext_lazy("Hub"), model_choices(Hub)),
        FilterField("fieldlab", gettext_lazy("Fieldlab"), model_choices(Fieldlab)),
        FilterField("recipient_kind", gettext_lazy("Recipient"), _choices(RecipientKind.choices)),
        FilterField("kind", gettext_lazy("Cash or in kind"), _choices(FundingKind.choices)),
        FilterField("realisation", gettext_lazy("Planned or realised"), _choices(Realisation.choices)),
        PROVENANCE_FILTER,
    ]
    table = FundingRecordTable

    def base_queryset(self):
        return funding_records_visible_to(
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
        if not user_may_view_record(self.request.user, record):
            raise PermissionDenied(_("This draft belongs to another hub."))
        return record

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, record = self.request.user, self.object
        may_edit = user_may_edit_record(user, record)
        context.update(
            may_edit=may_edit,
            may_submit=may_edit and record.status in (RecordStatus.DRAFT, RecordStatus.RETURNED),
            may_review=user.is_bureau and record.status == RecordStatus.SUBMITTED,
            return_form=forms.ReturnForm(),
        )
        return context


def _record_for(request, pk) -> FundingRecord:
    record = get_object_or_404(FundingRecord.objects.select_related("fieldlab"), pk=pk)
    if not user_may_view_record(request.user, record):
        raise PermissionDenied(_("This draft belongs to another hub."))
    return record


@login_required
def funding_record_create_view(request):
    if not (request.user.is_bureau or request.user.is_coordinator):
        raise PermissionDenied(_("Only the bureau and hub coordinators enter funding."))
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
    if not user_may_edit_record(request.user, record):
        raise PermissionDenied(_("You may not change this record."))
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
    if not user_may_edit_record(request.user, record):
        raise PermissionDenied(_("You may not delete this record."))
    return confirm_delete(
        request,
        obj=record,
        delete=lambda: funding_record_delete(record=record, actor=request.user),
        cancel_url=reverse("funding:funding_record_detail", args=[pk]),
        success_url=reverse("funding:funding_record_list"),
    )


def _workflow(request, pk, action):
    record = _record_for(request, pk)
    default = reverse("funding:funding_record_detail", args=[pk])
    try:
        action(record)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return HttpResponseRedirect(_safe_next(request, default))


@login_required
@require_POST
def funding_record_submit_view(request, pk):
    def act(record):
        funding_record_submit(record=record, actor=request.user)
        messages.success(request, _("Submitted for approval."))

    return _workflow(request, pk, act)


@login_required
@require_POST
def funding_record_approve_view(request, pk):
    def act(record):
        funding_record_approve(record=record, actor=request.user, comment=request.POST.get("comment", ""))
        messages.success(request, _("Record %(id)s approved.") % {"id": record.pk})

    return _workflow(request, pk, act)


@login_required
@require_POST
def funding_record_return_view(request, pk):
    def act(record):
        funding_record_return(record=record, actor=request.user, comment=request.POST.get("comment", ""))
        messages.success(request, _("Record %(id)s returned to the hub.") % {"id": record.pk})

    return _workflow(request, pk, act)


# --- hub reporting -------------------------------------------------------------------------------------------


def report_years() -> list[int]:
    return list(range(REPORT_FIRST_YEAR, min(date.today().year, YEAR_MAX) + 1))


def status_years(count: int = 6) -> list[int]:
    """The years the reporting status panel shows: the latest years that have hub or fieldlab records."""
    years = list(
        FundingRecord.objects.filter(Q(hub__isnull=False) | Q(fieldlab__hub__isnull=False))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()[:count]
    )
    return sorted(years) or report_years()[-count:]


def _require_report_access(user, hub: Hub) -> None:
    """The hub's own coordinators and the bureau; everyone else gets a 403, drafts stay the hub's business."""
    if user.is_bureau or (user.is_coordinator and user.hub_id == hub.pk):
        return
    raise PermissionDenied(_("Only this hub's coordinators and the programme bureau see its report."))


def _entry_filter(year: int) -> Q:
    """The record a coordinator edits in a report cell: realised cash without a named funder."""
    return Q(year=year, funder__isnull=True, kind=FundingKind.CASH, realisation=Realisation.REALISED)


class HubReport:
    """The grid of one hub's report for one year: its fieldlabs × the five sources."""

    def __init__(self, *, hub: Hub, year: int, user):
        self.hub, self.year, self.user = hub, year, user
        self.period = ReportingPeriod.objects.filter(hub=hub, year=year).first()
        self.is_open = self.period is None or self.period.status == PeriodStatus.OPEN
        self.fieldlabs = list(
            hub.fieldlabs.filter(start_year__lte=year)
            .filter(Q(end_year__isnull=True) | Q(end_year__gte=year))
            .order_by("name")
        )
        ids = [f.pk for f in self.fieldlabs]
        self.entries = {
            (r.fieldlab_id, r.source): r
            for r in FundingRecord.objects.filter(_entry_filter(year), fieldlab_id__in=ids).select_related("fieldlab")
        }
        self.others = {
            (row["fieldlab_id"], row["source"]): row
            for row in FundingRecord.objects.filter(fieldlab_id__in=ids, year=year)
            .exclude(_entry_filter(year))
            .order_by()
            .values("fieldlab_id", "source")
            .annotate(amount=Sum("amount"), n=Count("id"))
        }

    def cell(self, fieldlab: Fieldlab, source: str) -> dict:
        record = self.entries.get((fieldlab.pk, source))
        other = self.others.get((fieldlab.pk, source))
        editable = self.is_open and (
            user_may_edit_record(self.user, record)
            if record
            else (self.user.is_bureau or self.user.hub_id == self.hub.pk)
        )
        return {
            "fieldlab": fieldlab,
            "source": source,
            "source_label": Source(source).label,
            "record": record,
            "other": other,
            "editable": editable,
            "name": f"cell-{fieldlab.pk}-{source}",
            "url": reverse("funding:report_cell", args=[self.hub.slug, self.year, fieldlab.slug, source]),
        }

    def rows(self, totals: dict) -> list[dict]:
        return [
            {"fieldlab": f, "cells": [self.cell(f, code) for code in Source.values], "total": totals["fieldlabs"][f.pk]}
            for f in self.fieldlabs
        ]

    def totals(self) -> dict:
        """Per source, per fieldlab and overall, for this hub's fieldlabs in the year, every status — summed by the
        database."""
        qs = FundingRecord.objects.filter(fieldlab__in=[f.pk for f in self.fieldlabs], year=self.year).order_by()
        by_source = dict(qs.values_list("source").annotate(total=Sum("amount")))
        by_fieldlab = dict(qs.values_list("fieldlab_id").annotate(total=Sum("amount")))
        return {
            "sources": [by_source.get(code, ZERO) for code in Source.values],
            "fieldlabs": {f.pk: by_fieldlab.get(f.pk, ZERO) for f in self.fieldlabs},
            "total": qs.aggregate(total=Sum("amount", default=ZERO))["total"],
        }

    def pending(self):
        """Records of this hub-year still with the hub (draft or returned), which 'submit' sends to the bureau."""
        return FundingRecord.objects.filter(
            Q(fieldlab__hub=self.hub) | Q(hub=self.hub),
            year=self.year,
            status__in=(RecordStatus.DRAFT, RecordStatus.RETURNED),
        )

    def returned(self):
        return (
            FundingRecord.objects.filter(Q(fieldlab__hub=self.hub) | Q(hub=self.hub), year=self.year)
            .filter(status=RecordStatus.RETURNED)
            .select_related("fieldlab", "reviewed_by")
        )

    def status_counts(self) -> dict:
        return dict(
            FundingRecord.objects.filter(Q(fieldlab__hub=self.hub) | Q(hub=self.hub), year=self.year)
            .order_by()
            .values_list("status")
            .annotate(n=Count("id"))
        )

    @staticmethod
    def status_summary(counts: dict) -> list[tuple[str, str, int]]:
        return [(code, label, counts[code]) for code, label in RecordStatus.choices if counts.get(code)]


def _save_cell(report: HubReport, fieldlab: Fieldlab, source: str, raw: str, user) -> FundingRecord | None:
    """Create, change or clear the report cell's record through the services. Raises ValidationError."""
    amount = forms.parse_amount(raw)
    record = report.entries.get((fieldlab.pk, source))
    if record is not None:
        if amount is None:
            funding_record_delete(record=record, actor=user)
            return None
        if record.amount != amount:
            return funding_record_update(record=record, actor=user, data={"amount": amount})
        return record
    if amount is None:
        return None
    return funding_record_create(
        actor=user,
        fieldlab=fieldlab,
        year=report.year,
        source=source,
        amount=amount,
        kind=FundingKind.CASH,
        realisation=Realisation.REALISED,
        provenance="published",
        provenance_source=_("Hub report %(hub)s %(year)s, entered by %(user)s")
        % {"hub": report.hub.name, "year": report.year, "user": user.get_username()},
    )


@login_required
def report_index(request):
    user = request.user
    if user.is_coordinator and request.GET.get("overview") is None:
        return redirect("funding:report_hub", hub=user.hub.slug)
    years = status_years()
    context = {"status": hub_reporting_status(years=years), "years": years}
    return render(request, "funding/report_index.html", context)


@login_required
def report_hub(request, hub):
    hub_obj = get_object_or_404(Hub, slug=hub)
    _require_report_access(request.user, hub_obj)
    years = report_years()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        # The latest year the hub has records for (the year being reported), else last year.
        latest = (
            FundingRecord.objects.filter(Q(fieldlab__hub=hub_obj) | Q(hub=hub_obj))
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        year = latest or date.today().year - 1
    if not YEAR_MIN <= year <= YEAR_MAX:
        year = years[-1]
    return redirect("funding:report_year", hub=hub_obj.slug, year=year)


@login_required
def report_year(request, hub, year):
    hub_obj = get_object_or_404(Hub, slug=hub)
    _require_report_access(request.user, hub_obj)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise PermissionDenied(_("No reporting for that year."))
    report = HubReport(hub=hub_obj, year=year, user=request.user)
    errors = {}
    status = 200
    if request.method == "POST":
        # "Save draft" without JavaScript: every changed cell at once, all or nothing.
        try:
            with transaction.atomic():
                for fieldlab in report.fieldlabs:
                    for source in Source.values:
                        name = f"cell-{fieldlab.pk}-{source}"
                        if name not in request.POST:
                            continue
                        try:
                            _save_cell(report, fieldlab, source, request.POST[name], request.user)
                        except ValidationError as exc:
                            errors[name] = " ".join(exc.messages)
                if errors:
                    raise ValidationError("cells")
        except ValidationError:
            messages.error(request, _("Nothing was saved: correct the marked cells."))
            status = 400
        else:
            messages.success(request, _("Draft saved."))
            return redirect("funding:report_year", hub=hub, year=year)
    totals = report.totals()
    status_counts = report.status_counts()
    rows = report.rows(totals)
    for row in rows:
        for cell in row["cells"]:
            cell["error"] = errors.get(cell["name"])
            if cell["name"] in request.POST:
                cell["posted"] = request.POST[cell["name"]]
    from evaluation.views import HubMeasurements

    measurements = HubMeasurements(
        hub=hub_obj, year=year, fieldlabs=report.fieldlabs, user=request.user, is_open=report.is_open
    )
    context = {
        "hub": hub_obj,
        "year": year,
        "years": report_years(),
        "report": report,
        "measurement_pairs": measurements.pairs,
        "measurement_rows": measurements.rows(),
        "rows": rows,
        "sources": Source.choices,
        "totals": totals,
        "pending_count": report.pending().count() + measurements.pending().count(),
        "returned": report.returned(),
        "status_counts": status_counts,
        "status_summary": report.status_summary(status_counts),
        "may_enter": report.is_open and (request.user.is_bureau or request.user.hub_id == hub_obj.pk),
    }
    return render(request, "funding/report_year.html", context, status=status)


def htmx_login_required(view):
    """login_required that, for an htmx request, asks the page to go to the login instead of swapping it into a cell."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated and request.htmx:
            return HttpResponse(status=204, headers={"HX-Redirect": f"{reverse('login')}?next={request.path}"})
        return login_required(view)(request, *args, **kwargs)

    return wrapper


@htmx_login_required
@require_POST
def report_cell(request, hub, year, fieldlab, source):
    """htmx: save one cell in place and answer the cell (and the totals, out of band)."""
    hub_obj = get_object_or_404(Hub, slug=hub)
    _require_report_access(request.user, hub_obj)
    if source not in Source.values:
        raise PermissionDenied(_("Unknown source."))
    report = HubReport(hub=hub_obj, year=year, user=request.user)
    fieldlab_obj = next((f for f in report.fieldlabs if f.slug == fieldlab), None)
    if fieldlab_obj is None:
        raise PermissionDenied(_("This fieldlab is not part of this hub's report for that year."))
    name = f"cell-{fieldlab_obj.pk}-{source}"
    error = None
    try:
        with transaction.atomic():
            _save_cell(report, fieldlab_obj, source, request.POST.get(name, ""), request.user)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    report = HubReport(hub=hub_obj, year=year, user=request.user)
    cell = report.cell(fieldlab_obj, source)
    cell["error"] = error
    if error:
        cell["posted"] = request.POST.get(name, "")
    totals = report.totals()
    context = {
        "cell": cell,
        "totals": totals,
        "row_total": totals["fieldlabs"][fieldlab_obj.pk],
        "fieldlab": fieldlab_obj,
        "pending_count": report.pending().count(),
        "oob": True,
        "report": report,
    }
    return render(request, "funding/_report_cell.html", context, status=200)


@login_required
@require_POST
def report_submit(request, hub, year):
    hub_obj = get_object_or_404(Hub, slug=hub)
    _require_report_access(request.user, hub_obj)
    from evaluation.services import measurement_submit
    from evaluation.views import HubMeasurements

    report = HubReport(hub=hub_obj, year=year, user=request.user)
    pending = list(report.pending().select_related("fieldlab"))
    measurements = list(
        HubMeasurements(
            hub=hub_obj, year=year, fieldlabs=report.fieldlabs, user=request.user, is_open=report.is_open
        ).pending()
    )
    try:
        with transaction.atomic():
            if measurements and not report.is_open:
                raise ValidationError(
                    _("The reporting period %(year)s of this hub is closed; ask the bureau to reopen it.")
                    % {"year": year}
                )
            for record in pending:
                funding_record_submit(record=record, actor=request.user)
            for measurement in measurements:
                measurement_submit(measurement=measurement, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if pending or measurements:
            messages.success(
                request,
                _("%(n)s records and %(m)s measurements submitted to the programme bureau.")
                % {"n": len(pending), "m": len(measurements)},
            )
        else:
            messages.info(request, _("There was nothing to submit."))
    return redirect("funding:report_year", hub=hub, year=year)


@login_required
@require_POST
def report_approve_all(request, hub, year):
    bureau_required(request.user)
    hub_obj = get_object_or_404(Hub, slug=hub)
    submitted = list(
        FundingRecord.objects.filter(
            Q(fieldlab__hub=hub_obj) | Q(hub=hub_obj), year=year, status=RecordStatus.SUBMITTED
        ).select_related("fieldlab")
    )
    from evaluation.models import Measurement
    from evaluation.services import measurement_approve

    submitted_measurements = list(
        Measurement.objects.filter(Q(fieldlab__hub=hub_obj) | Q(hub=hub_obj), year=year, status=RecordStatus.SUBMITTED)
    )
    try:
        with transaction.atomic():
            for record in submitted:
                funding_record_approve(record=record, actor=request.user)
            for measurement in submitted_measurements:
                measurement_approve(measurement=measurement, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(n)s records and %(m)s measurements approved.")
            % {"n": len(submitted), "m": len(submitted_measurements)},
        )
    return HttpResponseRedirect(_safe_next(request, reverse("funding:report_review")))


@login_required
@require_POST
def report_period(request, hub, year, action):
    bureau_required(request.user)
    hub_obj = get_object_or_404(Hub, slug=hub)
    if action == "close":
        reporting_period_close(hub=hub_obj, year=year, actor=request.user)
        messages.success(request, _("Reporting period %(year)s of %(hub)s closed.") % {"year": year, "hub": hub_obj})
    else:
        reporting_period_reopen(hub=hub_obj, year=year, actor=request.user)
        messages.success(request, _("Reporting period %(year)s of %(hub)s reopened.") % {"year": year, "hub": hub_obj})
    return HttpResponseRedirect(_safe_next(request, reverse("funding:report_year", args=[hub, year])))


@login_required
def report_review(request):
    bureau_required(request.user)
    submitted = (
        FundingRecord.objects.filter(status=RecordStatus.SUBMITTED)
        .select_related("fieldlab__hub", "hub", "bureau", "funder", "created_by")
        .order_by("fieldlab__hub__name", "hub__name", "year", "fieldlab__name", "source")
    )
    groups: dict[tuple, dict] = {}
    for record in submitted:
        hub = record.hub or (record.fieldlab.hub if record.fieldlab else None)
        key = (hub.slug if hub else "", record.year)
        group = groups.setdefault(key, {"hub": hub, "year": record.year, "records": []})
        group["records"].append(record)
    from evaluation.models import Measurement

    measurements = (
        Measurement.objects.filter(status=RecordStatus.SUBMITTED)
        .select_related("fieldlab__hub", "hub", "activity_type", "indicator", "created_by")
        .order_by("year", "fieldlab__name", "indicator__name")
    )
    for measurement in measurements:
        hub = measurement.hub or (measurement.fieldlab.hub if measurement.fieldlab else None)
        key = (hub.slug if hub else "", measurement.year)
        group = groups.setdefault(key, {"hub": hub, "year": measurement.year, "records": []})
        group.setdefault("measurements", []).append(measurement)
    return render(request, "funding/report_review.html", {"groups": list(groups.values())})


# --- spreadsheet import --------------------------------------------------------------------------------------

IMPORT_SESSION_KEY = "funding_import"
IMPORT_BACKGROUND_ROWS = 200  # more rows than this run in the Celery worker, with progress shown


def _require_importer(user) -> None:
    if not (user.is_bureau or user.is_coordinator):
        raise PermissionDenied(_("Only the bureau and hub coordinators import funding records."))


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
