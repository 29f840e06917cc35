from csp.decorators import csp_update
from django.urls import include, path, re_path, reverse
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from core.api.exceptions import api_not_found
from core.api.views import ApiViewMixin
from evaluation.api import urls as evaluation_urls
from funding.api.views import FunderViewSet, FundingRecordViewSet
from jobs.api.views import JobViewSet
from registry.api.views import (
    CompanyViewSet,
    FieldlabViewSet,
    HubViewSet,
    ParticipationViewSet,
    PartnerViewSet,
    ProvinceViewSet,
)
from review.api.views import ReportingPeriodViewSet


class ApiRouter(DefaultRouter):
    # No "<url>.json" suffix routes: the format is chosen with ?format= or Accept, one URL per resource.
    include_format_suffixes = False
    include_root_view = False  # ApiRootView lists the evaluation's endpoints, the schema and the docs too


def _evaluation_endpoints() -> dict[str, str]:
    """Every list and table of the evaluation (no detail routes), by name: "evaluation/<path>"."""
    found = {}
    for pattern in evaluation_urls.urlpatterns:
        route = str(pattern.pattern).lstrip("^").rstrip("$")
        if "<" in route or "(?P" in route or not route:
            continue
        found[f"evaluation/{route.rstrip('/')}"] = f"evaluation/{route}"
    return found


class ApiRootView(ApiViewMixin, APIView):
    """The API's front door: every list and table, the schema and the interactive docs, as absolute links."""

    schema = None  # not an operation of its own

    def get(self, request, *args, **kwargs):
        base = request.build_absolute_uri("/api/v1/")
        endpoints = {prefix: f"{base}{prefix}/" for prefix, _viewset, _basename in router.registry}
        endpoints.update({name: base + path for name, path in _evaluation_endpoints().items()})
        return Response(
            {
                "endpoints": dict(sorted(endpoints.items())),
                "schema": request.build_absolute_uri(reverse("api:schema")),
                "docs": request.build_absolute_uri(reverse("api:docs")),
            }
        )


router = ApiRouter()
router.register("partners", PartnerViewSet)
router.register("provinces", ProvinceViewSet)
router.register("hubs", HubViewSet)
router.register("fieldlabs", FieldlabViewSet)
router.register("companies", CompanyViewSet)
router.register("participations", ParticipationViewSet)
router.register("funders", FunderViewSet)
router.register("funding-records", FundingRecordViewSet)
router.register("reporting-periods", ReportingPeriodViewSet)
router.register("jobs", JobViewSet)

# The interactive docs under the Content-Security-Policy: the split view loads its start-up script from this same
# URL (?script=) instead of an inline <script>, so script-src stays 'self'. Swagger UI writes inline styles (its
# page's <style> block and style attributes of its own), so this view alone also allows inline styles.
API_DOCS = csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="api:schema"))

app_name = "api"
urlpatterns = [
    path("", ApiRootView.as_view(), name="api-root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", API_DOCS, name="docs"),
    path("evaluation/", include("evaluation.api.urls")),
    *router.urls,
    # Last: anything else under /api/v1/ is a JSON 404, not Django's HTML page.
    re_path(r"^.*$", api_not_found, name="not_found"),
]
