"""Benchmarks (`make bench`): the portal against PostgreSQL doing the same work, measured in the same run.

Runs against PostgreSQL: BENCH_DATABASE_URL, else a scratch database `si_bench` on the local server (created if
missing; its data is replaced). BENCH_RECORDS funding records (default 1,000,000) over BENCH_FIELDLABS synthetic
fieldlabs (default 1,000), loaded by `generate_scale_data` on top of the reference data; a database that already
holds exactly that synthetic load is reused (the script says so).

Each operation is timed in-process: the app through Django's test client (middleware, view, policy, serializer and
renderer, no network and no WSGI server), the database through a raw psycopg cursor on the same connection. Each
figure is the median of BENCH_REPEAT runs (default 5; exports, the import and the evaluation run once each), the
two sides interleaved, so a machine that slows down slows both. The table is printed as markdown for
docs/benchmarks.md. Ratios, not seconds, are what to compare between machines.
"""

import csv
import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/si_bench"
URL = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
if not URL.startswith(("postgres://", "postgresql://")):
    sys.exit("make bench measures PostgreSQL: set BENCH_DATABASE_URL to a postgres:// scratch database.")
os.environ["DATABASE_URL"] = URL
os.environ.pop("REDIS_URL", None)  # Celery runs eagerly: the evaluation run is measured in this process
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartindustry.settings.local")
os.environ["DEBUG"] = "false"

RECORDS = int(os.environ.get("BENCH_RECORDS", "1000000"))
FIELDLABS = int(os.environ.get("BENCH_FIELDLABS", "1000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
PAGE_SIZE = 50


def ensure_database() -> None:
    """Create the scratch database if it does not exist (connecting to the server's `postgres` database)."""
    import psycopg

    parts = urlparse(URL)
    name = parts.path.lstrip("/")
    admin_url = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")


ensure_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402
from sql_timing import sql_time  # noqa: E402 (scripts/sql_timing.py, beside this file)

from accounts.models import User  # noqa: E402
from accounts.services import api_token_create, user_create  # noqa: E402
from devtools.scale_data.funding import SYNTHETIC  # noqa: E402
from evaluation.filters import parse_year_window  # noqa: E402
from evaluation.models import EvaluationRun  # noqa: E402
from funding.importers import funding_records_import, read_rows  # noqa: E402
from funding.models import Funder, FundingRecord  # noqa: E402
from jobs.choices import JobKind  # noqa: E402
from jobs.models import Job  # noqa: E402
from jobs.services import job_run  # noqa: E402
from registry.models import Fieldlab  # noqa: E402


class Rollback(Exception):
    pass


def seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def pair(app, raw, repeat: int = REPEAT) -> tuple[float, float]:
    """Medians of `repeat` interleaved runs of the app and the raw database work (one warm-up each)."""
    app()
    raw()
    apps, raws = [], []
    for _ in range(repeat):
        apps.append(seconds(app))
        raws.append(seconds(raw))
    return statistics.median(apps), statistics.median(raws)


def pair_measured(app_measure, raw, repeat: int = REPEAT) -> tuple[float, float]:
    """Like pair, but the app's figure is what `app_measure` returns (the seconds its SQL took)."""
    app_measure()
    raw()
    apps, raws = [], []
    for _ in range(repeat):
        apps.append(app_measure())
        raws.append(seconds(raw))
    return statistics.median(apps), statistics.median(raws)


def raw_sql(sql: str, params=()):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return run


def replay(queries: list[dict]):
    """The database doing what the app asked of it: the captured reads (SELECT), run raw, rows fetched.

    Writes (an evaluation run stores its results) are left out: replayed, they would collide with the rows the app
    already wrote, and they are a small part of the work.
    """
    statements = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]

    def run():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql.replace("%", "%%"))
                cursor.fetchall()

    run.statements = len(statements)
    return run


def captured(fn) -> list[dict]:
    with CaptureQueriesContext(connection) as context:
        fn()
    return context.captured_queries


def synthetic_records() -> int:
    return FundingRecord.objects.filter(provenance_source=SYNTHETIC).count()


def prepare() -> str:
    call_command("migrate", verbosity=0)
    have = synthetic_records()
    if have == RECORDS and Fieldlab.objects.filter(slug__startswith="scale-").count() == FIELDLABS:
        # The last run's rolled-back imports left dead rows and pages no longer all-visible: the deep page's
        # index-only scan then visits the table for them (2× slower). Vacuum, so every run starts the same.
        vacuumed = seconds(vacuum_analyze)
        return (
            f"reused the {RECORDS:,} synthetic records already in the database (no reload), "
            f"VACUUM ANALYZE in {vacuumed:.0f} s"
        )
    with connection.cursor() as cursor:  # start from nothing: faster than flush, and sequences restart
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    took = seconds(lambda: call_command("generate_scale_data", fieldlabs=FIELDLABS, records=RECORDS, verbosity=0))
    # The state autovacuum leaves a loaded table in (visibility map set, statistics fresh), for the portal and the
    # raw queries alike; not counted in the generation time.
    vacuumed = seconds(vacuum_analyze)
    return (
        f"generated {RECORDS:,} records in {took:.0f} s (generate_scale_data; goal < 120 s at 1M), "
        f"then VACUUM ANALYZE in {vacuumed:.0f} s"
    )


def vacuum_analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def user(username: str, role: str) -> User:
    existing = User.objects.filter(username=username).first()
    return existing or user_create(username=username, role=role, password=None)


def import_file() -> bytes:
    """IMPORT_ROWS new records (for a funder of their own, so no key collides) in the export/import columns."""
    funder, _created = Funder.objects.get_or_create(
        slug="bench-import", defaults={"name": "Benchmark import funder", "source": "regional"}
    )
    fieldlabs = list(Fieldlab.objects.filter(slug__startswith="scale-").order_by("pk").values_list("slug", flat=True))
    out = io.StringIO()
    writer = csv.writer(out)
    keys = ["id", "year", "recipient_kind", "recipient", "source", "funder", "amount", "kind", "realisation"]
    keys += ["activity_type", "status", "provenance", "provenance_source", "evidence_note"]
    writer.writerow(keys)
    combos = [(y, k, r) for y in range(2015, 2027) for k in ("cash", "in_kind") for r in ("planned", "realised")]
    for i in range(IMPORT_ROWS):
        year, kind, realisation = combos[i % len(combos)]
        slug = fieldlabs[(i // len(combos)) % len(fieldlabs)]
        writer.writerow(
            ["", year, "fieldlab", slug, "regional", funder.slug, 1000 + i, kind, realisation, "", "", "illustrative"]
            + ["benchmark import", ""]
        )
    return out.getvalue().encode()


def copy_from(content: bytes):
    """COPY FROM of the same rows into the records table (constraints and indexes included), rolled back."""
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    slugs = {row["recipient"] for row in rows}
    fieldlab_ids = dict(Fieldlab.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    funder_id = Funder.objects.get(slug="bench-import").pk
    now = "2026-01-01 00:00:00+00"
    lines = "".join(
        f"{fieldlab_ids[r['recipient']]}\t{r['year']}\tregional\t{funder_id}\t{r['amount']}\t{r['kind']}\t"
        f"{r['realisation']}\tdraft\tillustrative\tbenchmark import\t\t\t{now}\t{now}\t0\n"
        for r in rows
    )
    columns = "fieldlab_id, year, source, funder_id, amount, kind, realisation, status, provenance, "
    columns += "provenance_source, evidence_note, review_comment, created_at, updated_at, version"

    def run():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                with cursor.cursor.copy(f"COPY funding_fundingrecord ({columns}) FROM STDIN") as copy:
                    copy.write(lines)
                raise Rollback
        except Rollback:
            pass

    return run


def machine() -> str:
    memory = "?"
    try:
        with open("/proc/meminfo") as meminfo:
            memory = f"{int(meminfo.readline().split()[1]) / 1024 / 1024:.0f} GB RAM"
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), {memory}, PostgreSQL {version}"


def main() -> None:
    started = time.perf_counter()
    print(f"Preparing {RECORDS:,} records in {URL} …", flush=True)
    how = prepare()
    print(how, flush=True)
    analyst = user("bench-analyst", "analyst")
    bureau = user("bench-bureau", "bureau")
    _token, key = api_token_create(user=analyst)
    api = APIClient(HTTP_HOST="127.0.0.1")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    web = Client(HTTP_HOST="127.0.0.1")
    web.force_login(bureau)
    total = FundingRecord.objects.count()
    deep_page = max(1, int(total * 0.75) // PAGE_SIZE)  # within what the analyst sees (submitted and approved)
    results = []

    def get(client, url, stream=False):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            if response.streaming:
                for _chunk in response.streaming_content:
                    pass

        return call

    def row(name, app_s, raw_s, raw_name, goal, met):
        results.append((name, app_s, raw_s, raw_name, goal, met))
        ratio = f"{app_s / raw_s:.1f}×" if raw_s else "—"
        print(f"  {name}: {app_s * 1000:.1f} ms vs {raw_s * 1000:.1f} ms ({raw_name}) = {ratio}", flush=True)

    print("Measuring …", flush=True)
    # Totals: the API's answer against the raw GROUP BY over the records table (goal: 10× faster, via the rollup).
    url = "/api/v1/evaluation/funding-totals/?group_by=source,year"
    app_s, raw_s = pair(
        get(api, url),
        raw_sql(
            "SELECT source, year, SUM(amount), COUNT(*) FROM funding_fundingrecord "
            "WHERE status = 'approved' GROUP BY source, year"
        ),
    )
    row(
        "`funding-totals?group_by=source,year`",
        app_s,
        raw_s,
        "`GROUP BY` over the records",
        "≤ 0.1×",
        app_s <= raw_s / 10,
    )

    # Lists: page 1 and a deep page, end to end and the SQL alone, against a bare LIMIT by primary key.
    for label, page in (("page 1", 1), (f"page {deep_page:,}", deep_page)):
        url = f"/api/v1/funding-records/?page={page}"
        offset = (page - 1) * PAGE_SIZE
        bare = raw_sql("SELECT * FROM funding_fundingrecord ORDER BY id LIMIT 50 OFFSET %s", [offset])
        app_s, raw_s = pair(get(api, url), bare)
        goal_ok = app_s < 0.05 if page == 1 else app_s <= 3 * raw_s
        row(
            f"funding-records list, {label} (API)",
            app_s,
            raw_s,
            "bare `LIMIT 50` by id",
            "< 50 ms" if page == 1 else "≤ 3×",
            goal_ok,
        )
        sql_s, raw_s = pair_measured(lambda url=url: sql_time(get(api, url)), bare)
        row("  the same, its SQL only", sql_s, raw_s, "bare `LIMIT 50` by id", "≤ 3×", sql_s <= 3 * raw_s)
    for label, url, client in (
        ("`/funding/` page 1 (bureau)", "/funding/", web),
        ("dashboard `/` (bureau)", "/", web),
        ("evaluation page `/evaluation/` (bureau)", "/evaluation/", web),
    ):
        reads = replay(captured(get(client, url)))
        app_s, raw_s = pair(get(client, url), reads)
        goal = "< 100 ms" if url == "/" else "≤ 3×"
        met = app_s < 0.1 if url == "/" else app_s <= 3 * raw_s
        row(label, app_s, raw_s, f"its {reads.statements} SQL reads, raw", goal, met)

    # Exports, once each: the streamed CSV of every record against COPY … TO STDOUT of the table.
    def copy_to():
        with connection.cursor() as cursor, cursor.cursor.copy("COPY funding_fundingrecord TO STDOUT") as copy:
            for _block in copy:
                pass

    def export_csv():
        """What an analyst's client does: ask for the CSV; above EXPORT_STREAM_MAX_ROWS the answer is a job (202,
        run eagerly here, as a worker would), whose page then offers the file; read the file to the end."""
        response = api.get("/api/v1/funding-records/?format=csv")
        if response.status_code == 202:
            shown = api.get(response["Location"]).json()
            assert shown["status"] == "done", shown
            response = api.get(shown["download_url"])
        assert response.status_code == 200, response.status_code
        for _chunk in response.streaming_content if response.streaming else [response.content]:
            pass

    app_s, raw_s = pair(export_csv, copy_to, repeat=1)
    row(f"CSV export, all {total:,} records", app_s, raw_s, "`COPY … TO STDOUT`", "≤ 3×", app_s <= 3 * raw_s)

    # Import: IMPORT_ROWS rows through the service path (rolled back) against COPY FROM of the same rows.
    content = import_file()

    def service_import():
        rows = read_rows(name="bench.csv", content=content)
        try:
            with transaction.atomic():
                result = funding_records_import(rows=rows, actor=bureau, dry_run=False)
                assert not result.errors, result.errors[:3]
                raise Rollback
        except Rollback:
            pass

    app_s, raw_s = pair(service_import, copy_from(content), repeat=1)
    row(f"import, {IMPORT_ROWS:,} rows (service path)", app_s, raw_s, "`COPY FROM`", "< 10 s", app_s < 10)

    # A full evaluation run (every table, frozen), against its own statements run raw: its job run here, as the
    # worker runs it (the job runner and the run's registered work), without sending a task.
    def evaluation_run():
        year_min, year_max = parse_year_window(None)
        job = Job.objects.create(kind=JobKind.EVALUATION_RUN)
        EvaluationRun.objects.create(job=job, parameters={"year_min": year_min, "year_max": year_max})
        job_run(job_id=job.pk, beat=False)

    reads = replay(captured(evaluation_run))
    app_s, raw_s = pair(evaluation_run, reads, repeat=1)
    row("full evaluation run", app_s, raw_s, f"its {reads.statements} SQL reads, raw", "≤ 3×", app_s <= 3 * raw_s)

    print()
    print(f"`make bench` at {total:,} funding records ({how}); {machine()}; median of {REPEAT} interleaved runs")
    print("(exports, import and evaluation run: one each). App: in-process through Django's test client.")
    print()
    print("| operation | portal | PostgreSQL doing the same | ratio | goal | met |")
    print("|---|---:|---|---:|---|---|")
    for name, app_s, raw_s, raw_name, goal, met in results:
        ratio = f"{app_s / raw_s:.2f}×" if raw_s else "—"
        verdict = "met" if met else "**not met**"
        print(f"| {name} | {fmt(app_s)} | {fmt(raw_s)} ({raw_name}) | {ratio} | {goal} | {verdict} |")
    print(f"\nWhole run: {time.perf_counter() - started:.0f} s.")


def fmt(s: float) -> str:
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


if __name__ == "__main__":
    main()
