"""Small helpers every app's browser views share."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from reporting.workflow import workflow_transition

__all__ = ["htmx_login_required", "safe_next", "workflow_step_response"]


def safe_next(request, default: str) -> str:
    """The ``next`` the form sent, if it points at this site; else ``default``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def htmx_login_required(view):
    """login_required that, for an htmx request, asks the page to go to the login instead of swapping it into a cell."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated and request.htmx:
            return HttpResponse(status=204, headers={"HX-Redirect": f"{reverse('login')}?next={request.path}"})
        return login_required(view)(request, *args, **kwargs)

    return wrapper


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
