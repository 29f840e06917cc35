from django.contrib import admin
from django.urls import include, path

from . import views

# The project's own 500: the page without the request, or the API's JSON error shape under /api/ (errors.py).
handler500 = "core.errors.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("smartindustry.api.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("reports/", include("reporting.urls")),
    path("", include("registry.urls")),
    path("", include("funding.urls")),
    path("", include("jobs.urls")),
    path("search/", views.search, name="search"),
    path("changes/", views.change_log, name="change_log"),
    path("", views.home, name="home"),
]
