"""Evaluation pages: the tables of the evaluation module (effectiveness, efficiency, the five recommendation checks
and their follow-up), charts, background evaluation runs and downloads.

The views only ask evaluation.selectors / evaluation.services (the evaluation module) and arrange what they answer.
"""

import json
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import policy
from core.constants import (
    EVALUATION_YEAR_MAX,
    EVALUATION_YEAR_MIN,
    EXPORT_FORMATS,
    YEAR_MAX,
    YEAR_MIN,
)
from core.exporters import ExportInvalid
from core.models import localized_values
from core.restriction import visible_object_or_404
from core.templatetags.portal import eur
from core.views import export_view_response
from funding.choices import RecipientKind
from funding.selectors import FundingFilters, funding_leverage, funding_totals, source_year_matrix
from jobs.choices import JobStatus
from registry.selectors import companies_reached

from . import selectors
from .checks import recommendation_checks
from .choices import CheckStatus, EfficiencyVerdict, Verdict
from .exporters import DOWNLOADS
from .filters import parse_year_window
from .models import ActivityType, EvaluationRun, FollowUpAction, Indicator, OutputGoal, Recommendation
from .services import evaluation_run_start, follow_up_action_overdue

ZERO = selectors.ZERO


def _window(request) -> tuple[int, int, dict]:
    """The year window from ?year_min&year_max (the evaluation window by default); bad input → errors shown."""
    try:
        year_min, year_max = parse_year_window(request.GET)
        return year_min, year_max, {}
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return EVALUATION_YEAR_MIN, EVALUATION_YEAR_MAX, errors


def _funding_matrix(year_min: int, year_max: int) -> dict:
    """Approved fieldlab funding per source × year from funding's funding_totals (one grouped query)."""
    filters = FundingFilters(year_min=year_min, year_max=year_max, recipient_kind=RecipientKind.FIELDLAB)
    return source_year_matrix(funding_totals(group_by=["source", "year"], filters=filters))


def _names():
    """Activity types and indicators by code, named in the page's language (reference texts are bilingual)."""
    return localized_values(ActivityType), localized_values(Indicator)


def _effectiveness(year_min: int, year_max: int, types: dict) -> dict:
    tables = selectors.effectiveness_tables(year_min=year_min, year_max=year_max)
    verdict_labels = dict(Verdict.choices)
    years = list(range(year_min, year_max + 1))
    by_year = {(row["activity_type"], row["year"]): row for row in tables["by_year"]}
    rows = []
    for row in tables["overall"]:
        rows.append(
            {
                **row,
                "name": types.get(row["activity_type"], row["name"]),
                "verdict_label": verdict_labels.get(row["verdict"], row["verdict"]),
                "percent": row["ratio"] * 100 if row["ratio"] is not None else None,
                "years": [
                    {
                        "year": year,
                        "verdict": by_year[(row["activity_type"], year)]["verdict"],
                        "label": verdict_labels.get(by_year[(row["activity_type"], year)]["verdict"], ""),
                        "ratio": by_year[(row["activity_type"], year)]["ratio"],
                    }
                    for year in years
                    if (row["activity_type"], year) in by_year
                ],
            }
        )
    chart = {
        "type": "bar",
        "money": False,
        "percent": True,
        "labels": [row["name"] for row in rows],
        "datasets": [
            {
                "label": str(_("Actual against target (%)")),
                "data": [f"{row['percent']:.1f}" if row["percent"] is not None else None for row in rows],
                "backgroundColor": "#0072B2",
            }
        ],
    }
    goal_names, indicators = localized_values(OutputGoal), localized_values(Indicator)
    goals = [
        {
            **g,
            "activity_type_name": types.get(g["activity_type"], g["activity_type"]),
            "goal_name": goal_names.get(g["goal"], g["goal"]),
            "indicator_name": indicators.get(g["indicator"], g["indicator"]),
        }
        for g in tables["goals"]
    ]
    return {"rows": rows, "years": years, "goals": goals, "chart": chart}


def _efficiency(year_min: int, year_max: int, types: dict, indicators: dict) -> dict:
    cost_rows = selectors.cost_per_output(year_min=year_min, year_max=year_max)
    regional_rows = selectors.regional_cost_per_output(year_min=year_min, year_max=year_max)
    verdicts = selectors.efficiency_by_activity_type(
        year_min=year_min, year_max=year_max, cost_rows=cost_rows, regional_rows=regional_rows
    )
    labels = dict(EfficiencyVerdict.choices)

    def named(row):
        return {
            **row,
            "activity_type_name": types.get(row["activity_type"], row["activity_type"]),
            "indicator_name": indicators.get(row["indicator"], row["indicator"]),
            "verdict_label": labels.get(row["verdict"], row["verdict"]),
        }

    return {
        "cost": [named(r) for r in cost_rows],
        "regional": [named(r) for r in regional_rows],
        "by_type": [
            {
                **r,
                "name": types.get(r["activity_type"], r["activity_type"]),
                "verdict_label": labels.get(r["verdict"], r["verdict"]),
                "regional_label": labels.get(r["regional_verdict"], r["regional_verdict"]),
            }
            for r in verdicts
        ],
    }


def _figure(key: str, value) -> tuple[str, str]:
    """A check's figure for people: 'regional_amount' → ('Regional amount', '€ 74.921.703'); dicts and lists
    become 'key: value' lists; yes/no for booleans."""
    label = key.replace("_", " ").capitalize()
    if isinstance(value, bool):
        return label, _("yes") if value else _("no")
    if isinstance(value, dict):
        return label, " · ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return label, ", ".join(str(v) for v in value)
    if key.endswith("amount"):
        return label, eur(value, 0)
    if key.endswith("share") and value not in (None, ""):
        return label, f"{Decimal(str(value)) * 100:.0f}%"
    return label, str(value)


def _recommendations(year_min: int, year_max: int) -> list[dict]:
    checks = recommendation_checks(year_min=year_min, year_max=year_max)
    actions: dict[str, list] = {}
    for action in FollowUpAction.objects.select_related("recommendation").order_by("due_date", "id"):
        action.overdue = follow_up_action_overdue(action)
        actions.setdefault(action.recommendation.code, []).append(action)
    labels = dict(CheckStatus.choices)
    # The checks name records in the stored (English) text; the page names them in its own language.
    titles = localized_values(Recommendation, "title")
    names = {"activity_type": localized_values(ActivityType), "output_goal": localized_values(OutputGoal)}

    def named(record: dict) -> dict:
        return {**record, "name": names.get(record["kind"], {}).get(record["code"], record["name"])}

    return [
        {
            **check,
            "title": titles.get(check["code"], check["title"]),
            "records": [named(r) for r in check["records"]],
            "status_label": labels.get(check["status"], check["status"]),
            "figure_items": [_figure(key, value) for key, value in sorted(check["figures"].items())],
            "actions": actions.get(check["code"], []),
        }
        for check in checks
    ]


@login_required
def index(request):
    year_min, year_max, errors = _window(request)
    types, indicators = _names()
    fieldlabs = FundingFilters(year_min=year_min, year_max=year_max, recipient_kind=RecipientKind.FIELDLAB)
    leverage = funding_leverage(filters=fieldlabs)
    matrix = _funding_matrix(year_min, year_max)
    context = {
        "year_min": year_min,
        "year_max": year_max,
        "year_bounds": (YEAR_MIN, YEAR_MAX),
        "errors": errors,
        "matrix": matrix,
        "leverage": leverage,
        "reach": companies_reached(year_min=year_min, year_max=year_max),
        "effectiveness": _effectiveness(year_min, year_max, types),
        "efficiency": _efficiency(year_min, year_max, types, indicators),
        "recommendations": _recommendations(year_min, year_max),
        "runs": EvaluationRun.objects.select_related("job__owner").order_by("-created_at", "-id")[:10],
        "export_formats": EXPORT_FORMATS,
    }
    return render(request, "evaluation/index.html", context)


# --- downloads -----------------------------------------------------------------------------------------------


@login_required
def download(request, table, fmt):
    """One evaluation table of the chosen window in an export format (the same rows the page shows): its exporter
    (evaluation/exporters.py) writes it."""
    exporter_class = DOWNLOADS.get(table)
    if exporter_class is None:
        raise Http404(_("No such table."))
    if fmt not in exporter_class.formats:
        raise Http404(_("Choose one of %(formats)s and a valid year window.") % {"formats": ", ".join(EXPORT_FORMATS)})
    exporter = exporter_class(user=request.user, query=request.GET, fmt=fmt)
    try:
        exporter.window()
    except ExportInvalid as exc:
        raise Http404(
            _("Choose one of %(formats)s and a valid year window.") % {"formats": ", ".join(EXPORT_FORMATS)}
        ) from exc
    return export_view_response(request, exporter, back=reverse("evaluation:index"))


# The exporters the download links serve, by table (tests/test_exporters.py finds them here).
download.exporters = DOWNLOADS


# --- evaluation runs -----------------------------------------------------------------------------------------


@login_required
@require_POST
def run_start(request):
    policy.require(request.user, policy.Action.RUN_EVALUATION)
    params = {key: request.POST[key] for key in ("year_min", "year_max") if request.POST.get(key)}
    try:
        run = evaluation_run_start(actor=request.user, parameters=params)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("evaluation:index")
    messages.success(request, _("Evaluation run %(id)s started.") % {"id": run.pk})
    return redirect("evaluation:run_detail", pk=run.pk)


@login_required
def run_detail(request, pk):
    run = visible_object_or_404(request.user, EvaluationRun.objects.select_related("job__owner"), pk=pk)
    finished = run.job.finished
    results = run.results or {}
    labels = dict(CheckStatus.choices)
    checks = [{**c, "status_label": labels.get(c["status"], c["status"])} for c in results.get("recommendations", [])]
    context = {"run": run, "finished": finished, "results": results, "checks": checks}
    template = "evaluation/_run_status.html" if request.htmx else "evaluation/run_detail.html"
    return render(request, template, context)


@login_required
def run_results(request, pk):
    """The frozen results of a run, exactly as stored, as a JSON file."""
    run = visible_object_or_404(request.user, EvaluationRun.objects.all(), pk=pk, job__status=JobStatus.DONE)
    body = json.dumps(
        {
            "id": run.pk,
            "parameters": run.parameters,
            "fingerprint": run.fingerprint,
            "data_summary": run.data_summary,
            "results": run.results,
        },
        indent=2,
        ensure_ascii=False,
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="evaluation-run-{run.pk}.json"'
    return response
