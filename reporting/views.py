"""Hub reporting pages: the overview, a hub's report per year (contribution and indicator cells saved in place), submit,
the bureau's review (a whole hub-year or selected lines, one comment), the review queue, and reporting periods.

The views parse input, ask the access policy and call reporting's selectors and services.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import policy
from core.amounts import parse_amount, parse_number
from core.constants import YEAR_MAX, YEAR_MIN
from core.templatetags.portal import num
from core.web import htmx_login_required, safe_next
from evaluation.models import Measurement
from funding.choices import Source
from funding.models import FundingRecord
from registry.models import Hub
from review.choices import WorkflowAction
from review.services import reporting_period_close, reporting_period_reopen
from review.web import workflow_step_response
from review.workflow import workflow_transition

from . import services
from .selectors import (
    HUB_PLACE,
    HubYear,
    hub_report,
    hub_report_items,
    hub_year,
    measurable_pair,
    measurement_cell_name,
    report_years,
    reporting_status_panel,
    review_queue,
)

__all__ = [
    "measurement_approve_view",
    "measurement_cell",
    "measurement_return_view",
    "report_cell",
    "report_decide",
    "report_hub",
    "report_index",
    "report_period",
    "report_review",
    "report_submit",
    "report_year",
]


def _hub_year(request, hub: str, year: int, action: str = policy.Action.VIEW_REPORT) -> Hub:
    """The hub of a report URL, after the policy's word; a year outside the registry's bounds is not there (404)."""
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404(_("No reporting for that year."))
    hub_obj = get_object_or_404(Hub, slug=hub)
    policy.require(request.user, action, hub_obj)
    return hub_obj


@login_required
def report_index(request):
    user = request.user
    if user.hub_id and policy.can(user, policy.Action.VIEW_REPORT, user.hub) and request.GET.get("overview") is None:
        return redirect("reporting:report_hub", hub=user.hub.slug)
    years, status = reporting_status_panel()
    return render(request, "reporting/report_index.html", {"status": status, "years": years})


@login_required
def report_hub(request, hub):
    hub_obj = get_object_or_404(Hub, slug=hub)
    policy.require(request.user, policy.Action.VIEW_REPORT, hub_obj)
    years = report_years()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        # The latest year the hub has records for (the year being reported), else last year.
        latest = (
            hub_report_items(FundingRecord, hub=hub_obj, year=None)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        year = latest or date.today().year - 1
    if not YEAR_MIN <= year <= YEAR_MAX:
        year = years[-1]
    return redirect("reporting:report_year", hub=hub_obj.slug, year=year)


def _hub_year_to_enter(request, hub: str, year: int) -> HubYear:
    """The hub-year of a cell save: the policy asked once (403), the period read once; both answers go down to the
    service and into the re-rendered cell."""
    hub_obj = _hub_year(request, hub, year, policy.Action.ENTER_REPORT)
    return hub_year(hub=hub_obj, year=year, user=request.user, may_report=True)


def _report_context(request, report, errors: dict) -> dict:
    totals = report.totals(report.fieldlabs)
    status_counts = report.status_counts()
    rows = report.rows(totals)
    for row in rows:
        for cell in row["cells"]:
            cell["error"] = errors.get(cell["name"])
            if cell["name"] in request.POST:
                cell["posted"] = request.POST[cell["name"]]
    return {
        "hub": report.hub,
        "year": report.year,
        "years": report_years(),
        "report": report,
        "measurement_pairs": report.pairs,
        "measurement_rows": report.measurement_rows(_("%(hub)s (hub-wide)") % {"hub": report.hub.name}),
        "rows": rows,
        "sources": Source.choices,
        "totals": totals,
        "pending_count": report.pending_count(),
        "returned": report.returned(),
        "returned_measurements": report.returned(Measurement).select_related("indicator", "activity_type"),
        "status_counts": status_counts,
        "status_summary": report.status_summary(status_counts),
        "may_enter": report.may_enter,
        "may_review": policy.can(request.user, policy.Action.APPROVE),
        # What static/js/report-grid.js says after a paste, in the page's language.
        "grid_messages": {
            "saving": _("Pasted %(filled)s values; saving them one by one…"),
            "done": _("Pasted %(filled)s values: %(saved)s saved, %(errors)s refused (see the marked cells)."),
            "skipped": _("%(skipped)s values fell outside the cells you can edit."),
        },
    }


def _posted_version(request, name: str):
    """The version of the cell's record the editor saw ("<cell>-version"; "" for an empty cell), or UNCHECKED when
    the post does not carry one."""
    return request.POST.get(f"{name}-version", services.UNCHECKED)


def _save_posted_cell(request, report, fieldlab, source: str, name: str) -> None:
    """Save the amount posted in a contribution cell, with the version its editor saw (CellConflict when stale)."""
    services.report_cell_save(
        report=report,
        fieldlab=fieldlab,
        source=source,
        amount=parse_amount(request.POST.get(name, "")),
        actor=request.user,
        version=_posted_version(request, name),
    )


@login_required
def report_year(request, hub, year):
    hub_obj = _hub_year(request, hub, year)
    report = hub_report(hub=hub_obj, year=year, user=request.user)
    errors = {}
    status = 200
    conflict = False
    if request.method == "POST":
        # "Save draft" without JavaScript: every changed cell at once, all or nothing.
        policy.require(request.user, policy.Action.ENTER_REPORT, hub_obj)
        try:
            with transaction.atomic():
                for fieldlab in report.fieldlabs:
                    for source in Source.values:
                        name = f"cell-{fieldlab.pk}-{source}"
                        if name not in request.POST:
                            continue
                        try:
                            _save_posted_cell(request, report, fieldlab, source, name)
                        except services.CellConflict as exc:
                            errors[name] = " ".join(exc.messages)
                            conflict = True
                        except ValidationError as exc:
                            errors[name] = " ".join(exc.messages)
                if errors:
                    raise ValidationError("cells")
        except ValidationError:
            messages.error(request, _("Nothing was saved: correct the marked cells."))
            status = 409 if conflict else 400
            report = hub_report(hub=hub_obj, year=year, user=request.user)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("reporting:report_year", hub=hub, year=year)
    return render(request, "reporting/report_year.html", _report_context(request, report, errors), status=status)


@htmx_login_required
@require_POST
def report_cell(request, hub, year, fieldlab, source):
    """htmx: save one contribution cell in place and answer the cell (and the totals, out of band).

    One walk: the hub-year is read once (policy, period) and handed to the service; the answer reads only what it
    shows (the cell, its row's and the grid's sums, the pending count), never the whole report."""
    report = _hub_year_to_enter(request, hub, year)
    if source not in Source.values:
        raise Http404(_("Unknown source."))
    fieldlab_obj = report.fieldlab(fieldlab)
    if fieldlab_obj is None:
        raise PermissionDenied(_("This fieldlab is not part of this hub's report for that year."))
    name = f"cell-{fieldlab_obj.pk}-{source}"
    error = None
    status = 200
    try:
        _save_posted_cell(request, report, fieldlab_obj, source, name)
    except services.CellConflict as exc:
        # Changed meanwhile: the cell shows the stored value in its message and this editor's value in the input,
        # with the stored version, so saving it again is a deliberate overwrite.
        error = " ".join(exc.messages)
        status = 409
    except ValidationError as exc:
        error = " ".join(exc.messages)
    cell = report.cell(fieldlab_obj, source)  # as stored now
    cell["error"] = error
    if error:
        cell["posted"] = request.POST.get(name, "")
    totals = report.totals([fieldlab_obj])
    context = {
        "cell": cell,
        "totals": totals,
        "row_total": totals["fieldlabs"][fieldlab_obj.pk],
        "fieldlab": fieldlab_obj,
        "pending_count": report.pending_count(),
        "oob": True,
    }
    return render(request, "reporting/_report_cell.html", context, status=status)


@htmx_login_required
@require_POST
def measurement_cell(request, hub, year, place, activity, indicator):
    """htmx: save one indicator cell of a hub report in place (one walk, as report_cell)."""
    report = _hub_year_to_enter(request, hub, year)
    fieldlab = None
    if place != HUB_PLACE:
        fieldlab = report.fieldlab(place)
        if fieldlab is None:
            raise PermissionDenied(_("This fieldlab is not part of this hub's report for that year."))
    pair = measurable_pair(activity, indicator)
    if pair is None:
        raise Http404(_("No output goal measures this indicator for this activity type."))
    activity_type, indicator_obj = pair
    name = measurement_cell_name(fieldlab, activity_type, indicator_obj)
    error = None
    try:
        value = parse_number(request.POST.get(name, ""))
        services.report_measurement_save(
            report=report,
            fieldlab=fieldlab,
            activity_type=activity_type,
            indicator=indicator_obj,
            value=value,
            actor=request.user,
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    cell = report.measurement_cell(fieldlab, activity_type, indicator_obj)  # as stored now
    cell["error"] = error
    if error:
        cell["posted"] = request.POST.get(name, "")
    return render(request, "reporting/_measurement_cell.html", {"cell": cell})


@login_required
def report_submit(request, hub, year):
    """GET: the exact list of what "submit" will send (the grids' items still with the hub), with a confirm button.
    POST: submit. The confirm form carries the listed ids, so what is sent is what was listed, or nothing."""
    hub_obj = _hub_year(request, hub, year, policy.Action.ENTER_REPORT)
    if request.method == "GET":
        report = hub_report(hub=hub_obj, year=year, user=request.user)
        records, measurements = report.submittable()
        elsewhere = report.pending().count() + report.pending(Measurement).count() - len(records) - len(measurements)
        context = {
            "hub": hub_obj,
            "year": year,
            "report": report,
            "records": records,
            "measurements": measurements,
            "elsewhere": elsewhere,
        }
        return render(request, "reporting/report_submit.html", context)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        listed = request.POST.get("listed") == "1"
        outcome = services.report_submit(
            hub=hub_obj,
            year=year,
            actor=request.user,
            record_ids=(_ids(request, "record") or []) if listed else None,
            measurement_ids=(_ids(request, "measurement") or []) if listed else None,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        if request.POST.get("listed") == "1":
            return redirect("reporting:report_submit", hub=hub, year=year)
    else:
        if outcome.records or outcome.measurements:
            messages.success(
                request,
                _("%(lines)s submitted to the programme bureau.")
                % {"lines": lines_and_measurements(outcome.records, outcome.measurements)},
            )
        else:
            messages.info(request, _("There was nothing to submit."))
    return redirect("reporting:report_year", hub=hub, year=year)


def lines_and_measurements(records: int, measurements: int) -> str:
    """ "1 line and 2 measurements", each noun in its right number (ngettext), numbers as the page shows them."""
    return _("%(records)s and %(measurements)s") % {
        "records": ngettext("%(n)s line", "%(n)s lines", records) % {"n": num(records)},
        "measurements": ngettext("%(n)s measurement", "%(n)s measurements", measurements) % {"n": num(measurements)},
    }


def _ids(request, name: str) -> list[int] | None:
    values = request.POST.getlist(name)
    try:
        return [int(v) for v in values] if values else None
    except ValueError:
        raise ValidationError(_("Select lines from the report.")) from None


# The review form's buttons: which step, and whether for the whole hub-year or the ticked lines only.
DECISIONS = {
    "approve-all": (WorkflowAction.APPROVE, False),
    "return-all": (WorkflowAction.RETURN, False),
    "approve-selected": (WorkflowAction.APPROVE, True),
    "return-selected": (WorkflowAction.RETURN, True),
}


@login_required
@require_POST
def report_decide(request, hub, year, action=None):
    """The bureau approves or returns a whole hub-year (funding lines and measurements together) with one comment,
    or only the lines ticked in the form (``record``/``measurement`` checkboxes)."""
    hub_obj = _hub_year(request, hub, year, policy.Action.REVIEW)
    action, selected = DECISIONS.get(request.POST.get("decision", ""), (action, False))
    try:
        record_ids = measurement_ids = None  # everything submitted in the hub-year
        if selected:
            record_ids, measurement_ids = _ids(request, "record") or [], _ids(request, "measurement") or []
            if not record_ids and not measurement_ids:
                raise ValidationError(_("Tick the lines you want to approve or return."))
        outcome = services.report_review(
            hub=hub_obj,
            year=year,
            actor=request.user,
            action=action or "",
            comment=request.POST.get("comment", ""),
            record_ids=record_ids,
            measurement_ids=measurement_ids,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        lines = lines_and_measurements(outcome.records, outcome.measurements)
        if action == WorkflowAction.APPROVE:
            messages.success(request, _("%(lines)s approved.") % {"lines": lines})
        else:
            messages.success(request, _("%(lines)s returned to the hub.") % {"lines": lines})
    return HttpResponseRedirect(safe_next(request, reverse("reporting:report_review")))


@login_required
@require_POST
def report_period(request, hub, year, action):
    hub_obj = _hub_year(request, hub, year, policy.Action.MANAGE_PERIODS)
    service = reporting_period_close if action == "close" else reporting_period_reopen
    try:
        service(hub=hub_obj, year=year, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = (
            _("Reporting period %(year)s of %(hub)s closed.")
            if action == "close"
            else _("Reporting period %(year)s of %(hub)s reopened.")
        )
        messages.success(request, text % {"year": year, "hub": hub_obj})
    return HttpResponseRedirect(safe_next(request, reverse("reporting:report_year", args=[hub, year])))


@login_required
def report_review(request):
    policy.require(request.user, policy.Action.REVIEW)
    return render(request, "reporting/report_review.html", {"groups": review_queue()})


def _measurement_step(request, pk, *, action: str, done: str):
    measurement = get_object_or_404(Measurement, pk=pk)
    return workflow_step_response(
        request,
        measurement,
        step=workflow_transition,  # a measurement's step is the workflow's alone
        action=action,
        done=done % {"id": measurement.pk},
        default_next=reverse("reporting:report_review"),
    )


@login_required
@require_POST
def measurement_approve_view(request, pk):
    return _measurement_step(request, pk, action=WorkflowAction.APPROVE, done=_("Measurement %(id)s approved."))


@login_required
@require_POST
def measurement_return_view(request, pk):
    return _measurement_step(
        request, pk, action=WorkflowAction.RETURN, done=_("Measurement %(id)s returned to the hub.")
    )
