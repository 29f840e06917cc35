"""Outage drill: the production configuration against a PostgreSQL and a Redis of its own, which it then breaks.

    .venv/bin/python scripts/outage_drill.py

Starts a throwaway PostgreSQL cluster (initdb into a temporary folder, as the `postgres` user when run as root) and
a throwaway redis-server, each on a free loopback port; collects static files and migrates under production
settings; serves with gunicorn (gunicorn.conf.py, 2 workers); then stops, hangs (SIGSTOP) and restarts each server.
For every step it prints what /healthz, an API list with a token (twice) and a portal page (with a session cookie,
so it needs the database) answered and how long it took, as a Markdown table (docs/operations.md quotes it). It
takes about three minutes, most of it waiting for the throttle to retry Redis. Everything it started is stopped and
removed at the end, also on failure; it never touches the PostgreSQL or Redis that other work uses. Needs
initdb/pg_ctl (PG_BIN to point at them) and redis-server on the PATH.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SESSION_KEY = "drillsessionkey0123456789abcdefgh"  # well-formed: the portal has to ask the database about it
AS_POSTGRES = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_bin(name: str) -> str:
    if os.environ.get("PG_BIN"):
        return str(Path(os.environ["PG_BIN"]) / name)
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    if not found:
        sys.exit(f"{name} not found: set PG_BIN to the folder holding initdb and pg_ctl")
    return str(found)


class Postgres:
    def __init__(self, folder: Path):
        self.data = folder / "pgdata"
        self.port = free_port()
        self.data.mkdir()
        if AS_POSTGRES:
            shutil.chown(folder, "postgres")
            shutil.chown(self.data, "postgres")
        subprocess.run(
            [*AS_POSTGRES, pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
        )

    def start(self):
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        log = str(self.data / "server.log")
        subprocess.run(
            [*AS_POSTGRES, pg_bin("pg_ctl"), "-D", str(self.data), "-l", log, "-o", options, "-w", "start"],
            check=True,
            capture_output=True,
        )

    def stop(self):
        subprocess.run(
            [*AS_POSTGRES, pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"], capture_output=True
        )

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def hang(self):
        os.kill(self.postmaster_pid(), signal.SIGSTOP)  # new connections wait in the kernel's backlog, unanswered

    def resume(self):
        if (self.data / "postmaster.pid").exists():
            os.kill(self.postmaster_pid(), signal.SIGCONT)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


class Redis:
    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)  # in case it was hung
            self.process.terminate()
            self.process.wait(10)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def manage(env: dict, *args: str, stdin: str = "") -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin, check=True, capture_output=True, text=True
    ).stdout


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # report the 302 itself


OPENER = urllib.request.build_opener(NoRedirects)


def fetch(url: str, headers: dict) -> tuple[int, str, float]:
    started = time.monotonic()
    try:
        with OPENER.open(urllib.request.Request(url, headers=headers), timeout=60) as response:
            status, body, response_headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, body, response_headers = error.code, error.read(), error.headers
    seconds = time.monotonic() - started
    content_type = response_headers.get("Content-Type", "")
    if content_type.startswith("application/json"):
        data = json.loads(body)
        if "checks" in data:
            summary = ", ".join(f"{k}: {v}" for k, v in data["checks"].items() if v != "ok") or "all checks ok"
        elif "results" in data:
            summary = f"JSON list, {data['count']} rows"
        else:
            summary = f"JSON error `{data.get('code')}`"
    elif 300 <= status < 400:
        summary = f"redirect to {response_headers.get('Location')}"
    else:
        summary = content_type.split(";")[0] or "-"
    if response_headers.get("Retry-After"):
        summary += f", Retry-After {response_headers['Retry-After']}"
    return status, summary, seconds


def main():
    with ExitStack() as cleanup:
        folder = Path(tempfile.mkdtemp(prefix="outage-drill-"))
        cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
        postgres, redis = Postgres(folder), Redis()
        postgres.start()
        cleanup.callback(postgres.stop)
        cleanup.callback(postgres.resume)
        redis.start()
        cleanup.callback(redis.stop)

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "smartindustry.settings.production",
            "SECRET_KEY": "outage-drill-only-outage-drill-only-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": str(folder / "static"),
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
        }
        manage(env, "collectstatic", "--noinput")
        manage(env, "migrate", "--noinput")
        password_env = {**env, "DRILL_PASSWORD": "outage-drill-password-42"}
        manage(password_env, "add_user", "drill", "--role", "analyst", "--password-env", "DRILL_PASSWORD")
        token = manage(env, "create_api_token", "drill", "--read-only").strip()

        web_port = free_port()
        server_log = cleanup.enter_context((folder / "gunicorn.log").open("w"))
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "smartindustry.wsgi:application", "--config", "gunicorn.conf.py"]
            + ["--bind", f"127.0.0.1:{web_port}", "--workers", "2", "--access-logfile", "/dev/null"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=server_log,
            start_new_session=True,
        )
        cleanup.callback(lambda: (os.killpg(server.pid, signal.SIGTERM), server.wait(30)))
        base = f"http://127.0.0.1:{web_port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5).close()
                break
            except OSError:
                time.sleep(0.2)

        probes = [
            ("/healthz", "/healthz", {}),
            ("API list", "/api/v1/hubs/", {"Authorization": f"Token {token}"}),
            ("API list (again)", "/api/v1/hubs/", {"Authorization": f"Token {token}"}),
            ("portal page", "/hubs/", {"Cookie": f"sessionid={SESSION_KEY}"}),
        ]
        print("| situation | request | status | answer | seconds |")
        print("|---|---|---|---|---|")

        def row(situation: str):
            for label, path, headers in probes:
                status, summary, seconds = fetch(base + path, headers)
                print(f"| {situation} | {label} | {status} | {summary} | {seconds:.2f} |", flush=True)

        def wait_for_the_throttle_to_retry_redis():
            # After a Redis failure each worker counts in its own memory for 30 s (accounts/api/throttling.py);
            # wait, so the next fault meets workers that ask Redis again.
            time.sleep(31)

        row("all up")
        redis.stop()
        row("Redis stopped")
        redis.start()
        row("Redis started again")
        wait_for_the_throttle_to_retry_redis()
        os.kill(redis.process.pid, signal.SIGSTOP)
        row("Redis hung (SIGSTOP)")
        os.kill(redis.process.pid, signal.SIGCONT)
        row("Redis resumed (SIGCONT)")
        wait_for_the_throttle_to_retry_redis()
        postgres.stop()
        row("PostgreSQL stopped")
        postgres.start()
        row("PostgreSQL started again")
        postgres.hang()
        row("PostgreSQL hung (SIGSTOP)")
        postgres.resume()
        row("PostgreSQL resumed (SIGCONT)")
        wait_for_the_throttle_to_retry_redis()
        postgres.hang()
        os.kill(redis.process.pid, signal.SIGSTOP)
        row("both hung")
        os.kill(redis.process.pid, signal.SIGCONT)
        postgres.resume()
        row("both resumed")


if __name__ == "__main__":
    main()
