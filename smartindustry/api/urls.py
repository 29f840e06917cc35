from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

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
from reporting.api.views import ReportingPeriodViewSet

from .exceptions import api_not_found


class ApiRouter(DefaultRouter):
    # No "<url>.json" suffix routes: the format is chosen with ?format= or Accept, one URL per resource.
    include_format_suffixes = False


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

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("evaluation/", include("evaluation.api.urls")),
    *router.urls,
    # Last: anything else under /api/v1/ is a JSON 404, not Django's HTML page.
    re_path(r"^.*$", api_not_found, name="not_found"),
]
