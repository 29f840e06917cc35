from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import policy
from core.constants import EVALUATION_YEAR_MAX, EVALUATION_YEAR_MIN
from funding.choices import source_colour
from funding.selectors import funding_overview
from registry.selectors import companies_reached, fieldlabs_per_year
from reporting.selectors import reporting_status_panel

from . import health
from .changelog import ChangeLogFilterForm, change_log_page
from .search import global_search, search_words


@never_cache
@require_GET
def healthz(request):
    """200 when the database, the broker (when one is configured) and the static manifest answer; 503 otherwise.

    Each check is bounded in time (smartindustry/health.py), so a hung PostgreSQL or Redis gives a 503 in seconds.
    """
    checks = health.health_checks()
    healthy = health.is_healthy(checks)
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


DASHBOARD_YEARS = (EVALUATION_YEAR_MIN, EVALUATION_YEAR_MAX)  # the window of the Dialogic evaluation's €314M figure


@login_required
def home(request):
    """The dashboard: headline figures of approved fieldlab funding, charts, and the reporting status panel."""
    year_min, year_max = DASHBOARD_YEARS
    overview = funding_overview(year_min=year_min, year_max=year_max)
    per_year = fieldlabs_per_year(year_min=year_min, year_max=year_max)
    chart = {
        "sources": {
            "type": "doughnut",
            "money": True,
            "labels": [str(row["label"]) for row in overview["by_source"]],
            "datasets": [
                {
                    "label": "",
                    "data": [f"{row['amount']:.2f}" for row in overview["by_source"]],
                    "backgroundColor": [source_colour(row["source"]) for row in overview["by_source"]],
                }
            ],
        },
        "years": {
            "type": "bar",
            "money": True,
            "labels": [str(row["year"]) for row in overview["by_year"]],
            "datasets": [
                {
                    "label": str(_("Approved funding")),
                    "data": [f"{row['amount']:.2f}" for row in overview["by_year"]],
                    "backgroundColor": "#0072B2",
                }
            ],
        },
        "fieldlabs": {
            "type": "bar",
            "money": False,
            "labels": [str(row["year"]) for row in per_year],
            "datasets": [
                {
                    "label": str(_("Fieldlabs")),
                    "data": [row["fieldlabs"] for row in per_year],
                    "backgroundColor": "#009E73",
                }
            ],
        },
    }
    years, status = reporting_status_panel()
    context = {
        **overview,
        "fieldlabs_per_year": per_year,
        "companies_reached": companies_reached(year_min=year_min, year_max=year_max)["unique_companies"],
        "chart": chart,
        "status_years": years,
        "status": status,
    }
    return render(request, "home.html", context)


@login_required
def search(request):
    """The header's search box: results grouped by type, each group through the access policy."""
    query = request.GET.get("q", "").strip()
    groups = global_search(user=request.user, query=query)
    context = {
        "query": query,
        "groups": groups,
        "total": sum(group.count for group in groups),
        "searched": bool(search_words(query)),
    }
    return render(request, "search.html", context)


@login_required
def change_log(request):
    """Every change to every record (django-simple-history), filtered and paged. The bureau's (accounts.policy)."""
    policy.require(request.user, policy.Action.VIEW_CHANGE_LOG)
    form = ChangeLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = change_log_page(filters=filters, page=request.GET.get("page", 1))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "querystring": params.urlencode()}
    return render(request, "changelog.html", context, status=200 if not form.errors else 400)
