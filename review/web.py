"""One workflow step from a portal form: the single-item buttons of funding records and measurements."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from core.web import safe_next

from .workflow import workflow_transition

__all__ = ["workflow_step_response"]


def workflow_step_response(request, item, *, action: str, done: str, default_next: str) -> HttpResponseRedirect:
    """One step of the workflow on a funding record or measurement from a POSTed form (``comment`` optional), then
    back to ``next``. A refused step (wrong state, closed period, no comment) is a message; a forbidden one a 403."""
    try:
        workflow_transition(item, action=action, actor=request.user, comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return HttpResponseRedirect(safe_next(request, default_next))
