from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.report_index, name="report_index"),
    path("review/", views.report_review, name="report_review"),
    path("measurements/<int:pk>/approve/", views.measurement_approve_view, name="measurement_approve"),
    path("measurements/<int:pk>/return/", views.measurement_return_view, name="measurement_return"),
    path("<slug:hub>/", views.report_hub, name="report_hub"),
    path("<slug:hub>/<int:year>/", views.report_year, name="report_year"),
    path("<slug:hub>/<int:year>/submit/", views.report_submit, name="report_submit"),
    path("<slug:hub>/<int:year>/review/", views.report_decide, name="report_decide"),
    path("<slug:hub>/<int:year>/approve/", views.report_decide, {"action": "approve"}, name="report_approve_all"),
    path("<slug:hub>/<int:year>/return/", views.report_decide, {"action": "return"}, name="report_return_all"),
    path("<slug:hub>/<int:year>/close/", views.report_period, {"action": "close"}, name="report_close"),
    path("<slug:hub>/<int:year>/reopen/", views.report_period, {"action": "reopen"}, name="report_reopen"),
    path("<slug:hub>/<int:year>/cells/<slug:fieldlab>/<str:source>/", views.report_cell, name="report_cell"),
    path(
        "<slug:hub>/<int:year>/measurements/<slug:place>/<slug:activity>/<slug:indicator>/",
        views.measurement_cell,
        name="measurement_cell",
    ),
]
