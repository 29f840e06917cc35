"""Admin of funders and funding records: the policy decides, the services and the workflow write.

Status and review fields are read-only; records move through the workflow with the actions below, and a change to
an approved record's amount (or anything else it counts) sends it back to review, as on every other path.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from smartindustry.admin_base import ServiceAdmin, workflow_admin_action

from .models import Funder, FundingRecord
from .services import (
    funding_record_approve,
    funding_record_create,
    funding_record_delete,
    funding_record_submit,
    funding_record_update,
)


@admin.register(Funder)
class FunderAdmin(ServiceAdmin):
    list_display = ("name", "source", "kind", "province", "provenance")
    list_filter = ("source", "kind", "provenance")
    list_select_related = ("province",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(FundingRecord)
class FundingRecordAdmin(ServiceAdmin):
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
    readonly_fields = (
        "status",
        "review_comment",
        "created_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "updated_at",
    )
    date_hierarchy = "created_at"
    actions = [
        workflow_admin_action(
            lambda record, actor: funding_record_submit(record=record, actor=actor),
            name="submit_selected",
            description=_("Submit selected records for review"),
        ),
        workflow_admin_action(
            lambda record, actor: funding_record_approve(record=record, actor=actor),
            name="approve_selected",
            description=_("Approve selected submitted records"),
        ),
    ]

    def service_create(self, *, actor, data):
        return funding_record_create(actor=actor, **data)

    def service_update(self, *, instance, actor, data):
        return funding_record_update(record=instance, actor=actor, data=data)

    def service_delete(self, *, instance, actor):
        funding_record_delete(record=instance, actor=actor)
