"""The production build, run the way the image runs it: collectstatic and gunicorn under production settings.

- collectstatic (WhiteNoise's compressed manifest storage) into a temporary STATIC_ROOT: needs nothing else.
- gunicorn refuses to start without that manifest (gunicorn.conf.py): needs nothing else.
- gunicorn with 2 workers on a free loopback port against PostgreSQL and Redis (DATABASE_URL / REDIS_URL, as
  .ci/run sets them; skipped without them): the login page, a hashed static asset, /healthz and an API list with a
  token made by `manage.py add_user` / `create_api_token`, all 200. gunicorn serves the test database, which this
  test's transactional database fixture flushes afterwards; the server is stopped even when an assertion fails.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.production

SECRET_KEY = "production-test-only-production-test-only-0123456789"


def production_env(static_root: Path, **extra) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    environment.update(
        DJANGO_SETTINGS_MODULE="smartindustry.settings.production",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(static_root),
        **extra,
    )
    return environment


def manage(*args: str, env: dict, stdin: str = "") -> str:
    completed = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, f"manage.py {' '.join(args)}:\n{completed.stdout}\n{completed.stderr}"
    return completed.stdout


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("staticfiles")
    manage("collectstatic", "--noinput", env=production_env(root))
    return root


@pytest.fixture(scope="module")
def manifest(static_root) -> dict[str, str]:
    return json.loads((static_root / "staticfiles.json").read_text())["paths"]


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    """HSTS, the https redirect, secure cookies and the API schema's enum names: no warning at all."""
    environment = production_env(tmp_path)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the test run (Playwright), never in deployment
    output = manage("check", "--deploy", "--fail-level", "WARNING", env=environment)
    assert "no issues" in output


def test_plain_http_is_redirected_to_https_unless_the_proxy_says_https(tmp_path):
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "c = Client();"
        "r = c.get('/api/v1/hubs/', HTTP_HOST='127.0.0.1');"
        "s = c.get('/api/v1/hubs/', HTTP_HOST='127.0.0.1', HTTP_X_FORWARDED_PROTO='https');"
        "print(r.status_code, r.get('Location'), s.status_code, s.get('Strict-Transport-Security'), sep='|')"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    redirect, location, secure, hsts = completed.stdout.strip().splitlines()[-1].split("|")
    assert (redirect, location) == ("301", "https://127.0.0.1/api/v1/hubs/")
    assert secure in ("401", "403") and "max-age=31536000" in hsts  # served (no token), with HSTS


def test_collectstatic_under_production_settings_writes_the_manifest(static_root, manifest):
    # The file whose sourceMappingURL comment broke the build, and its map, both collected under hashed names.
    for name in ("vendor/chartjs/chart.umd.min.js", "vendor/chartjs/chart.umd.min.js.map", "css/portal.css"):
        assert (static_root / manifest[name]).is_file(), name
    collected_js = (static_root / manifest["vendor/chartjs/chart.umd.min.js"]).read_text()
    assert collected_js.rstrip().endswith(
        f"sourceMappingURL={Path(manifest['vendor/chartjs/chart.umd.min.js.map']).name}"
    )


def test_the_image_collects_static_at_build_time_and_serves_through_gunicorn_conf():
    """No container starts without the manifest: the build collects it, gunicorn.conf.py checks it at start."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    build = next(line for line in dockerfile.split("RUN ")[1:] if "collectstatic" in line)
    assert "pip install" in build  # the same layer as the code it collects: never skipped, never stale
    cmd = json.loads(next(line for line in dockerfile.splitlines() if line.startswith("CMD "))[4:])
    assert cmd[0] == "gunicorn" and cmd[cmd.index("--config") + 1] == "gunicorn.conf.py"

    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]
    assert "exec gunicorn" in web["command"] and "--config gunicorn.conf.py" in web["command"]


def test_gunicorn_refuses_to_start_without_the_static_manifest(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "gunicorn", "smartindustry.wsgi:application", "--config", "gunicorn.conf.py"]
        + ["--bind", "127.0.0.1:0", "--workers", "1"],
        cwd=ROOT,
        env=production_env(tmp_path),  # an empty STATIC_ROOT: collectstatic never ran
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode != 0
    assert "Refusing to start" in completed.stderr and "run collectstatic" in completed.stderr


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


@pytest.fixture
def production_server(transactional_db, static_root, tmp_path):
    """A gunicorn master with 2 workers under production settings; yields (base URL, environment)."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip(
            "needs DATABASE_URL (PostgreSQL) and REDIS_URL: the production shape runs on both (.ci/run sets them)"
        )
    env = production_env(static_root, DATABASE_URL=_database_url(), REDIS_URL=settings.REDIS_URL)
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "smartindustry.wsgi:application", "--config", "gunicorn.conf.py"]
            + ["--bind", "127.0.0.1:0", "--workers", "2", "--graceful-timeout", "5"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers are stopped with the master
        )
    try:
        base_url = _wait_until_listening(server, log_path)
        yield base_url, env
    finally:
        _stop(server)


def _wait_until_listening(server: subprocess.Popen, log_path: Path) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        text = log_path.read_text()
        match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", text)
        if match and text.count("Booting worker") >= 2:
            return match.group(1)
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}:\n{text}")
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not start within 30 s:\n{log_path.read_text()}")


def _stop(server: subprocess.Popen):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # graceful: the master stops its workers
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    # As the TLS-terminating proxy does: production redirects plain http to https otherwise.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_gunicorn_serves_the_production_build(production_server, manifest):
    base_url, env = production_server
    password_env = {**env, "SMOKE_PASSWORD": "a-long-smoke-test-password-42"}
    manage("add_user", "smoke-analyst", "--role", "analyst", "--password-env", "SMOKE_PASSWORD", env=password_env)
    token = manage("create_api_token", "smoke-analyst", "--read-only", env=env).strip()

    status, _, body = fetch(f"{base_url}/accounts/login/")
    assert status == 200, body[:500]
    page = body.decode()
    hashed_js = manifest["vendor/chartjs/chart.umd.min.js"]
    assert f'src="/static/{hashed_js}"' in page  # the page links the hashed name the manifest gives

    status, headers, body = fetch(f"{base_url}/static/{hashed_js}", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    assert "immutable" in headers.get("Cache-Control", "")

    status, _, body = fetch(f"{base_url}/healthz")
    assert status == 200, body
    assert json.loads(body)["checks"] == {"database": "ok", "broker": "ok", "static": "ok"}

    status, headers, body = fetch(f"{base_url}/api/v1/hubs/", {"Authorization": f"Token {token}"})
    assert status == 200, body[:500]
    assert headers["Content-Type"] == "application/json" and json.loads(body)["results"] == []

    status, _, body = fetch(f"{base_url}/api/v1/hubs/")
    assert status == 401 and json.loads(body)["code"] == "not_authenticated"  # the token is what let us in
