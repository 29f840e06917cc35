"""One JSON shape for every API error, whatever raised it.

    {"status": 400, "code": "invalid", "detail": "Invalid input.", "errors": {"amount": ["…"], "year": ["…"]}}

``errors`` names each bad field (``non_field_errors`` for rules that span fields); it is empty for errors that are
not about input. Services raise Django's ValidationError / PermissionDenied and ProtectedError; they are mapped here
to 400 / 403 / 409, so views never translate them by hand. Errors are always JSON, even when the client asked for
CSV or XLSX: a spreadsheet holding an error message would be mistaken for data.

A database that does not answer is an outage, not a bug: 503 ``service_unavailable`` with ``Retry-After``. Anything
else unhandled is left to Django, whose 500 handler (core/errors.py) answers ``server_error`` in the same
shape and logs the traceback.
"""

import logging

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.services import StaleVersion

logger = logging.getLogger(__name__)

# Seconds a client should wait before retrying after a 503 (sent as Retry-After, here and on the portal's 503 page).
RETRY_AFTER_SECONDS = 30


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the record.")
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record changed since you read it (If-Match does not match its ETag). Read it again.")
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _(
        "Send If-Match with the record's ETag (from a GET) so that a change saved meanwhile is not overwritten."
    )
    default_code = "precondition_required"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The database does not answer. Try again shortly.")
    default_code = "service_unavailable"
    wait = RETRY_AFTER_SECONDS  # DRF sends it as Retry-After


def is_database_outage(exc: BaseException) -> bool:
    """The driver could not reach the database (down, hung past the connect timeout, connection lost).

    OperationalError also covers a cancelled statement, a deadlock or SQLite's "database is locked": for those too
    the honest answer is "try again shortly", not "a bug".
    """
    return isinstance(exc, OperationalError | InterfaceError)


def _django_validation_errors(exc: DjangoValidationError, field_map: dict[str, str]) -> dict:
    if hasattr(exc, "error_dict"):
        errors: dict[str, list[str]] = {}
        for field, messages in exc.message_dict.items():
            name = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field_map.get(field, field)
            errors.setdefault(name, []).extend(messages)
        return errors
    return {api_settings.NON_FIELD_ERRORS_KEY: list(exc.messages)}


def _translate(exc, context):
    """Map what services and the database raise onto DRF exceptions (or return exc unchanged)."""
    view = context.get("view")
    if isinstance(exc, StaleVersion):
        return PreconditionFailed()
    if isinstance(exc, DjangoValidationError):
        field_map = getattr(view, "service_error_field_map", {})
        # A delete refused because other records still point here is a conflict, not bad input.
        if isinstance(exc.__cause__, ProtectedError | RestrictedError):
            return Conflict(detail=" ".join(exc.messages))
        return exceptions.ValidationError(detail=_django_validation_errors(exc, field_map))
    if isinstance(exc, ProtectedError | RestrictedError):
        return Conflict(detail=_("Other records still refer to this one."))
    if isinstance(exc, IntegrityError):
        # Validation runs before every save, so this is a race with a concurrent write.
        return Conflict(detail=_("The change conflicts with another record; read it again and retry."))
    if is_database_outage(exc):
        # The class name only: the driver's message names the database host and port.
        logger.warning("API: the database does not answer (%s)", exc.__class__.__name__)
        return ServiceUnavailable()
    return exc


def _body(response_status: int, code: str, detail: str, errors: dict) -> dict:
    return {"status": response_status, "code": code, "detail": str(detail), "errors": errors}


def api_error_response(response_status: int, code: str, detail: str) -> JsonResponse:
    """The error shape for answers made outside DRF (Django's error handlers, middleware)."""
    response = JsonResponse(_body(response_status, code, detail, {}), status=response_status)
    if response_status == status.HTTP_503_SERVICE_UNAVAILABLE:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def api_exception_handler(exc, context):
    exc = _translate(exc, context)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django answer 500 (and log it)

    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {api_settings.NON_FIELD_ERRORS_KEY: exc.detail}
        response.data = _body(response.status_code, "invalid", _("Invalid input."), errors)
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        # A parser error may name the field it found (core/api/parsers.py).
        response.data = _body(response.status_code, code, exc.detail, getattr(exc, "errors", {}))
    else:  # Http404 / PermissionDenied from Django, already mapped by DRF
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        code = {404: "not_found", 403: "permission_denied"}.get(response.status_code, "error")
        response.data = _body(response.status_code, code, detail, {})

    # Errors are JSON whatever format was asked for (finalize_response uses the request's renderer).
    request = context.get("request")
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


def api_not_found(request, *args, **kwargs):
    """Unknown URLs under /api/v1/ answer in the same shape instead of Django's HTML 404 page."""
    return api_error_response(404, "not_found", _("No API endpoint at this address."))
