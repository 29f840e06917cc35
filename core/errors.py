"""How the site fails: the project's own pages, the API's JSON error shape, and 503 (not 500) when the database is out.

- ``DatabaseOutageMiddleware``: a view that cannot reach the database answers 503 with ``Retry-After`` — the page
  ``503.html`` in the portal, the JSON error shape under ``/api/`` — and logs a warning, not a traceback: an outage is
  not a bug. (DRF views translate it themselves in core/api/exceptions.py; this covers the portal.)
- ``server_error`` (``handler500``): anything else unhandled answers ``500.html``, or the JSON shape under ``/api/``.
  Django has logged the traceback before it calls the handler.

Both pages are rendered without the request: no context processors, no user, no session, no database and no static
files, so they still render when the database is down or the static manifest is missing.
"""

import base64
import hashlib
import logging
import re

from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

from core.api.exceptions import RETRY_AFTER_SECONDS, api_error_response, is_database_outage

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def _page(template_name: str, response_status: int) -> HttpResponse:
    """The page, self-contained: its one <style> block is allowed by the Content-Security-Policy by its hash (it
    cannot count on static files), so this response's policy stays as strict as the portal's otherwise."""
    content = loader.render_to_string(template_name)
    response = HttpResponse(content, status=response_status)
    hashes = [
        f"'sha256-{base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()}'"
        for block in STYLE_BLOCK.findall(content)
    ]
    if hashes:
        response._csp_update = {"style-src": hashes}  # read by django-csp's middleware
    return response


def service_unavailable(request) -> HttpResponse:
    if request.path_info.startswith(API_PREFIX):
        return api_error_response(503, "service_unavailable", _("The database does not answer. Try again shortly."))
    response = _page("503.html", 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request) -> HttpResponse:
    if request.path_info.startswith(API_PREFIX):
        return api_error_response(500, "server_error", _("A server error occurred. It has been logged."))
    return _page("500.html", 500)


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_outage(exception):
            return None  # Django's handling: log, then server_error
        # The class name only: the driver's message names the database host and port.
        logger.warning(
            "%s %s: the database does not answer (%s)", request.method, request.path, type(exception).__name__
        )
        return service_unavailable(request)
