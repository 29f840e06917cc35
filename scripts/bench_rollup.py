"""Rollup benchmark: approved-funding totals from the rollups against the raw GROUP BY over the records.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/si_rollup .venv/bin/python scripts/bench_rollup.py [--runs 15]

Run after migrate, load_reference_data and generate_scale_data on a scratch database. For each question it times,
interleaved and as medians: the portal (the API endpoint or page through Django's test client, so routing,
permissions, the selector and rendering are all in) and PostgreSQL answering the same question from the records
with a plain GROUP BY. It also checks, once, that the API's rows equal the raw GROUP BY's.
"""

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartindustry.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from accounts.services import user_create  # noqa: E402
from funding.models import FundingRecord, FundingRollup, FundingRollupTotal  # noqa: E402

APPROVED = "FROM funding_fundingrecord r WHERE r.status = 'approved'"
# (label, portal URL, the raw SQL doing the same aggregation over the records)
CASES = [
    (
        "funding-totals?group_by=source,year",
        "/api/v1/evaluation/funding-totals/?group_by=source,year",
        f"SELECT r.source, r.year, SUM(r.amount), COUNT(*) {APPROVED} GROUP BY r.source, r.year ORDER BY 1, 2",
    ),
    (
        "funding-totals (one total)",
        "/api/v1/evaluation/funding-totals/",
        f"SELECT SUM(r.amount), COUNT(*) {APPROVED}",
    ),
    (
        "funding-totals?group_by=hub,source",
        "/api/v1/evaluation/funding-totals/?group_by=hub,source",
        "SELECT COALESCE(h.slug, fh.slug), r.source, SUM(r.amount), COUNT(*) FROM funding_fundingrecord r "
        "LEFT JOIN registry_hub h ON h.id = r.hub_id LEFT JOIN registry_fieldlab f ON f.id = r.fieldlab_id "
        "LEFT JOIN registry_hub fh ON fh.id = f.hub_id WHERE r.status = 'approved' GROUP BY 1, 2 ORDER BY 1, 2",
    ),
    (
        "funding-cumulative",
        "/api/v1/evaluation/funding-cumulative/",
        f"SELECT r.year, SUM(r.amount), COUNT(*) {APPROVED} GROUP BY r.year ORDER BY 1",
    ),
    (
        "dashboard /",
        "/",
        # The dashboard's three funding aggregates over the records (by source, by year with fieldlabs, total).
        ";".join(
            [
                f"SELECT r.source, SUM(r.amount) {APPROVED} AND r.fieldlab_id IS NOT NULL AND r.year BETWEEN 2015 AND "
                "2019 GROUP BY r.source",
                f"SELECT r.year, SUM(r.amount), COUNT(DISTINCT r.fieldlab_id) {APPROVED} AND r.fieldlab_id IS NOT NULL "
                "AND r.year BETWEEN 2015 AND 2019 GROUP BY r.year",
                f"SELECT SUM(r.amount) {APPROVED} AND r.fieldlab_id IS NOT NULL AND r.year BETWEEN 2015 AND 2019",
            ]
        ),
    ),
]


def _raw(sql: str) -> list:
    rows = []
    with connection.cursor() as cursor:
        for statement in sql.split(";"):
            cursor.execute(statement)
            rows = cursor.fetchall()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    user = User.objects.filter(username="bench-bureau").first()
    user = user or user_create(username="bench-bureau", role=Role.BUREAU, hub=None, password=None)
    client = Client()
    client.force_login(user)
    print(
        f"{FundingRecord.objects.count()} records, {FundingRecord.objects.approved().count()} approved; rollups: "
        f"{FundingRollup.objects.count()} per-recipient groups, {FundingRollupTotal.objects.count()} total groups; "
        f"{connection.vendor}, medians of {runs} interleaved runs"
    )

    # Same answer: the API's rows against the raw GROUP BY's.
    api = client.get("/api/v1/evaluation/funding-totals/?group_by=source,year&page_size=1000", HTTP_HOST="127.0.0.1")
    body = api.json()
    rows = body["results"] if isinstance(body, dict) else body
    portal = sorted((row["source"], row["year"], Decimal(row["amount"]), row["records"]) for row in rows)
    raw = sorted((s, y, Decimal(a).quantize(Decimal("0.01")), n) for s, y, a, n in _raw(CASES[0][2]))
    print("funding-totals rows equal the raw GROUP BY:", portal == raw, f"({len(raw)} rows)")

    print(f"{'question':40} {'portal ms':>10} {'raw SQL ms':>11} {'raw / portal':>13}")
    for label, url, sql in CASES:
        portal_times, raw_times = [], []
        client.get(url, HTTP_HOST="127.0.0.1")  # warm
        _raw(sql)
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            portal_times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
            start = time.perf_counter()
            _raw(sql)
            raw_times.append(time.perf_counter() - start)
        p, r = statistics.median(portal_times) * 1000, statistics.median(raw_times) * 1000
        print(f"{label:40} {p:10.1f} {r:11.1f} {r / p:12.1f}×")


if __name__ == "__main__":
    main()
