"""The admin of reviewable items (funding records, measurements): workflow fields read-only, steps as actions."""

from collections.abc import Callable

from django.utils.translation import gettext_lazy

from core.admin import ServiceAdmin, workflow_admin_action

from .choices import WorkflowAction

__all__ = ["WORKFLOW_FIELDS", "ReviewableAdmin", "workflow_actions"]

# Fields only the workflow writes: shown, never edited in a form.
WORKFLOW_FIELDS = ("status", "review_comment", "created_by", "submitted_at", "reviewed_by", "reviewed_at")


def workflow_actions(step: Callable) -> list:
    """The admin actions "submit" and "approve" on the selected items, each step taken by ``step`` (the signature of
    review.workflow.workflow_transition). Each reviewable's admin passes its own app's step: a step may mean more
    than the item's status (funding_record_step also moves the approved-funding rollups), which this app cannot know.
    """
    return [
        workflow_admin_action(
            lambda item, actor: step(item, action=WorkflowAction.SUBMIT, actor=actor),
            name="submit_selected",
            description=gettext_lazy("Submit selected items for review"),
        ),
        workflow_admin_action(
            lambda item, actor: step(item, action=WorkflowAction.APPROVE, actor=actor),
            name="approve_selected",
            description=gettext_lazy("Approve selected submitted items"),
        ),
    ]


class ReviewableAdmin(ServiceAdmin):
    """A funding record's or a measurement's admin: workflow fields read-only. A subclass adds the steps as actions
    with ``actions = workflow_actions(<its app's step service>)``."""

    readonly_fields = WORKFLOW_FIELDS
