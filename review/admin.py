"""Reporting periods in the admin: read here, closed and reopened through the reporting services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceAdmin, workflow_admin_action

from .models import ReportingPeriod
from .services import reporting_period_close, reporting_period_reopen


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ServiceAdmin):
    list_display = ("hub", "year", "status", "deadline", "closed_at", "closed_by")
    list_filter = ("status", "year", "hub")
    list_select_related = ("hub", "closed_by")
    readonly_fields = ("hub", "year", "status", "deadline", "closed_at", "closed_by")
    actions = [
        workflow_admin_action(
            lambda period, actor: reporting_period_close(hub=period.hub, year=period.year, actor=actor),
            name="close_selected",
            description=_("Close selected reporting periods"),
        ),
        workflow_admin_action(
            lambda period, actor: reporting_period_reopen(hub=period.hub, year=period.year, actor=actor),
            name="reopen_selected",
            description=_("Reopen selected reporting periods"),
        ),
    ]

    def has_add_permission(self, request, *args):
        # A period comes into being when the bureau closes a hub's year (on the report page or with the action).
        return False

    def has_delete_permission(self, request, obj=None):
        return False
