"""One workflow step from a portal form: the single-item buttons of funding records and measurements."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from core.web import safe_next

__all__ = ["workflow_step_response"]


def workflow_step_response(
    request, item, *, step: Callable, action: str, done: str, default_next: str
) -> HttpResponseRedirect:
    """One step of the workflow on a funding record or measurement from a POSTed form (``comment`` optional), then
    back to ``next``. A refused step (wrong state, closed period, no comment) is a message; a forbidden one a 403.

    ``step`` takes it, with review.workflow.workflow_transition's signature: the item's own app's service (funding's
    funding_record_step also moves the rollups), named by the caller because this app sits below theirs."""
    try:
        step(item, action=action, actor=request.user, comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return HttpResponseRedirect(safe_next(request, default_next))
