"""Serializer building blocks: described fields (for the schema) and field selection (``fields=``, ``brief=``)."""

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

TRUTHY = {"1", "true", "yes", "on"}


def requested_field_names(request, serializer_class) -> list[str] | None:
    """The columns asked for with ``fields=a,b`` or ``brief=1``; None means all. Unknown names are a 400."""
    if request is None or request.method not in SAFE_METHODS:
        return None
    return field_names(request.query_params, serializer_class)


def field_names(params, serializer_class) -> list[str] | None:
    """``requested_field_names`` from query parameters (a QueryDict, or the dict of lists an export keeps)."""

    def last(name: str) -> str:
        value = params.get(name, "")
        return (value[-1] if value else "") if isinstance(value, list | tuple) else value

    if last("brief").lower() in TRUTHY:
        return list(getattr(serializer_class.Meta, "brief_fields", ()) or serializer_class.Meta.fields)
    raw = last("fields")
    if not raw:
        return None
    wanted = [name.strip() for name in raw.split(",") if name.strip()]
    known = list(serializer_class.Meta.fields)
    unknown = [name for name in wanted if name not in known]
    if unknown or not wanted:
        raise serializers.ValidationError(
            {
                "fields": [
                    _("Unknown field(s): %(unknown)s. Choose from: %(known)s.")
                    % {"unknown": ", ".join(unknown) or "(none)", "known": ", ".join(known)}
                ]
            }
        )
    return wanted


class ApiModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose every field carries a description and that honours ``fields=`` / ``brief=``."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        return field_class, self._describe(kwargs, model_field)

    def build_relational_field(self, field_name, relation_info):
        field_class, kwargs = super().build_relational_field(field_name, relation_info)
        return field_class, self._describe(kwargs, relation_info.model_field)

    @staticmethod
    def _describe(kwargs, model_field):
        if not kwargs.get("help_text") and model_field is not None:
            verbose = getattr(model_field, "verbose_name", "") or model_field.name.replace("_", " ")
            kwargs["help_text"] = capfirst(verbose)
        return kwargs

    def _is_top_level(self) -> bool:
        root = self.root
        return root is self or (isinstance(root, serializers.ListSerializer) and self.parent is root)

    def get_fields(self):
        fields = super().get_fields()
        if not self._is_top_level():
            return fields
        if "field_names" in self.context:  # an export's (core/api/exporters.py): the columns it was asked for
            wanted = self.context["field_names"]
        else:
            wanted = requested_field_names(self.context.get("request"), type(self))
        if wanted is None:
            return fields
        return {name: fields[name] for name in wanted if name in fields}
