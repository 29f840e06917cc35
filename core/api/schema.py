"""OpenAPI generation: the parameters and errors every endpoint shares are described once, here."""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .renderers import API_FORMATS, TabularRenderer

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=list(API_FORMATS),
    description=_(
        "Response format; overrides the Accept header. csv and xlsx of a list export every matching row "
        "(streamed) unless page or page_size is given, in which case they hold exactly that page."
    ),
)
FIELDS_PARAMETER = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description=_("Comma-separated field names to return (e.g. fields=id,year,amount); unknown names are a 400."),
)
BRIEF_PARAMETER = OpenApiParameter(
    "brief", OpenApiTypes.BOOL, description=_("Return only the identifying fields (id, slug or name).")
)


class ErrorSerializer(serializers.Serializer):
    """The one shape of every error answer."""

    status = serializers.IntegerField(help_text=_("HTTP status code, repeated in the body."))
    code = serializers.CharField(help_text=_("Machine-readable error code, e.g. invalid, not_found, throttled."))
    detail = serializers.CharField(help_text=_("Human-readable explanation."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Messages per bad input field (non_field_errors for rules across fields); empty otherwise."),
    )


ERROR_DESCRIPTIONS = {
    "400": _("Invalid input: errors names each bad field."),
    "401": _("No or invalid credentials (send Authorization: Token <key>)."),
    "403": _("Signed in, but this role or token may not do this."),
    "404": _("No such record, or not visible to you."),
    "405": _("Method not allowed here."),
    "406": _("Unknown format requested."),
    "409": _("Conflicts with the current state (e.g. other records still refer to it)."),
    "412": _("If-Match does not match the record's current ETag."),
    "429": _("Too many requests for this token; retry after the Retry-After seconds."),
}
READ_ERRORS = ("400", "401", "404", "406", "429")
WRITE_ERRORS = ("400", "401", "403", "404", "409", "412", "429")


class ApiAutoSchema(AutoSchema):
    def _is_tabular_view(self) -> bool:
        return any(isinstance(r, TabularRenderer) for r in self.view.get_renderers())

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if not meta.get("description"):
            # A model-backed field without help_text: describe it by its model field's verbose name, which every
            # model field of the project has (translatable), so no column of any app goes undescribed.
            model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
            source = getattr(field, "source", None)
            if model is not None and source and source != "*" and "." not in source:
                try:
                    model_field = model._meta.get_field(source)
                except Exception:  # not a model field (a property or annotation)
                    model_field = None
                verbose = getattr(model_field, "verbose_name", None)
                if verbose:
                    meta["description"] = str(capfirst(verbose))
        return meta

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        # drf-spectacular describes a blank-allowed URL or patterned text as oneOf(the format, a string of length
        # 0); "" then matches both branches, and generated clients choke on it. Say "a string" once: the pattern or
        # format applies when it is not blank, which the description says.
        branches = schema.get("oneOf") or []
        if (
            len(branches) == 2
            and all(b.get("type") == "string" for b in branches)
            and branches[1].get("maxLength") == 0
        ):
            kept = schema.pop("oneOf")[0]
            schema["type"] = "string"
            if "maxLength" in kept:
                schema["maxLength"] = kept["maxLength"]
            note = {"uri": "a URL", "email": "an e-mail address"}.get(kept.get("format"), "")
            if "pattern" in kept:
                note = f"matching {kept['pattern']}"
            if note:
                schema["description"] = (schema.get("description", "") + f" (empty, or {note})").strip()

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        # A filter whose type is declared (SlugFilter) loses its label in drf-spectacular: put it back.
        filters = getattr(getattr(self.view, "filterset_class", None), "base_filters", {})
        for parameter in parameters:
            label = getattr(filters.get(parameter.get("name")), "label", None)
            if label and not parameter.get("description"):
                parameter["description"] = str(label)
        return parameters

    def map_parsers(self):
        # Clients send JSON (the browser's forms are the portal's, not the API's): one request body per operation,
        # not the same model three times (JSON, form, multipart), which generated clients turn into a union of one.
        parsers = super().map_parsers()
        return ["application/json"] if "application/json" in parsers else parsers

    def _get_request_body(self, direction="request"):
        body = super()._get_request_body(direction)
        if body is not None:
            # A write always sends a body (``{}`` at least); saying so keeps generated signatures plain.
            body["required"] = True
        return body

    def _get_format_parameters(self):
        # Replaced by FORMAT_PARAMETER on reads (with a description); writes always answer JSON.
        return []

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if not parameter.get("description"):
                parameter["description"] = str(
                    _("The record's %(name)s: its stable identifier in URLs.") % {"name": parameter["name"]}
                )
        return parameters

    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        if self.method == "GET" and self._is_tabular_view():
            names = {getattr(p, "name", None) for p in params}
            if "format" not in names:
                params.append(FORMAT_PARAMETER)
            serializer_class = getattr(self.view, "serializer_class", None)
            uses_serializer = getattr(self.view, "action", "list") in ("list", "retrieve")
            if (
                uses_serializer
                and serializer_class is not None
                and hasattr(getattr(serializer_class, "Meta", None), "fields")
            ):
                params += [p for p in (FIELDS_PARAMETER, BRIEF_PARAMETER) if p.name not in names]
        return params

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        # A spreadsheet is a file, not JSON: describe it as one.
        for media_type, body in response.get("content", {}).items():
            if media_type.startswith("text/csv") or "spreadsheetml" in media_type:
                body["schema"] = {"type": "string", "format": "binary"}
        return response

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = READ_ERRORS if self.method in ("GET", "HEAD") else WRITE_ERRORS
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, media_types=["application/json"], direction=direction
                )
                responses[code]["description"] = str(ERROR_DESCRIPTIONS[code])
        return responses
