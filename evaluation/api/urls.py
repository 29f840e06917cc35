from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("runs", views.EvaluationRunViewSet, basename="evaluation-run")
router.register("indicators", views.IndicatorViewSet, basename="evaluation-indicator")
router.register("output-goals", views.OutputGoalViewSet, basename="evaluation-output-goal")
router.register("output-targets", views.OutputTargetViewSet, basename="evaluation-output-target")
router.register("measurements", views.MeasurementViewSet, basename="evaluation-measurement")
router.register("verdict-bands", views.VerdictBandViewSet, basename="evaluation-verdict-band")
router.register("efficiency-norms", views.EfficiencyNormViewSet, basename="evaluation-efficiency-norm")

urlpatterns = [
    path("funding-totals/", views.FundingTotalsView.as_view(), name="evaluation-funding-totals"),
    path("funding-cumulative/", views.FundingCumulativeView.as_view(), name="evaluation-funding-cumulative"),
    path("leverage/", views.LeverageView.as_view(), name="evaluation-leverage"),
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
