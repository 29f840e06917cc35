"""The funding records' CSV export against PostgreSQL's own COPY of the same rows, and the worker's memory growth.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/si_exports EXPORT_STREAM_MAX_ROWS=2000000 \\
        .venv/bin/python scripts/export_bench.py [--rounds 3] [--xlsx]

Run after migrate and generate_scale_data on a scratch database. Interleaved rounds, medians:

* ``COPY table``: ``COPY funding_fundingrecord TO STDOUT (FORMAT csv)``, the database alone;
* ``COPY by id`` / ``COPY by list order``: the table alone in the export's order (id) and in the list's (year,
  source, id): what the order costs;
* ``COPY joined``: the export's own query (the policy, joins and ordering) as raw columns through COPY;
* ``export``: ``GET /api/v1/funding-records/?format=csv`` as the bureau through Django's full stack (the test client,
  no network), every byte consumed.

EXPORT_STREAM_MAX_ROWS must exceed the record count, or the export answers 202 (a job). Memory: the process's peak
RSS before and after the exports (ru_maxrss). ``--xlsx`` also times the XLSX of every record (write-only, lxml).
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartindustry.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from accounts.services import user_create  # noqa: E402
from funding.api.exporters import FundingRecordApiExporter  # noqa: E402
from funding.models import FundingRecord  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def copy_seconds(sql: str, params=()) -> tuple[float, int]:
    start, size = time.perf_counter(), 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql, params) as copy:
        for block in copy:
            size += len(block)
    return time.perf_counter() - start, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--xlsx", action="store_true")
    args = parser.parse_args()

    user = User.objects.filter(username="bench-bureau").first() or user_create(
        username="bench-bureau", role=Role.BUREAU, password=None
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    records = FundingRecord.objects.count()
    exporter = FundingRecordApiExporter(user=user)  # what ?format=csv exports: every column, the export's order
    queryset = exporter.selection()
    inner = queryset.values_list(*exporter._lookups(exporter._selected()))
    inner_sql, inner_params = inner.query.get_compiler(queryset.db).as_sql()
    print(f"{records:,} funding records; EXPORT_STREAM_MAX_ROWS must be above that.")

    rss_before = rss_mb()
    timings: dict[str, list[float]] = {
        "COPY table": [],
        "COPY by id": [],
        "COPY by list order": [],
        "COPY joined": [],
        "export": [],
    }
    lines = 0
    for _round in range(args.rounds):
        timings["COPY table"].append(copy_seconds("COPY funding_fundingrecord TO STDOUT (FORMAT csv)")[0])
        by_id = "COPY (SELECT * FROM funding_fundingrecord ORDER BY id) TO STDOUT (FORMAT csv)"
        timings["COPY by id"].append(copy_seconds(by_id)[0])
        by_list = "COPY (SELECT * FROM funding_fundingrecord ORDER BY year, source, id) TO STDOUT (FORMAT csv)"
        timings["COPY by list order"].append(copy_seconds(by_list)[0])
        timings["COPY joined"].append(copy_seconds(f"COPY ({inner_sql}) TO STDOUT (FORMAT csv)", inner_params)[0])
        start = time.perf_counter()
        response = client.get("/api/v1/funding-records/?format=csv")
        assert response.status_code == 200, (response.status_code, response.content[:300])
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        timings["export"].append(time.perf_counter() - start)
    rss_after = rss_mb()

    medians = {name: statistics.median(values) for name, values in timings.items()}
    print(f"{'what':<20}{'median s':>10}{'rows/s':>12}   rounds")
    for name, seconds in medians.items():
        print(f"{name:<20}{seconds:>10.2f}{records / seconds:>12,.0f}   {', '.join(f'{v:.2f}' for v in timings[name])}")
    print(f"export lines: {lines:,} (records + header: {records + 1:,})")
    print(
        f"export throughput / COPY table: {medians['COPY table'] / medians['export']:.2f}; "
        f"/ COPY joined: {medians['COPY joined'] / medians['export']:.2f} (goal: at least 0.33)"
    )
    print(f"peak RSS {rss_before:.0f} MB before the exports, {rss_after:.0f} MB after (goal: growth under 100 MB)")

    if args.xlsx:
        start = time.perf_counter()
        with tempfile.TemporaryFile() as output:
            rows = FundingRecordApiExporter(user=user, fmt="xlsx").write(output)
            size = output.tell()
        seconds = time.perf_counter() - start
        print(f"XLSX: {rows:,} rows, {size / 1e6:.0f} MB in {seconds:.1f} s; peak RSS {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
