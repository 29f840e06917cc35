"""Every registered exporter answers the same columns and rows streamed and as a background job.

The exporters are listed from the registry (core.exporters.exporters_all), and each is found behind the URL that
serves it by walking the URL configuration (a portal list, an API list or table, an evaluation download): a page or
list whose view names an exporter. Each is asked for its whole file twice through that URL, as its users ask for it:
once under the stream bound (the file is the answer) and once above it (the portal's job page or the API's 202; the
job runs as the worker would, from the exporter's registry key in its parameters). Both files must hold the same
header and the same rows, in the same order, in every format the exporter offers. The reference dataset gives every
list rows; what it lacks (reporting periods) is added.
"""

import csv
import io
import json

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from core.exporters import RowsExporter, TableExporter, exporters_all
from jobs.models import Job
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

# The exporters that may legitimately be empty for the reference data: none. (An empty file proves nothing.)


def _patterns(resolver: URLResolver, namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace and namespace else pattern.namespace
            yield from _patterns(pattern, inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern.callback


def _exporter_of(callback):
    """The exporter a view serves: a portal list's or API table's ``exporter``, a viewset list's (or an action's
    own, passed to @action), None for anything else."""
    initkwargs = getattr(callback, "initkwargs", None) or getattr(callback, "view_initkwargs", None) or {}
    if "exporter" in initkwargs:
        return initkwargs["exporter"]
    actions = getattr(callback, "actions", None)
    if actions is not None and actions.get("get") != "list":
        return None  # a viewset's detail or write route
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return getattr(view_class, "exporter", None)


def served() -> dict[str, list[str]]:
    """Registry key → the URLs (with no arguments, or the evaluation's per-table downloads) that export it."""
    urls: dict[str, list[str]] = {}
    for name, callback in _patterns(get_resolver()):
        for table, exporter in (getattr(callback, "exporters", None) or {}).items():
            for fmt in exporter.formats:
                urls.setdefault(exporter.key, []).append(reverse(name, kwargs={"table": table, "fmt": fmt}))
        exporter = _exporter_of(callback)
        if exporter is None or not exporter.key:
            continue
        try:
            urls.setdefault(exporter.key, []).append(reverse(name))
        except NoReverseMatch:
            continue  # a detail route (it needs an id): not an export of a list
    return urls


SERVED = served()
EXPORTERS = {exporter.key: exporter for exporter in exporters_all()}


def test_every_registered_exporter_is_served_and_every_served_exporter_is_registered():
    assert set(SERVED) == set(EXPORTERS)
    # At least the portal's lists, the API's lists and tables, the evaluation downloads and 360Giving.
    for key in ("portal:funding-records", "api:funding-records", "360giving", "portal:hubs", "api:hubs"):
        assert key in EXPORTERS
    assert len(EXPORTERS) >= 30


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _parsed(content: bytes, fmt: str):
    """(header, rows) of a file."""
    if fmt == "csv":
        lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
        return lines[0], lines[1:]
    if fmt == "xlsx":
        values = [list(row) for row in openpyxl.load_workbook(io.BytesIO(content)).active.values]
        return values[0], values[1:]
    data = json.loads(content)
    rows = data["grants"] if isinstance(data, dict) else data
    return sorted({key for row in rows for key in row}), rows


def _file_url(url: str, fmt: str, query: str = "") -> str:
    """The URL that asks for the file: the download URLs name their format, lists take ?format=."""
    query = "&".join(part for part in (query, "" if url.endswith(f".{fmt}") else f"format={fmt}") if part)
    return f"{url}?{query}" if query else url


def _selection(exporter) -> str:
    """A query that changes an exporter's rows or their order, so a job that lost the query would differ: a portal
    list's reversed sort, an API list's reversed ordering, a computed table's shorter year window."""
    if issubclass(exporter, TableExporter):
        keys = exporter.table.sort_keys()
        return f"sort=-{'name' if 'name' in keys else sorted(keys)[0]}"
    if issubclass(exporter, RowsExporter):
        return "year_min=2016&year_max=2017"
    ordering = exporter.filterset_class.base_filters["ordering"]
    descending = str(exporter.queryset.query.order_by[0]).startswith("-")  # then ascending is the change
    return f"ordering={'' if descending else '-'}{next(iter(ordering.param_map))}"


def _cases():
    for key, urls in sorted(SERVED.items()):
        for url in urls:
            for fmt in EXPORTERS[key].formats:
                if url.endswith(tuple(f".{other}" for other in EXPORTERS[key].formats if other != fmt)):
                    continue  # a download URL of another format
                yield pytest.param(key, url, fmt, "", id=f"{key}-{fmt}")
                if fmt == "csv":
                    yield pytest.param(key, url, fmt, _selection(EXPORTERS[key]), id=f"{key}-{fmt}-selection")


@pytest.fixture
def bureau(client):
    """The bureau sees every row; the portal and the API (session authentication) both answer it."""
    user = factories.BureauUserFactory(username="exporters-bureau")
    client.force_login(user)
    # Reporting periods are the one list the reference dataset leaves empty.
    for year, hub in enumerate(factories.HubFactory._meta.model.objects.order_by("slug")[:2], start=2018):
        factories.ReportingPeriodFactory(hub=hub, year=year)
    return client


@pytest.mark.parametrize(("key", "url", "fmt", "query"), list(_cases()))
def test_an_exporter_answers_the_same_rows_streamed_and_as_a_job(
    bureau, settings, django_capture_on_commit_callbacks, key, url, fmt, query
):
    file_url = _file_url(url, fmt, query)
    settings.EXPORT_STREAM_MAX_ROWS = settings.EXPORT_XLSX_STREAM_MAX_ROWS = 10**9
    streamed = bureau.get(file_url)
    assert streamed.status_code == 200, (file_url, streamed.content[:300])
    header, rows = _parsed(_body(streamed), fmt)
    assert rows, f"{key} exported no rows as {fmt}: the comparison would prove nothing"
    if query:  # the selection must matter, or a job that lost it would pass
        assert _parsed(_body(bureau.get(_file_url(url, fmt))), fmt)[1] != rows, f"{query} changes nothing in {key}"

    settings.EXPORT_STREAM_MAX_ROWS = settings.EXPORT_XLSX_STREAM_MAX_ROWS = 0
    with django_capture_on_commit_callbacks(execute=True):  # the job's task is sent (and, eager, run) on commit
        started = bureau.get(file_url)
    assert started.status_code in (202, 302), (file_url, started.status_code)
    job = Job.objects.get()
    assert (job.kind, job.parameters["exporter"], job.parameters["format"]) == ("export", key, fmt)
    assert job.status == "done", job.error
    assert job.result == {"rows": len(rows)}
    with job.file.open("rb") as stored:
        job_header, job_rows = _parsed(stored.read(), fmt)

    assert job_header == header
    assert job_rows == rows
