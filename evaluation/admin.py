from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ActivityType


@admin.register(ActivityType)
class ActivityTypeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "lead_level", "sort_order", "provenance")
    list_filter = ("lead_level", "provenance")
    search_fields = ("name", "code")
