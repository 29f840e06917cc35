"""Import benchmark: a file of N new funding records through the portal's import, preview then confirm.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/si_bulkimport .venv/bin/python scripts/bench_import.py 10000
    DATABASE_URL=… REDIS_URL=redis://127.0.0.1:6379/4 BENCH_WORKER_PID=<pid of the worker> \
        .venv/bin/python scripts/bench_import.py 100000

Run after migrate and load_reference_data on a scratch database. A logged-in bureau user posts the file to
/funding/import/ (the upload stores it on a preview job), opens the job page until the check is done, presses
"Import all rows" (a confirm job) and opens its page until the import is done: the portal's requests and jobs,
without a browser. With no REDIS_URL the jobs run in the request (eager Celery); with REDIS_URL they run on a
worker started beside it (`make worker` with the same DATABASE_URL and REDIS_URL), and the script polls the job page
as the browser would. Each phase is timed; the same rows are then written by PostgreSQL's COPY FROM into a scratch
table of the records' columns, as the baseline. The records the run created are deleted afterwards (and their
history), so runs can be repeated.
"""

import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartindustry.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from accounts.services import user_create  # noqa: E402
from core.constants import YEAR_MAX, YEAR_MIN  # noqa: E402
from funding.choices import FundingKind, Realisation, Source  # noqa: E402
from funding.importers import COLUMNS  # noqa: E402
from funding.models import FundingRecord  # noqa: E402
from funding.rollups import funding_rollup_apply  # noqa: E402
from jobs.models import Job  # noqa: E402
from registry.models import Fieldlab, Hub  # noqa: E402
from review.choices import PeriodStatus  # noqa: E402
from review.models import ReportingPeriod  # noqa: E402

PROVENANCE_SOURCE = "bench_import"  # marks the benchmark's records, which are deleted after the run
BENCH_LAB = "bench-import-lab-"  # extra fieldlabs for counts beyond what the network's 47 fieldlabs can hold
COMBINATIONS_PER_LAB = (YEAR_MAX - YEAR_MIN + 1) * 5 * 2 * 2  # years × sources × kinds × realisations


def _enough_fieldlabs(count: int) -> None:
    """Add fieldlabs (to the first hub) until the network holds ``count`` distinct new records."""
    missing = -(-count // COMBINATIONS_PER_LAB) + 2 - Fieldlab.objects.count()
    if missing <= 0:
        return
    hub = Hub.objects.order_by("pk").first()
    Fieldlab.objects.bulk_create(
        Fieldlab(name=f"Bench import lab {i}", slug=f"{BENCH_LAB}{i}", theme="bench", hub=hub, start_year=YEAR_MIN)
        for i in range(missing)
    )


def _rows(count: int) -> list[list[str]]:
    """``count`` new, distinct records for the network's fieldlabs (labels in Dutch for one column in three, as a
    bureau member might write them), in open periods, none clashing with the stored ones (a year-source-kind-
    realisation combination per fieldlab that no stored record of the run's marker uses)."""
    closed = set(ReportingPeriod.objects.filter(status=PeriodStatus.CLOSED).values_list("hub_id", "year"))
    labs = [(slug, hub_id) for slug, hub_id in Fieldlab.objects.values_list("slug", "hub_id")]
    taken = set(
        FundingRecord.objects.filter(fieldlab__isnull=False).values_list(
            "fieldlab__slug", "year", "source", "kind", "realisation"
        )
    )
    sources = {Source.EU: "Europese Unie", Source.NATIONAL: "national", Source.REGIONAL: "Regions"}
    sources |= {Source.KNOWLEDGE: "knowledge", Source.COMPANIES: "Bedrijven"}
    kinds = {FundingKind.CASH: "contant", FundingKind.IN_KIND: "in_kind"}
    realisations = {Realisation.REALISED: "gerealiseerd", Realisation.PLANNED: "planned"}
    rows = []
    for year in range(YEAR_MIN, YEAR_MAX + 1):
        for source, source_text in sources.items():
            for kind, kind_text in kinds.items():
                for realisation, realisation_text in realisations.items():
                    for slug, hub_id in labs:
                        if (hub_id, year) in closed or (slug, year, source, kind, realisation) in taken:
                            continue
                        amount = f"{1000 + len(rows) % 9000}.{len(rows) % 100:02d}"
                        values = {
                            "year": str(year),
                            "recipient_kind": "fieldlab",
                            "recipient": slug,
                            "source": source_text,
                            "amount": amount,
                            "kind": kind_text,
                            "realisation": realisation_text,
                            "provenance": "illustrative",
                            "provenance_source": PROVENANCE_SOURCE,
                        }
                        rows.append([values.get(column, "") for column in COLUMNS])
                        if len(rows) == count:
                            return rows
    raise SystemExit(f"Only {len(rows)} distinct new records fit this network; add fieldlabs or lower the count.")


def _csv(rows: list[list[str]]) -> bytes:
    lines = [",".join(COLUMNS), *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _worker_cpu() -> float | None:
    """CPU seconds used so far by the worker (BENCH_WORKER_PID, its main process) and its pool processes, from
    /proc; None when no worker pid is given. On a shared machine this is the figure that does not depend on how many
    others want a core."""
    pid = os.environ.get("BENCH_WORKER_PID")
    if not pid:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [pid, *Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    total = 0
    for one in pids:
        fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _wait(client: Client, job: Job) -> Job:
    """Open the job page until the job is finished, as the page's htmx poll does (every second with a worker)."""
    while True:
        response = client.get(f"/jobs/{job.pk}/", HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, response.status_code
        job.refresh_from_db()
        if job.finished:
            return job
        time.sleep(0.2)


def _copy_baseline(rows: list[list[str]]) -> float:
    """PostgreSQL's COPY FROM of the same rows (codes, ids) into a scratch table of the records' columns."""
    slugs = dict(Fieldlab.objects.values_list("slug", "pk"))
    codes = {
        "Europese Unie": "eu",
        "Regions": "regional",
        "Bedrijven": "companies",
        "contant": "cash",
        "gerealiseerd": "realised",
    }
    index = {column: i for i, column in enumerate(COLUMNS)}
    buffer = io.StringIO()
    for row in rows:
        values = [
            str(slugs[row[index["recipient"]]]),
            row[index["year"]],
            codes.get(row[index["source"]], row[index["source"]]),
            row[index["amount"]],
            codes.get(row[index["kind"]], row[index["kind"]]),
            codes.get(row[index["realisation"]], row[index["realisation"]]),
        ]
        buffer.write("\t".join(values) + "\n")
    data = buffer.getvalue()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_copy (fieldlab_id bigint, year smallint, source varchar(16), amount numeric(14,2),"
            " kind varchar(16), realisation varchar(16))"
        )
        start = time.perf_counter()
        with cursor.connection.cursor().copy(
            "COPY bench_copy (fieldlab_id, year, source, amount, kind, realisation) FROM STDIN"
        ) as copy:
            copy.write(data)
        elapsed = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_copy")
    return elapsed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database: the goals are PostgreSQL's.")
    user = User.objects.filter(username="bench-import").first()
    user = user or user_create(username="bench-import", role=Role.BUREAU, hub=None, password=None)
    client = Client()
    client.force_login(user)
    _enough_fieldlabs(count)
    rows = _rows(count)
    content = _csv(rows)
    worker = "a worker (REDIS_URL)" if settings.REDIS_URL else "eager, in the request"
    print(
        f"{count} rows, {len(content) / 1e6:.1f} MB CSV, {Fieldlab.objects.count()} fieldlabs, {Hub.objects.count()}"
        f" hubs, {FundingRecord.objects.count()} records stored; jobs run {worker}"
    )
    try:
        cpu_start, worker_start = time.process_time(), _worker_cpu()
        start = time.perf_counter()
        response = client.post(
            "/funding/import/", {"file": SimpleUploadedFile("bench.csv", content)}, HTTP_HOST="127.0.0.1"
        )
        assert response.status_code == 302, response.content[:2000]
        preview = _wait(client, Job.objects.filter(owner=user, kind="import_preview").latest("pk"))
        checked = time.perf_counter()
        assert preview.result and preview.result["ok"], (preview.error, (preview.result or {}).get("errors", [])[:3])
        response = client.post("/funding/import/confirm/", {"job": preview.pk}, HTTP_HOST="127.0.0.1")
        assert response.status_code == 302
        confirm = _wait(client, Job.objects.filter(owner=user, kind="import_confirm").latest("pk"))
        done = time.perf_counter()
        cpu = time.process_time() - cpu_start
        worker_cpu = _worker_cpu() - worker_start if worker_start is not None else None
        assert confirm.result and confirm.result["ok"] and confirm.result["created"] == count, confirm.error
        copy = _copy_baseline(rows)
        total = done - start
        print(f"preview (upload, check, page): {checked - start:7.2f} s")
        print(f"confirm (import, page):        {done - checked:7.2f} s")
        print(f"end to end:                    {total:7.2f} s   ({count / total:,.0f} rows/s)")
        print(f"  of which CPU of this process: {cpu:6.2f} s   (the rest: PostgreSQL, and waiting for a core)")
        if worker_cpu is not None:
            print(f"  CPU of the worker:            {worker_cpu:6.2f} s")
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"load average at the end:       {load} on {os.cpu_count()} CPUs")
        print(f"COPY FROM of the same rows:    {copy:7.3f} s   (ratio {total / copy:,.0f}x)")
    finally:
        made = FundingRecord.objects.filter(provenance_source=PROVENANCE_SOURCE)
        FundingRecord.history.filter(provenance_source=PROVENANCE_SOURCE).delete()
        with transaction.atomic():
            # The raw delete passes the services: take what the rows counted out of the rollups here.
            funding_rollup_apply(removed=made.iterator(chunk_size=10_000))
            made._raw_delete(made.db)
        Job.objects.filter(owner=user).delete()
        Fieldlab.objects.filter(slug__startswith=BENCH_LAB).delete()


if __name__ == "__main__":
    main()
