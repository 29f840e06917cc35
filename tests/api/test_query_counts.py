"""Query counts of every list endpoint are pinned and do not grow with the page size or with the rows exported."""

import functools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from funding.choices import RecordStatus, Source
from jobs.models import Job
from tests import factories

# Token lookup (1) + COUNT (1) + the page (1) [+ one prefetch per many-to-many shown].
PINNED = {
    "/api/v1/partners/": 3,
    "/api/v1/provinces/": 3,
    "/api/v1/hubs/": 4,  # + provinces prefetch
    "/api/v1/fieldlabs/": 3,
    "/api/v1/companies/": 3,
    "/api/v1/participations/": 3,
    "/api/v1/funders/": 3,
    "/api/v1/funding-records/": 3,
    "/api/v1/reporting-periods/": 3,
}
# Exports: the same as the page: token + COUNT (stream or job? core.exporters) + the rows, read by the iterator in
# chunks (one query here) with their prefetch once per chunk.
PINNED_EXPORT = dict(PINNED)
# The funding records export from the database (funding/api/exporters.py): token + COUNT + the rows. The CSV's rows
# on PostgreSQL are a COPY (outside Django's query log) between SAVEPOINT, SET LOCAL TIME ZONE, RELEASE.
FAST_EXPORTS = {"/api/v1/funding-records/": {"csv": 3, "csv_postgresql": 5, "xlsx": 3}}
# Not a paged list: token + whether any grant matches (an empty package is invalid 360Giving) + the streamed query.
PINNED_OTHER = {
    "/api/v1/funding-records/360giving/": 3,
    "/api/v1/jobs/": 3,  # JSON only (a job is no table): token + COUNT + the page
}


@functools.cache
def list_paths() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(path for path, ops in schema["paths"].items() if "get" in ops and "{" not in path)


@pytest.fixture
def more_rows(world):
    for n in range(4):
        factories.PartnerFactory(name=f"Extra partner {n}", short_name=f"X{n}", slug=f"x{n}")
        province = factories.ProvinceFactory()
        hub = factories.HubFactory()
        hub.provinces.set([province, world.province])
        fieldlab = factories.FieldlabFactory(hub=hub, province=province)
        company = factories.CompanyFactory(province=province)
        factories.ParticipationFactory(company=company, fieldlab=fieldlab)
        funder = factories.FunderFactory(province=province)
        factories.FundingRecordFactory(fieldlab=fieldlab, funder=funder, source=Source.REGIONAL, year=2015 + n)
        factories.FundingRecordFactory(hub=hub, fieldlab=None, source=Source.EU, status=RecordStatus.SUBMITTED)
        factories.ReportingPeriodFactory(hub=hub, year=2018)
        Job.objects.create(kind="import_preview", owner=world.users["bureau"])
    return world


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured)


def test_every_list_endpoint_is_pinned_or_known():
    # A new list endpoint of this app must get a pinned count; other apps' lists are checked for growth below.
    ours = [p for p in list_paths() if not p.startswith("/api/v1/evaluation/")]
    assert set(ours) == set(PINNED) | set(PINNED_OTHER)


@pytest.mark.parametrize("path", list_paths())
def test_list_query_count_is_pinned_and_flat(more_rows, path):
    client = more_rows.client("bureau")
    client.get("/api/v1/provinces/")  # first use writes the token's last_used_at; keep that out of the counts
    small = count_queries(client, path + "?page_size=1")
    large = count_queries(client, path + "?page_size=1000")
    assert small == large, f"{path}: {small} queries for 1 row, {large} for a full page"
    if path in PINNED:
        assert large == PINNED[path]
        export = count_queries(client, path + "?format=csv")
        xlsx = count_queries(client, path + "?format=xlsx")
        if path in FAST_EXPORTS:
            pins = FAST_EXPORTS[path]
            assert export == pins.get(f"csv_{connection.vendor}", pins["csv"])
            assert xlsx == pins["xlsx"]
        else:
            assert export == PINNED_EXPORT[path]
            assert xlsx == export
    elif path in PINNED_OTHER:
        assert large == PINNED_OTHER[path]
