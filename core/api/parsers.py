"""A JSON parser with bounds: the body's size and its nesting depth, and text that is valid Unicode.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE guards request.body and form posts, but DRF reads JSON from the stream, so the
size is checked here too (413). Deep nesting would exhaust Python's recursion in json.loads (a RecursionError, a
500): the depth is measured on the raw text before parsing and anything deeper than JSON_MAX_DEPTH is a 400.
JSON may escape a lone UTF-16 surrogate ("\\ud800"); json.loads turns it into a str that no encoder accepts, so it
would fail later, in the database driver or the renderer (a 500). Such a text is refused here with a 400 that names
the field.
"""

import io
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings

# Deep enough for every document the API accepts (a record is an object of scalars; a bulk body a list of those).
JSON_MAX_DEPTH = 32

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


_SURROGATE = re.compile("[\ud800-\udfff]")


class LoneSurrogate(exceptions.ParseError):
    """A string in the JSON text holds half of a UTF-16 surrogate pair: not a character, not storable."""

    def __init__(self, field: str, path: str):
        message = _(
            'The JSON text has a lone surrogate escape (such as "\\ud800") in %(path)s: that is not a character. '
            "Send valid Unicode; nothing was saved."
        ) % {"path": path}
        super().__init__(message)
        self.errors = {field: [message]}  # the API's error shape names the field (core/api/exceptions.py)


def find_lone_surrogate(data, path: tuple = ()) -> tuple | None:
    """The path (keys and indexes) to the first string, or object key, with a lone surrogate; None if there is none.
    The depth is bounded by JSON_MAX_DEPTH before this runs."""
    if isinstance(data, str):
        return path if _SURROGATE.search(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            if _SURROGATE.search(key):
                return (*path, key.encode("utf-8", "backslashreplace").decode())
            found = find_lone_surrogate(value, (*path, key))
            if found is not None:
                return found
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found = find_lone_surrogate(value, (*path, index))
            if found is not None:
                return found
    return None


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
        data = super().parse(io.BytesIO(raw), media_type, parser_context)
        bad = find_lone_surrogate(data)
        if bad is not None:
            field = str(bad[0]) if bad and isinstance(data, dict) else api_settings.NON_FIELD_ERRORS_KEY
            raise LoneSurrogate(field, ".".join(str(part) for part in bad) or _("the body"))
        return data
