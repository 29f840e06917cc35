"""The API's exporters: a list's ``?format=csv|xlsx`` (every matching row, not a page) as a registered exporter.

* ``SerializerExporter``: the serializer's fields are the columns (``fields=``/``brief=`` choose them), each row its
  ``to_representation`` (nested values flattened by the writers).
* ``DatabaseApiExporter``: the same columns straight from the database (core/exporters/database.py) for a list too
  large for a serializer per row; its columns must be the serializer's, in order.

``export_response`` is what a viewset or table view answers for an export: the file, the 202 of the job that writes
it, or the refusal as the API's JSON error.
"""

from typing import ClassVar

from django.core.exceptions import ImproperlyConfigured
from rest_framework import exceptions, serializers

from core.exporters import ExportInvalid, ExportRefused, QuerysetExporter, export_answer, job_starter
from core.exporters.database import DatabaseExporter

from .serializers import field_names

COLUMN_PARAMETERS = frozenset({"fields", "brief"})


class ExportTooLarge(exceptions.APIException):
    status_code = 400
    default_code = "export_too_large"


class ApiExporter(QuerysetExporter):
    """A list of the API: its queryset (in the list's order), FilterSet and serializer."""

    serializer_class: ClassVar[type[serializers.Serializer] | None] = None

    def filter_data(self):
        return {key: values for key, values in self.query.items() if key not in COLUMN_PARAMETERS}

    def count(self):
        self.field_names()  # a bad fields= is refused before anything is counted or sent
        return super().count()

    def field_names(self) -> list[str] | None:
        try:
            return field_names(self.query, self.serializer_class)
        except serializers.ValidationError as exc:
            raise ExportInvalid(exc.detail) from exc


class SerializerExporter(ApiExporter):
    def serializer(self):
        return self.serializer_class(context={"field_names": self.field_names()})

    def header(self):
        return list(self.serializer().fields)

    def rows(self):
        serializer = self.serializer()
        return (serializer.to_representation(obj) for obj in self.objects())


class DatabaseApiExporter(ApiExporter, DatabaseExporter):
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.serializer_class is not None and cls.columns:
            keys, fields = [c.key for c in cls.columns], list(cls.serializer_class.Meta.fields)
            if keys != fields:
                raise ImproperlyConfigured(
                    f"{cls.__name__}: the columns must be {cls.serializer_class.__name__}'s fields, in order "
                    f"(columns {keys}, fields {fields})."
                )

    def column_names(self):
        return self.field_names()


def export_response(request, exporter):
    """The API's answer to an export: the file, the job's 202, or the refusal as a JSON error (400; 404 for a
    format that needs a row and has none)."""
    try:
        answer = export_answer(exporter)
    except ExportInvalid as exc:
        raise serializers.ValidationError(exc.errors) from exc
    except ExportRefused as exc:
        if exc.code == "empty":
            raise exceptions.NotFound(str(exc)) from exc
        raise ExportTooLarge(str(exc)) from exc
    if answer.job is not None:
        return job_starter().api_response(request, answer.job)
    return answer.response
