"""The admin of reviewable items (funding records, measurements): workflow fields read-only, steps as actions."""

from django.utils.translation import gettext_lazy

from core.admin import ServiceAdmin, workflow_admin_action

from .choices import WorkflowAction
from .workflow import workflow_transition

__all__ = ["WORKFLOW_FIELDS", "ReviewableAdmin"]

# Fields only the workflow writes: shown, never edited in a form.
WORKFLOW_FIELDS = ("status", "review_comment", "created_by", "submitted_at", "reviewed_by", "reviewed_at")


class ReviewableAdmin(ServiceAdmin):
    """A funding record's or a measurement's admin: workflow fields read-only, submit and approve as actions."""

    readonly_fields = WORKFLOW_FIELDS
    actions = [
        workflow_admin_action(
            lambda item, actor: workflow_transition(item, action=WorkflowAction.SUBMIT, actor=actor),
            name="submit_selected",
            description=gettext_lazy("Submit selected items for review"),
        ),
        workflow_admin_action(
            lambda item, actor: workflow_transition(item, action=WorkflowAction.APPROVE, actor=actor),
            name="approve_selected",
            description=gettext_lazy("Approve selected submitted items"),
        ),
    ]
