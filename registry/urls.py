from django.urls import path

from . import views

app_name = "registry"


def _edit_urls(prefix: str, kind: str, converter: str):
    return [
        path(f"{prefix}/new/", views.record_create, {"kind": kind}, name=f"{kind}_create"),
        path(f"{prefix}/<{converter}:key>/edit/", views.record_update, {"kind": kind}, name=f"{kind}_update"),
        path(f"{prefix}/<{converter}:key>/delete/", views.record_delete, {"kind": kind}, name=f"{kind}_delete"),
    ]


urlpatterns = [
    path("hubs/", views.HubListView.as_view(), name="hub_list"),
    *_edit_urls("hubs", "hub", "slug"),
    path("hubs/<slug:slug>/", views.HubDetailView.as_view(), name="hub_detail"),
    path("fieldlabs/", views.FieldlabListView.as_view(), name="fieldlab_list"),
    *_edit_urls("fieldlabs", "fieldlab", "slug"),
    path("fieldlabs/<slug:slug>/", views.FieldlabDetailView.as_view(), name="fieldlab_detail"),
    path("partners/", views.PartnerListView.as_view(), name="partner_list"),
    *_edit_urls("partners", "partner", "slug"),
    path("partners/<slug:slug>/", views.PartnerDetailView.as_view(), name="partner_detail"),
    path("companies/", views.CompanyListView.as_view(), name="company_list"),
    *_edit_urls("companies", "company", "int"),
    path("companies/<int:pk>/", views.CompanyDetailView.as_view(), name="company_detail"),
]
