"""Viewset building blocks. A concrete viewset only declares queryset, serializer, filterset and its services."""

import hashlib
import math

from django.http import HttpResponseNotModified
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.response import Response

from core.constants import EXPORT_CHUNK_SIZE
from core.exporters import stream_max_rows, xlsx_refusal
from core.restriction import RestrictedRowsMixin

from .exceptions import PreconditionFailed, PreconditionRequired
from .renderers import TabularRenderer
from .serializers import requested_field_names


def if_none_match(request, etag: str) -> bool:
    """Whether the request's If-None-Match names ``etag`` (weak comparison, as RFC 9110 asks for GET/HEAD)."""
    header = request.headers.get("If-None-Match", "")
    if header.strip() == "*":
        return bool(etag)
    offered = {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
    return etag.removeprefix("W/") in offered


def content_etag(response) -> str:
    """An ETag derived from the data read: a digest of the rendered body and its media type, so any change to any
    row of a list or table (an approved record edited, one added) gives another tag."""
    digest = hashlib.sha256(response.get("Content-Type", "").encode() + b"\n" + response.content)
    return '"' + digest.hexdigest()[:32] + '"'


def conditional_get(request, response):
    """ETag on every successful GET/HEAD answer (the record's own tag if the view set one, else the body's digest)
    and 304 Not Modified when If-None-Match names it. Writes are left alone (their If-Match is the write path's).
    Streamed exports (csv/xlsx of a whole list) are not buffered to compute a tag."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
        return response
    etag = response.get("ETag")
    if not etag:
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        etag = content_etag(response)
        response["ETag"] = etag
    if if_none_match(request, etag):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        for header in ("Vary", "Cache-Control", "Content-Location"):
            if header in response:
                not_modified[header] = response[header]
        return not_modified
    return response


def etag_for(instance) -> str:
    """A strong ETag from the record's version (every service write moves it on), so If-Match is exact."""
    version = getattr(instance, "version", None)
    if version is None:
        stamp = getattr(instance, "updated_at", None)
        version = stamp.isoformat() if stamp else ""
    raw = f"{type(instance).__name__}:{instance.pk}:{version}"
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:20] + '"'


# Query parameters every endpoint accepts besides its filters: rendering, paging, columns, sorting, search, language.
PASSIVE_QUERY_PARAMS = frozenset({"format", "page", "page_size", "fields", "brief", "ordering", "q", "lang"})


class ApiViewMixin:
    """Input hygiene shared by every endpoint: no NUL bytes in the query string, valid ``fields=``, and no unknown
    parameter (a misspelt filter would otherwise answer every row with a 200).

    The allowed names are the passive ones above, the filterset's filters and ``query_params_allowed`` (a table's
    own parameters, or an extra action's)."""

    query_params_allowed: frozenset[str] = frozenset()

    def allowed_query_params(self) -> set[str]:
        allowed = set(PASSIVE_QUERY_PARAMS) | set(self.query_params_allowed)
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        return allowed

    def check_query_params(self, request) -> None:
        allowed = self.allowed_query_params()
        unknown = sorted(key for key in request.query_params if key not in allowed)
        if unknown:
            message = _("Unknown parameter; allowed: %(allowed)s.") % {"allowed": ", ".join(sorted(allowed))}
            raise serializers.ValidationError({name: [message] for name in unknown})

    def throttled(self, request, wait):
        # DRF formats its "Expected available in N seconds" before translating it, so it stays English under a
        # Dutch request ("Aanvraag was verstikt. Expected available in 60 seconds."): one translated sentence.
        wait = math.ceil(wait) if wait is not None else None
        if wait is None:
            raise exceptions.Throttled()
        exc = exceptions.Throttled(
            detail=ngettext(
                "Request was throttled; retry in %(wait)d second.",
                "Request was throttled; retry in %(wait)d seconds.",
                wait,
            )
            % {"wait": wait}
        )
        exc.wait = wait  # the exception handler sends it as Retry-After
        raise exc

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return conditional_get(request, response)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttling first
        bad = [key for key, value in request.query_params.lists() if "\x00" in key or any("\x00" in v for v in value)]
        if bad:
            # PostgreSQL refuses NUL in text; say so instead of failing deep in the driver.
            raise serializers.ValidationError(
                {name.replace("\x00", ""): [_("NUL characters are not allowed.")] for name in bad}
            )
        self.check_query_params(request)
        serializer_class = getattr(self, "serializer_class", None)
        uses_serializer = getattr(self, "action", "list") in ("list", "retrieve")
        if uses_serializer and serializer_class is not None and hasattr(serializer_class, "Meta"):
            requested_field_names(request, serializer_class)


class ExportTooLarge(exceptions.APIException):
    status_code = 400
    default_code = "export_too_large"


class ExportListMixin:
    """``?format=csv|xlsx`` on a list exports every matching row, streamed from a database iterator.

    Without ``page``/``page_size`` the export holds the whole filtered list (what an analyst wants in a file);
    with them it holds exactly the page JSON would show, so the same query gives the same rows in every format.

    A list with an ``export_table`` (the funding records: funding/exports.py) is exported straight from the
    database, without the serializer. Above ``stream_max_rows`` (EXPORT_STREAM_MAX_ROWS; for XLSX also
    EXPORT_XLSX_STREAM_MAX_ROWS) its export becomes a background job: ``202 Accepted`` with the job as JSON and
    ``Location`` naming it (``export_job_start``). An XLSX above Excel's sheet limit is refused with a 400. Other
    lists stream through their serializer.
    """

    export_basename: str | None = None
    # funding.exports.ExportTable-like: header(names), rows(queryset, names), csv_chunks(queryset, names).
    export_table = None
    # Starts the background export: (request, queryset count, file name) → the response (the 202).
    export_job_start = None

    def wants_export(self, request) -> bool:
        renderer = getattr(request, "accepted_renderer", None)
        paginated = "page" in request.query_params or "page_size" in request.query_params
        return isinstance(renderer, TabularRenderer) and not paginated

    def list(self, request, *args, **kwargs):
        if not self.wants_export(request):
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        renderer = request.accepted_renderer
        # /api/v1/funding-records/ → funding-records.csv
        basename = self.export_basename or request.path.rstrip("/").rsplit("/", 1)[-1] or self.basename
        filename = f"{basename}.{renderer.format}"
        if self.export_table is not None:
            return self._export_from_table(request, queryset, renderer, filename)
        serializer = self.get_serializer()
        header = list(serializer.fields)
        rows = (serializer.to_representation(obj) for obj in queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE))
        return renderer.stream_response(rows, header=header, filename=filename)

    def _export_from_table(self, request, queryset, renderer, filename):
        names = requested_field_names(request, self.serializer_class)
        count = queryset.count()
        refusal = xlsx_refusal(count) if renderer.format == "xlsx" else None
        if refusal:
            raise ExportTooLarge(refusal)
        if count > stream_max_rows(renderer.format) and self.export_job_start is not None:
            return self.export_job_start(request, count, filename)
        header = self.export_table.header(names)
        if renderer.format == "csv":
            return renderer.stream_bytes(self.export_table.csv_chunks(queryset, names), filename=filename)
        return renderer.stream_response(self.export_table.rows(queryset, names), header=header, filename=filename)


class RestrictedQuerysetMixin(RestrictedRowsMixin):
    """A viewset's every row through the policy: the list and its exports, retrieve (another's row is a 404), the
    rows writes and extra actions look up. Every viewset of the API has it (ReadOnlyApiViewSet and
    ServiceModelViewSet do); one that must read beyond the policy says why in ``unrestricted_because``."""

    def get_queryset(self):
        return self.restrict(super().get_queryset())


class ReadOnlyApiViewSet(ApiViewMixin, RestrictedQuerysetMixin, ExportListMixin, viewsets.ReadOnlyModelViewSet):
    filter_backends = [DjangoFilterBackend]

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = etag_for(instance)
        return response


class ServiceModelViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ReadOnlyApiViewSet
):
    """Writes go through services only; the viewset parses input and hands validated data over.

    Concrete classes implement ``service_create(actor, data)``, ``service_update(instance, actor, data)`` and
    ``service_delete(instance, actor)``. Optimistic locking: send the ETag of a GET as ``If-Match`` and a write to a
    record that changed in between answers 412. Token clients must send it on PUT, PATCH and DELETE (428 without):
    a script that skips it would otherwise overwrite what someone saved meanwhile. Session (browser) writes may omit
    it; the version the write was based on is still checked against the stored row when the service saves.
    """

    def service_create(self, *, actor, data):
        raise NotImplementedError

    def service_update(self, *, instance, actor, data):
        raise NotImplementedError

    def service_delete(self, *, instance, actor):
        raise NotImplementedError

    def check_precondition(self, instance) -> None:
        if_match = self.request.headers.get("If-Match")
        if not if_match and self.request.auth is not None:
            raise PreconditionRequired()
        if if_match and if_match.strip() != "*":
            offered = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
            if etag_for(instance) not in offered:
                raise PreconditionFailed()

    def get_object(self):
        instance = super().get_object()
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            self.check_precondition(instance)
        return instance

    def _reload(self, instance):
        # Re-read through the viewset's queryset so annotations and related rows are there for the response.
        return self.get_queryset().get(pk=instance.pk)

    def perform_create(self, serializer):
        instance = self.service_create(actor=self.request.user, data=dict(serializer.validated_data))
        serializer.instance = self._created = self._reload(instance)

    def perform_update(self, serializer):
        # The version the precondition was checked against: if another write lands before this one saves, the
        # service refuses it (StaleVersion → 412) instead of overwriting.
        data = {**serializer.validated_data, "version": serializer.instance.version}
        instance = self.service_update(instance=serializer.instance, actor=self.request.user, data=data)
        serializer.instance = self._written = self._reload(instance)

    def perform_destroy(self, instance):
        self.service_delete(instance=instance, actor=self.request.user)

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        written = getattr(self, "_written", None)
        if written is not None:
            response["ETag"] = etag_for(written)
        return response

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        created = getattr(self, "_created", None)
        if created is not None:
            response["ETag"] = etag_for(created)
        return response
