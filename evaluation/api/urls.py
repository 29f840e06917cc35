from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("runs", views.EvaluationRunViewSet, basename="evaluation-run")

urlpatterns = [
    path("funding-totals/", views.FundingTotalsView.as_view(), name="evaluation-funding-totals"),
    path("funding-cumulative/", views.FundingCumulativeView.as_view(), name="evaluation-funding-cumulative"),
    path("activity-types/", views.ActivityTypesView.as_view(), name="evaluation-activity-types"),
    path("activity-types/<slug:code>/", views.ActivityTypeDetailView.as_view(), name="evaluation-activity-type"),
    path("companies-reached/", views.CompaniesReachedView.as_view(), name="evaluation-companies-reached"),
    path("effectiveness/", views.EffectivenessView.as_view(), name="evaluation-effectiveness"),
    path("cost-per-output/", views.CostPerOutputView.as_view(), name="evaluation-cost-per-output"),
    path(
        "regional-cost-per-output/",
        views.RegionalCostPerOutputView.as_view(),
        name="evaluation-regional-cost-per-output",
    ),
    path("recommendations/", views.RecommendationsView.as_view(), name="evaluation-recommendations"),
    path("recommendations/<slug:code>/", views.RecommendationDetailView.as_view(), name="evaluation-recommendation"),
    *router.urls,
]
