from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Funder, FundingRecord, ReportingPeriod


@admin.register(Funder)
class FunderAdmin(SimpleHistoryAdmin):
    list_display = ("name", "source", "kind", "province", "provenance")
    list_filter = ("source", "kind", "provenance")
    list_select_related = ("province",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(FundingRecord)
class FundingRecordAdmin(SimpleHistoryAdmin):
    list_display = (
        "id",
        "recipient",
        "year",
        "source",
        "funder",
        "amount",
        "kind",
        "realisation",
        "status",
        "provenance",
    )
    list_filter = ("status", "source", "year", "kind", "realisation", "provenance", "fieldlab__hub", "activity_type")
    list_select_related = ("fieldlab", "hub", "bureau", "funder")
    search_fields = ("fieldlab__name", "hub__name", "funder__name", "evidence_note")
    autocomplete_fields = ("fieldlab", "hub", "funder")
    readonly_fields = ("created_by", "submitted_at", "reviewed_by", "reviewed_at", "created_at", "updated_at")
    date_hierarchy = "created_at"


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(SimpleHistoryAdmin):
    list_display = ("hub", "year", "status", "deadline", "closed_at", "closed_by")
    list_filter = ("status", "year", "hub")
    list_select_related = ("hub", "closed_by")
