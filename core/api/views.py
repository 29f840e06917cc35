"""Viewset building blocks. A concrete viewset only declares queryset, serializer, filterset and its services."""

import hashlib
import math

from django.http import HttpResponseNotModified
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.response import Response

from core.restriction import RestrictedRowsMixin

from .exceptions import PreconditionFailed, PreconditionRequired
from .exporters import ApiExporter, export_response
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


class ExportListMixin:
    """``?format=csv|xlsx`` on a list exports every matching row: the list's ``exporter`` (core/api/exporters.py), the
    same registered class a background job builds again when the export is too large for the request.

    The exporter is the list's one declaration of its rows: a viewset that names it takes its ``queryset``,
    ``serializer_class`` and ``filterset_class`` from it, so the pages, the file and the job cannot drift apart.
    Without ``page``/``page_size`` the export holds the whole filtered list (what an analyst wants in a file); with
    them DRF renders exactly the page JSON would show, so the same query gives the same rows in every format. Whether
    the file streams, becomes a job (202 with Location) or is refused (400) is core.exporters.export_answer's call.
    """

    exporter: type[ApiExporter] | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        exporter = cls.__dict__.get("exporter")
        if exporter is not None:
            for name in ("queryset", "serializer_class", "filterset_class"):
                if name not in cls.__dict__ and getattr(exporter, name, None) is not None:
                    setattr(cls, name, getattr(exporter, name))

    def wants_export(self, request) -> bool:
        renderer = getattr(request, "accepted_renderer", None)
        paginated = "page" in request.query_params or "page_size" in request.query_params
        return isinstance(renderer, TabularRenderer) and not paginated

    def list(self, request, *args, **kwargs):
        if self.exporter is None or not self.wants_export(request):
            return super().list(request, *args, **kwargs)
        exporter = self.exporter(user=request.user, query=request.query_params, fmt=request.accepted_renderer.format)
        return export_response(request, exporter)


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
