from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    # funding records
    path("funding/", views.FundingRecordListView.as_view(), name="funding_record_list"),
    path("funding/new/", views.funding_record_create_view, name="funding_record_create"),
    path("funding/<int:pk>/", views.FundingRecordDetailView.as_view(), name="funding_record_detail"),
    path("funding/<int:pk>/edit/", views.funding_record_update_view, name="funding_record_update"),
    path("funding/<int:pk>/delete/", views.funding_record_delete_view, name="funding_record_delete"),
    path("funding/<int:pk>/submit/", views.funding_record_submit_view, name="funding_record_submit"),
    path("funding/<int:pk>/approve/", views.funding_record_approve_view, name="funding_record_approve"),
    path("funding/<int:pk>/return/", views.funding_record_return_view, name="funding_record_return"),
    # import
    path("funding/import/", views.import_upload, name="import_upload"),
    path("funding/import/confirm/", views.import_confirm, name="import_confirm"),
    # funders
    path("funders/", views.FunderListView.as_view(), name="funder_list"),
    path("funders/new/", views.funder_create, name="funder_create"),
    path("funders/<slug:slug>/", views.FunderDetailView.as_view(), name="funder_detail"),
    path("funders/<slug:slug>/edit/", views.funder_update, name="funder_update"),
    path("funders/<slug:slug>/delete/", views.funder_delete, name="funder_delete"),
]
