"""Where make bench's unmet ratios go (docs/benchmarks.md, "Gaps"): run after `make bench`, on its database.

Prints the list's page-1 statements timed raw, the page query's EXPLAIN (ANALYZE, BUFFERS) with its planning and
execution time, and COPY of the bare records table against COPY of the table in the export's order.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/si_bench"
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartindustry.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.models import User  # noqa: E402


def median_ms(sql: str, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        with connection.cursor() as cursor:
            start = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def copy_s(sql: str, repeat: int = 3) -> float:
    samples = []
    for _ in range(repeat):
        with connection.cursor() as cursor:
            start = time.perf_counter()
            with cursor.cursor.copy(sql) as copy:
                for _block in copy:
                    pass
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    api = APIClient(HTTP_HOST="127.0.0.1")
    api.force_authenticate(User.objects.get(username="bench-analyst"))  # made by make bench
    api.get("/api/v1/funding-records/?page=1")
    with CaptureQueriesContext(connection) as queries:
        api.get("/api/v1/funding-records/?page=1")
    records = [q["sql"] for q in queries.captured_queries if "funding_fundingrecord" in q["sql"]]
    print("List page 1 (API, analyst), its statements on the records table, timed raw:")
    for sql in records:
        print(f"  {median_ms(sql):7.1f} ms  {sql[:110]}")
    print(f"  {median_ms('SELECT * FROM funding_fundingrecord ORDER BY id LIMIT 50'):7.1f} ms  bare LIMIT 50 by id")
    page = next(sql for sql in records if sql.startswith('SELECT "funding_fundingrecord"."id", '))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + page)
        plan = [row[0] for row in cursor.fetchall()]
    print("The page query's plan:", *[line for line in plan if line.startswith(("Planning", "Execution"))], sep="\n  ")
    print("CSV:")
    print(f"  {copy_s('COPY funding_fundingrecord TO STDOUT'):.2f} s  COPY of the bare table")
    ordered = "COPY (SELECT * FROM funding_fundingrecord ORDER BY year, source, id) TO STDOUT WITH (FORMAT csv)"
    print(f"  {copy_s(ordered):.2f} s  COPY of the table in the export's order")


if __name__ == "__main__":
    main()
