"""The API list's page 1 in detail, after `make bench` on its database: its SQL, end to end, and a bare LIMIT.

    .venv/bin/python scripts/bench_page1.py [URL]      # default /api/v1/funding-records/?page=1

As the analyst `make bench` made (bench-analyst), through Django's test client. "Its SQL" is the seconds spent in
execute() on the statements that name the records table (planning, running and receiving the rows; converting them
to Python comes later); "bare" is `SELECT * FROM funding_fundingrecord ORDER BY id LIMIT 50` with its rows fetched.
Interleaved, 15 times each after a warm-up; medians. Also prints each statement's median and the query count.
Run it from another checkout (a git worktree of an older commit) to compare code on the same machine and data.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path.cwd() if (Path.cwd() / "manage.py").exists() else Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/si_bench"
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartindustry.settings.local")
os.environ["DEBUG"] = "false"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402
from sql_timing import sql_time  # noqa: E402 (scripts/sql_timing.py, beside this file)

from accounts.models import User  # noqa: E402

TABLE = "funding_fundingrecord"


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else "/api/v1/funding-records/?page=1"
    api = APIClient(HTTP_HOST="127.0.0.1")
    api.force_authenticate(User.objects.get(username="bench-analyst"))
    statements: dict[str, list[float]] = {}

    def get():
        response = api.get(url)
        assert response.status_code == 200, response.status_code

    def sql_seconds() -> float:
        return sql_time(get, TABLE, per_statement=statements)

    def end_to_end() -> float:
        start = time.perf_counter()
        get()
        return time.perf_counter() - start

    def bare() -> float:
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {TABLE} ORDER BY id LIMIT 50")
            cursor.fetchall()
        return time.perf_counter() - start

    sql_seconds(), end_to_end(), bare()  # warm-up
    statements.clear()
    samples = {"its SQL": [], "end to end": [], "bare LIMIT 50": []}
    for _ in range(15):
        samples["its SQL"].append(sql_seconds())
        samples["end to end"].append(end_to_end())
        samples["bare LIMIT 50"].append(bare())
    medians = {name: statistics.median(values) * 1000 for name, values in samples.items()}
    print(url, f"({ROOT})")
    for name, ms in medians.items():
        print(f"  {name}: {ms:.2f} ms")
    print(f"  its SQL / bare: {medians['its SQL'] / medians['bare LIMIT 50']:.2f}×")
    print(f"  statements ({len(statements)}):")
    for sql, values in statements.items():
        print(f"    {statistics.median(values) * 1000:6.2f} ms  {sql}")


if __name__ == "__main__":
    main()
