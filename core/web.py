"""Small helpers every app's browser views share."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

__all__ = ["htmx_login_required", "safe_next"]


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
