"""A JSON parser with bounds: the body's size and its nesting depth.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE guards request.body and form posts, but DRF reads JSON from the stream, so the
size is checked here too (413). Deep nesting would exhaust Python's recursion in json.loads (a RecursionError, a
500): the depth is measured on the raw text before parsing and anything deeper than JSON_MAX_DEPTH is a 400.
"""

import io
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

# Deep enough for every document the API accepts (a record is an object of scalars; a bulk body a list of those).
JSON_MAX_DEPTH = 32

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


def json_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text (brackets inside strings do not count)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub(b'""', raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        except ValueError:
            declared = 0
        too_large = _("The request body is larger than %(n)s bytes.") % {"n": limit}
        if limit is not None and declared > limit:
            raise RequestTooLarge(too_large)  # refused before reading it
        # The stream is bounded by CONTENT_LENGTH (Django's LimitedStream); read() takes exactly the body.
        raw = stream.read() if stream is not None else b""
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge(too_large)
        if json_depth(raw) > JSON_MAX_DEPTH:
            raise exceptions.ParseError(_("JSON nested deeper than %(n)s levels.") % {"n": JSON_MAX_DEPTH})
        return super().parse(io.BytesIO(raw), media_type, parser_context)
