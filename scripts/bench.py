"""Benchmarks (`make bench`): each result is a ratio against a baseline measured in the same run.

By default it builds a throwaway SQLite database with the reference data plus synthetic volume
(BENCH_FIELDLABS, BENCH_RECORDS); set BENCH_DATABASE_URL to measure PostgreSQL (the database is then
flushed and filled, so point it at a scratch database). Ratios, not seconds, are what to compare between runs.
"""

import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
tmpdir = tempfile.TemporaryDirectory()
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmpdir.name}/bench.sqlite3"
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartindustry.settings.local")
os.environ["DEBUG"] = "false"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db.models import Sum  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.services import api_token_create, user_create  # noqa: E402
from funding.models import FundingRecord  # noqa: E402

FIELDLABS = int(os.environ.get("BENCH_FIELDLABS", "200"))
RECORDS = int(os.environ.get("BENCH_RECORDS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))


def timed(fn) -> float:
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    print(f"Preparing: reference data + {FIELDLABS} fieldlabs, {RECORDS} records ({os.environ['DATABASE_URL']})")
    if os.environ.get("BENCH_DATABASE_URL"):
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    call_command("generate_scale_data", fieldlabs=FIELDLABS, records=RECORDS, verbosity=0)
    analyst = user_create(username="bench-analyst", role="analyst", password=None)
    _token, key = api_token_create(user=analyst)
    client = APIClient(HTTP_HOST="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    def python_loop_totals():
        totals = defaultdict(int)
        for source, year, amount in FundingRecord.objects.approved().values_list("source", "year", "amount"):
            totals[(source, year)] += amount
        return totals

    def sql_totals():
        return list(FundingRecord.objects.approved().values("source", "year").annotate(amount=Sum("amount")))

    assert {(r["source"], r["year"]): r["amount"] for r in sql_totals()} == python_loop_totals()

    def get(url):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return call

    cases = [
        ("totals by source,year: SQL GROUP BY", sql_totals, "Python loop over rows", python_loop_totals),
        (
            "GET /api/v1/funding-records/?page_size=100",
            get("/api/v1/funding-records/?page_size=100"),
            "GET /healthz",
            get("/healthz"),
        ),
        (
            "GET /api/v1/fieldlabs/?page_size=100",
            get("/api/v1/fieldlabs/?page_size=100"),
            "GET /healthz",
            get("/healthz"),
        ),
    ]
    print(f"\n{'benchmark':<48} {'baseline':<24} {'ratio':>8}")
    for name, candidate, baseline_name, baseline in cases:
        base = timed(baseline)
        cand = timed(candidate)
        print(f"{name:<48} {baseline_name:<24} {cand / base:8.3f}")
    print("\nratio = candidate time / baseline time (median of", REPEAT, "runs each); lower is better.")


if __name__ == "__main__":
    main()
