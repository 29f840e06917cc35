"""Load with honesty: coordinators enter and submit report cells while bureau users approve and return, through the
portal as browsers do (login form, CSRF, sessions, the grid's htmx cell posts); then the database is checked against
what the clients were told: none lost, none duplicated, no 5xx. Loopback only; stops by itself.

    # gunicorn (3 workers, production settings) on PostgreSQL + Redis, started and stopped by the script:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/si_load REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python scripts/load_test.py --serve --port 8350 --duration 180

    # or against a server you started yourself (same DATABASE_URL, so the script can create users and check):
    DATABASE_URL=... .venv/bin/python scripts/load_test.py --base-url http://127.0.0.1:8350 --duration 180

--serve migrates, loads the reference data, collects static files into a temporary folder and runs gunicorn with
production settings, except the TLS ones (SECURE_SSL_REDIRECT and secure cookies off: loopback http has no proxy in
front). Without --serve, run the server the same way (docs/reliability.md has the command).

The check: for every report cell of the load's years, the record in the database must be the value of the last
save a client was acknowledged for (highest record version among the acknowledged saves), or the value it had
before the run if no save was acknowledged; no cell may hold two records, and no record may appear that no client
was acknowledged for. Conflicts (409: someone else changed the cell first) are expected and counted, never 5xx.
tests/test_load.py runs the same core for a few seconds against pytest's live server, so this script cannot rot.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent

COORDINATOR_PREFIX = "load-coord-"
BUREAU_PREFIX = "load-bureau-"
DEFAULT_YEARS = (2021, 2022, 2023, 2024, 2025)

_INPUT = re.compile(r"<input\b[^>]*>", re.DOTALL)
_ATTR = re.compile(r'([a-zA-Z_:-]+)="([^"]*)"')
_DECIDE = re.compile(r'action="(/reports/([a-z0-9-]+)/(\d{4})/review/)"')  # a hub-year's review form
_CELL_ERROR = re.compile(r'<span class="error"')


# --- what the clients saw -------------------------------------------------------------------------------------


@dataclass
class Ack:
    version: int | None  # the record's version after this save, None when someone else's save already replaced it
    amount: Decimal


@dataclass
class Tally:
    latencies: dict = field(default_factory=lambda: defaultdict(list))  # kind → seconds
    statuses: dict = field(default_factory=lambda: defaultdict(Counter))  # kind → status → n
    acks: dict = field(default_factory=lambda: defaultdict(list))  # (fieldlab id, source, year) → [Ack]
    transport_errors: Counter = field(default_factory=Counter)
    refused_in_place: int = 0  # a 200 cell answer with an error message (a bad amount: never sent by this script)

    def record(self, kind: str, status: int, seconds: float) -> None:
        self.latencies[kind].append(seconds)
        self.statuses[kind][status] += 1

    @property
    def server_errors(self) -> int:
        return sum(n for counts in self.statuses.values() for status, n in counts.items() if status >= 500)


def _attrs(tag: str) -> dict[str, str]:
    return dict(_ATTR.findall(tag))


def editable_cells(html: str) -> dict[str, dict]:
    """The grid's editable contribution cells: name → {url, version} (version "" for an empty cell)."""
    cells, versions = {}, {}
    for tag in _INPUT.findall(html):
        attrs = _attrs(tag)
        name = attrs.get("name", "")
        if name.startswith("cell-") and name.endswith("-version"):
            versions[name[: -len("-version")]] = attrs.get("value", "")
        elif name.startswith("cell-") and "hx-post" in attrs:
            cells[name] = {"url": attrs["hx-post"]}
    for name, cell in cells.items():
        cell["version"] = versions.get(name, "")
    return cells


def _cell_after_save(html: str, name: str) -> tuple[str, str]:
    """(the amount shown in the answered cell's input, its version) after a save."""
    value = version = ""
    for tag in _INPUT.findall(html):
        attrs = _attrs(tag)
        if attrs.get("name") == name:
            value = attrs.get("value", "")
        elif attrs.get("name") == f"{name}-version":
            version = attrs.get("value", "")
    return value, version


def _csrf(client: httpx.AsyncClient) -> str:
    return client.cookies.get("csrftoken", "")


async def _timed(tally: Tally, kind: str, call) -> httpx.Response | None:
    start = time.perf_counter()
    try:
        response = await call()
    except httpx.HTTPError as exc:
        tally.transport_errors[f"{kind}: {type(exc).__name__}"] += 1
        return None
    tally.record(kind, response.status_code, time.perf_counter() - start)
    return response


async def login(client: httpx.AsyncClient, tally: Tally, username: str, password: str) -> bool:
    page = await _timed(tally, "login page", lambda: client.get("/accounts/login/"))
    if page is None or page.status_code != 200:
        return False
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = await _timed(
        tally,
        "login",
        lambda: client.post(
            "/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
            headers={"Referer": str(client.base_url) + "/accounts/login/"},
        ),
    )
    return response is not None and response.status_code == 302


# --- the two kinds of user ------------------------------------------------------------------------------------


async def coordinator(base_url, username, password, hub, years, deadline, tally, think, rng) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=60, follow_redirects=False) as client:
        if not await login(client, tally, username, password):
            tally.transport_errors[f"login failed: {username}"] += 1
            return
        while time.monotonic() < deadline:
            year = rng.choice(years)
            grid = await _timed(tally, "report grid", lambda y=year: client.get(f"/reports/{hub}/{y}/"))
            if grid is None or grid.status_code != 200:
                await asyncio.sleep(think())
                continue
            cells = editable_cells(grid.text)
            for name in rng.sample(sorted(cells), k=min(len(cells), rng.randint(1, 4))):
                if time.monotonic() >= deadline:
                    break
                await asyncio.sleep(think())
                await save_cell(client, tally, name, cells[name], year, rng)
            if cells and rng.random() < 0.5 and time.monotonic() < deadline:
                await asyncio.sleep(think())
                await _timed(
                    tally,
                    "submit",
                    lambda y=year: client.post(f"/reports/{hub}/{y}/submit/", headers={"X-CSRFToken": _csrf(client)}),
                )


async def save_cell(client, tally: Tally, name: str, cell: dict, year: int, rng) -> None:
    amount = rng.randint(1, 99_999)
    response = await _timed(
        tally,
        "cell save",
        lambda: client.post(
            cell["url"],
            data={name: str(amount), f"{name}-version": cell["version"]},
            headers={"X-CSRFToken": _csrf(client), "HX-Request": "true"},
        ),
    )
    if response is None or response.status_code != 200:
        return  # 409: someone else changed the cell first (expected); anything else is counted by status
    if _CELL_ERROR.search(response.text):
        tally.refused_in_place += 1
        return
    _, fieldlab_id, source = name.split("-", 2)
    shown, version = _cell_after_save(response.text, name)
    # The cell answered shows the record as stored after the save. If it no longer shows this amount, someone
    # else's save replaced it in the meantime: acknowledged, but not the last word on the cell.
    mine = re.sub(r"\D", "", shown) == f"{amount}00"
    tally.acks[(int(fieldlab_id), source, year)].append(
        Ack(version=int(version) if mine and version else None, amount=Decimal(amount))
    )
    cell["version"] = version


async def bureau(base_url, username, password, deadline, tally, think, rng, hubs) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=60, follow_redirects=False) as client:
        if not await login(client, tally, username, password):
            tally.transport_errors[f"login failed: {username}"] += 1
            return
        while time.monotonic() < deadline:
            await asyncio.sleep(think())
            queue = await _timed(tally, "review queue", lambda: client.get("/reports/review/"))
            if queue is None or queue.status_code != 200:
                continue
            forms = [(url, hub) for url, hub, _year in _DECIDE.findall(queue.text) if hub in hubs]
            if not forms:
                continue
            url, _hub = rng.choice(forms)
            approve = rng.random() < 0.75
            data = {"decision": "approve-all" if approve else "return-all"}
            if not approve:
                data["comment"] = "Load test: please check this amount."
            await asyncio.sleep(think())
            await _timed(
                tally,
                "approve" if approve else "return",
                lambda u=url, d=data: client.post(u, data=d, headers={"X-CSRFToken": _csrf(client)}),
            )


async def run_load(
    base_url: str,
    *,
    coordinators: list[tuple[str, str]],
    bureau_users: list[str],
    password: str,
    years,
    duration: float,
    think: tuple[float, float] = (0.05, 0.25),
    seed: int = 10,
) -> tuple[Tally, float]:
    """Every user at once until `duration` seconds have passed; returns the tally and the seconds it ran."""
    tally = Tally()
    deadline = time.monotonic() + duration
    master = random.Random(seed)
    hubs = {hub for _name, hub in coordinators}

    def pause_maker():
        rng = random.Random(master.random())
        return rng, (lambda: rng.uniform(*think))

    tasks = []
    for username, hub in coordinators:
        rng, pause = pause_maker()
        tasks.append(coordinator(base_url, username, password, hub, list(years), deadline, tally, pause, rng))
    for username in bureau_users:
        rng, pause = pause_maker()
        tasks.append(bureau(base_url, username, password, deadline, tally, pause, rng, hubs))
    start = time.perf_counter()
    await asyncio.gather(*tasks)
    return tally, time.perf_counter() - start


# --- the database side (Django ORM, the same DATABASE_URL as the server) -----------------------------------------
# Django is imported inside these functions: main() sets Django up only after parsing its arguments (and starting
# the server), and tests/test_load.py imports this module into an already configured test run.


def prepare_users(*, coordinators: int, bureau_users: int, password: str, hub_slugs=None):
    """Load-test accounts (made once, password set on every run): coordinators spread over the hubs round-robin."""
    from accounts.models import Role, User
    from accounts.services import user_create
    from registry.models import Hub

    hubs = list(Hub.objects.order_by("slug") if hub_slugs is None else Hub.objects.filter(slug__in=hub_slugs))
    people = [(f"{COORDINATOR_PREFIX}{i + 1:02d}", Role.COORDINATOR, hubs[i % len(hubs)]) for i in range(coordinators)]
    people += [(f"{BUREAU_PREFIX}{i + 1}", Role.BUREAU, None) for i in range(bureau_users)]
    for username, role, hub in people:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(username=username, role=role, hub=hub, password=password, validate_password=False)
        else:
            user.set_password(password)  # a scratch account of this script: a new random password each run
            user.save(update_fields=["password"])
    return (
        [(name, hub.slug) for name, role, hub in people if role == Role.COORDINATOR],
        [name for name, role, _hub in people if role == Role.BUREAU],
    )


def cell_statuses(years, hub_slugs) -> dict:
    """How many report-cell records of the years and hubs are in each workflow status."""
    from django.db.models import Count, Q

    from funding.models import FundingRecord
    from reporting.selectors import report_cell_filter

    cells = Q()
    for year in years:
        cells |= report_cell_filter(year)
    records = FundingRecord.objects.filter(cells, fieldlab__hub__slug__in=hub_slugs).order_by()
    return dict(records.values_list("status").annotate(n=Count("id")))


def cell_snapshot(years, hub_slugs) -> dict:
    """Every report-cell record of the years and hubs: (fieldlab id, source, year) → [(pk, amount)]."""
    from django.db.models import Q

    from funding.models import FundingRecord
    from reporting.selectors import report_cell_filter

    cells = Q()
    for year in years:
        cells |= report_cell_filter(year)
    found = defaultdict(list)
    records = FundingRecord.objects.filter(cells, fieldlab__hub__slug__in=hub_slugs)
    for pk, fieldlab_id, source, year, amount in records.values_list("pk", "fieldlab_id", "source", "year", "amount"):
        found[(fieldlab_id, source, year)].append((pk, amount))
    return found


@dataclass
class Verdict:
    cells_acknowledged: int
    saves_acknowledged: int
    records_expected: int
    records_found: int
    sum_expected: Decimal
    sum_found: Decimal
    lost: list
    duplicated: list
    unexpected: list
    wrong_amount: list

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.unexpected or self.wrong_amount)


def verify(before: dict, after: dict, tally: Tally) -> Verdict:
    expected = {key: rows[0][1] for key, rows in before.items()}
    for key, acks in tally.acks.items():
        last = max((a for a in acks if a.version is not None), key=lambda a: a.version, default=None)
        if last is not None:
            expected[key] = last.amount
        # Every acknowledged save saw its value replaced at once (version None): the cell must hold one of the
        # acknowledged amounts, whichever was last.
        else:
            expected[key] = {a.amount for a in acks}
    lost = [key for key in expected if key not in after]
    duplicated = [key for key, rows in after.items() if len(rows) > 1]
    unexpected = [key for key in after if key not in expected]
    wrong = []
    sum_expected = Decimal(0)
    for key, amount in expected.items():
        found = after.get(key, [(None, None)])[0][1]
        if isinstance(amount, set):
            ok = found in amount
            amount = found if ok else min(amount)
        else:
            ok = found == amount
        sum_expected += amount
        if key in after and not ok:
            wrong.append((key, amount, found))
    return Verdict(
        cells_acknowledged=len(tally.acks),
        saves_acknowledged=sum(len(a) for a in tally.acks.values()),
        records_expected=len(expected),
        records_found=sum(len(rows) for rows in after.values()),
        sum_expected=sum_expected,
        sum_found=sum((amount for rows in after.values() for _pk, amount in rows), Decimal(0)),
        lost=lost,
        duplicated=duplicated,
        unexpected=unexpected,
        wrong_amount=wrong,
    )


def report(tally: Tally, seconds: float, verdict: Verdict, users: int) -> str:
    lines = [f"{users} users for {seconds:.0f} s", ""]
    lines.append(f"{'request':14} {'n':>6} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses")
    total = 0
    for kind in sorted(tally.latencies):
        values = sorted(tally.latencies[kind])
        total += len(values)
        quantiles = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values * 99
        statuses = " ".join(f"{s}:{n}" for s, n in sorted(tally.statuses[kind].items()))
        lines.append(
            f"{kind:14} {len(values):6d} {len(values) / seconds:7.1f} {quantiles[49] * 1000:8.0f} "
            f"{quantiles[94] * 1000:8.0f} {quantiles[98] * 1000:8.0f}  {statuses}"
        )
    lines.append(f"{'all':14} {total:6d} {total / seconds:7.1f}")
    lines.append("")
    lines.append(
        f"acknowledged saves: {verdict.saves_acknowledged} in {verdict.cells_acknowledged} cells; "
        f"records expected {verdict.records_expected}, found {verdict.records_found}; "
        f"sum expected {verdict.sum_expected}, found {verdict.sum_found}"
    )
    lines.append(
        f"lost: {len(verdict.lost)}  duplicated: {len(verdict.duplicated)}  unexpected: {len(verdict.unexpected)}  "
        f"wrong amount: {len(verdict.wrong_amount)}  5xx: {tally.server_errors}  "
        f"transport errors: {sum(tally.transport_errors.values())}  refused in place: {tally.refused_in_place}"
    )
    for problem, n in tally.transport_errors.items():
        lines.append(f"  transport: {problem} × {n}")
    for name in ("lost", "duplicated", "unexpected", "wrong_amount"):
        for item in getattr(verdict, name)[:10]:
            lines.append(f"  {name}: {item}")
    return "\n".join(lines)


# --- the server (--serve) -------------------------------------------------------------------------------------


def server_env(port: int, static_root: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="smartindustry.settings.production",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=static_root,
        # Loopback http with no TLS proxy in front: no redirect to https, cookies that travel over http.
        SECURE_SSL_REDIRECT="False",
        SESSION_COOKIE_SECURE="False",
        CSRF_COOKIE_SECURE="False",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=env.get("WEB_CONCURRENCY", "3"),
    )
    return env


def start_server(port: int, workdir: Path) -> subprocess.Popen:
    env = server_env(port, str(workdir / "static"))
    for args in (["migrate", "--noinput"], ["load_reference_data"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    log = (workdir / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "smartindustry.wsgi:application", "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited: see {workdir / 'gunicorn.log'}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop_server(server)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def server_log_problems(text: str) -> list[str]:
    """Access-log lines with a 5xx, and each logged traceback as 'the line before it … its exception line'."""
    lines = text.splitlines()
    problems = [line for line in lines if re.search(r'" 5\d\d ', line)]
    for i, line in enumerate(lines):
        if line.startswith("Traceback"):
            end = next((j for j in range(i + 1, len(lines)) if not lines[j].startswith((" ", "\t"))), i)
            problems.append(f"{lines[i - 1] if i else ''} … {lines[end] if end > i else ''}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="a running server (loopback only)")
    parser.add_argument("--serve", action="store_true", help="start gunicorn (3 workers, production settings)")
    parser.add_argument("--port", type=int, default=8350)
    parser.add_argument("--duration", type=float, default=180, help="seconds (default 180)")
    parser.add_argument("--coordinators", type=int, default=20)
    parser.add_argument("--bureau", type=int, default=2)
    parser.add_argument("--years", default=",".join(map(str, DEFAULT_YEARS)))
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    if not args.serve and not args.base_url:
        parser.error("give --base-url of a running server, or --serve")
    base_url = args.base_url or f"http://127.0.0.1:{args.port}"
    if urlsplit(base_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("loopback only: the load test never leaves this machine")
    years = [int(y) for y in args.years.split(",")]

    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartindustry.settings.local")
    server = None
    with tempfile.TemporaryDirectory(prefix="load-test-") as workdir:
        if args.serve:
            server = start_server(args.port, Path(workdir))
        try:
            import django

            django.setup()
            password = secrets.token_urlsafe(18)
            coordinators, bureau_users = prepare_users(
                coordinators=args.coordinators, bureau_users=args.bureau, password=password
            )
            hub_slugs = sorted({hub for _name, hub in coordinators})
            before = cell_snapshot(years, hub_slugs)
            tally, seconds = asyncio.run(
                run_load(
                    base_url,
                    coordinators=coordinators,
                    bureau_users=bureau_users,
                    password=password,
                    years=years,
                    duration=args.duration,
                    seed=args.seed,
                )
            )
            verdict = verify(before, cell_snapshot(years, hub_slugs), tally)
            print(report(tally, seconds, verdict, len(coordinators) + len(bureau_users)))
            print("report-cell records by status after the run:", cell_statuses(years, hub_slugs))
            ok = verdict.ok and tally.server_errors == 0 and not tally.transport_errors
            print("\nRESULT:", "PASS" if ok else "FAIL")
            return 0 if ok else 1
        finally:
            if server is not None:
                stop_server(server)
                problems = server_log_problems((Path(workdir) / "gunicorn.log").read_text())
                print(f"gunicorn log: {len(problems)} answers with a 5xx or a logged traceback")
                for line in problems[:20]:
                    print("  ", line)


if __name__ == "__main__":
    sys.exit(main())
