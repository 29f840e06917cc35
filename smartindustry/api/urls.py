from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from funding.api.views import FunderViewSet, FundingRecordViewSet
from registry.api.views import CompanyViewSet, FieldlabViewSet, HubViewSet, PartnerViewSet, ProvinceViewSet

router = DefaultRouter()
router.register("partners", PartnerViewSet)
router.register("provinces", ProvinceViewSet)
router.register("hubs", HubViewSet)
router.register("fieldlabs", FieldlabViewSet)
router.register("companies", CompanyViewSet)
router.register("funders", FunderViewSet)
router.register("funding-records", FundingRecordViewSet)

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("evaluation/", include("evaluation.api.urls")),
    *router.urls,
]
