"""Admin of funders and funding records: the policy decides, the services and the workflow write.

Status and review fields are read-only; records move through the workflow with the submit and approve actions, which
step them with funding_record_step (the rollups move with them), and a change to an approved record's amount (or
anything else it counts) sends it back to review, as on every other path.
"""

from django.contrib import admin

from core.admin import ReadOnlyInline, ServiceAdmin
from registry.models import Fieldlab, Hub
from review.admin_base import WORKFLOW_FIELDS, ReviewableAdmin, workflow_actions

from .models import Funder, FundingRecord, FundingRollup, FundingRollupTotal, FundingStatusCount
from .services import funding_record_create, funding_record_delete, funding_record_step, funding_record_update


@admin.register(Funder)
class FunderAdmin(ServiceAdmin):
    list_display = ("name", "source", "kind", "province", "provenance")
    list_filter = ("source", "kind", "provenance")
    list_select_related = ("province",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(FundingRecord)
class FundingRecordAdmin(ReviewableAdmin):
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
    readonly_fields = (*WORKFLOW_FIELDS, "created_at", "updated_at")
    date_hierarchy = "created_at"
    actions = workflow_actions(funding_record_step)

    def service_create(self, *, actor, data):
        return funding_record_create(actor=actor, **data)

    def service_update(self, *, instance, actor, data):
        return funding_record_update(record=instance, actor=actor, data=data)

    def service_delete(self, *, instance, actor):
        funding_record_delete(record=instance, actor=actor)


class RollupAdmin(ServiceAdmin):
    """The approved-funding rollups, to look at: derived data, written only by funding/rollups.py (repair with
    ``manage.py rebuild_rollups``). Seeing them follows the policy; nobody adds, changes or deletes a row here."""

    list_display = ("group_key", "recipient_kind", "year", "source", "kind", "realisation", "amount", "records")
    list_filter = ("recipient_kind", "year", "source", "kind", "realisation")
    search_fields = ("group_key",)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(FundingRollup, RollupAdmin)
admin.site.register(FundingRollupTotal, RollupAdmin)


@admin.register(FundingStatusCount)
class StatusCountAdmin(RollupAdmin):
    list_display = ("group_key", "year", "status", "amount", "records")
    list_filter = ("year", "status")


class FundingRecordInline(ReadOnlyInline):
    """A fieldlab's funding, to read; each record is changed on its own page, through the workflow."""

    model = FundingRecord
    fk_name = "fieldlab"
    fields = ("year", "source", "funder", "amount", "kind", "realisation", "activity_type", "status", "provenance")
    ordering = ("year", "source")


class HubFundingRecordInline(FundingRecordInline):
    fk_name = "hub"


# A hub's and a fieldlab's admin pages list their funding. The registry sits below funding and does not know it, so
# funding adds its inline to the registry's admins (registered before this module: registry comes first in
# INSTALLED_APPS, and the admin imports the apps' admin modules in that order).
for _model, _inline in ((Hub, HubFundingRecordInline), (Fieldlab, FundingRecordInline)):
    _model_admin = admin.site.get_model_admin(_model)
    _model_admin.inlines = [*_model_admin.inlines, _inline]
