"""The deployment files point at code that exists; make and CI run what the README and the contract promise."""

import importlib
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command_words(service) -> list[str]:
    command = service["command"]
    return command if isinstance(command, list) else command.replace("&&", " ").split()


def test_compose_has_the_production_shape(compose):
    services = compose["services"]
    assert set(services) == {"web", "worker", "db", "redis"}
    assert services["db"]["image"].startswith("postgres")
    assert services["redis"]["image"].startswith("redis")
    assert any(v.endswith(":/var/lib/postgresql/data") for v in services["db"]["volumes"])
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no health check"
    for name in ("web", "worker"):
        assert services[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }


def test_web_command_migrates_and_serves_an_importable_wsgi_app(compose):
    words = command_words(compose["services"]["web"])
    assert "migrate" in words and "gunicorn" in words
    target = words[words.index("gunicorn") + 1]
    module_name, attribute = target.split(":")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartindustry.settings.test")
    assert callable(getattr(importlib.import_module(module_name), attribute))
    managed = [words[i + 1] for i, w in enumerate(words) if w == "manage.py"]
    assert set(managed) <= set(get_commands()), managed


def test_worker_command_names_the_celery_app(compose):
    words = command_words(compose["services"]["worker"])
    assert words[:3] == ["celery", "-A", "smartindustry"] and "worker" in words
    module = importlib.import_module(words[2])
    assert module.celery_app.main == "smartindustry"


def test_contract_commands_exist():
    expected = {"load_reference_data", "add_user", "create_api_token", "create_demo_accounts"}
    assert expected <= set(get_commands())


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make_dry_run(*args: str) -> list[str]:
    """The commands `make <args>` would run, printed by `make -n` (nothing is run)."""
    # --no-print-directory: under `make test` the outer make's flags would add "Entering/Leaving directory" lines.
    command = ["make", "-n", "--no-print-directory", *args]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def _manage_commands(lines: list[str]) -> list[list[str]]:
    return [line.split("manage.py", 1)[1].split() for line in lines if " manage.py " in line]


@needs_make
def test_make_run_migrates_loads_the_reference_data_creates_the_demo_accounts_and_serves():
    commands = _manage_commands(make_dry_run("run", "PORT=8123"))
    assert commands == [
        ["migrate", "--noinput"],
        ["load_reference_data"],
        ["create_demo_accounts", "--port", "8123"],
        ["runserver", "127.0.0.1:8123"],
    ]
    assert {command[0] for command in commands} <= set(get_commands())


@needs_make
def test_make_test_runs_pytest_with_the_given_arguments():
    last = make_dry_run("test", "PYTEST_ARGS=-m scale -x")[-1]
    # One pytest-xdist worker per CPU, tests that share a worker grouped (tests/conftest.py), then the arguments.
    assert " -m pytest -n logical --dist loadgroup " in last and last.endswith(" -m scale -x")
    assert make_dry_run("test", "TEST_WORKERS=0")[-1].split(" -m pytest ", 1)[1].startswith("-n 0 --dist loadgroup")


@needs_make
def test_make_lint_runs_ruff_the_import_contracts_and_vulture():
    lines = make_dry_run("lint")
    assert [line.split(maxsplit=1)[1] for line in lines if " -m ruff " in line] == [
        "-m ruff check .",
        "-m ruff format --check .",
    ]
    assert any(line.endswith("/lint-imports") for line in lines)
    assert any("/vulture " in line and "--min-confidence 80" in line for line in lines)


@needs_make
def test_every_make_command_in_the_readme_is_a_target():
    readme = (ROOT / "README.md").read_text()
    targets = set(re.findall(r"`(?:\w+=\S+ )*make ([a-z][\w-]*)", readme))
    targets |= set(re.findall(r"^make ([a-z][\w-]*)", readme, re.MULTILINE))  # the shell blocks
    assert {"run", "test"} <= targets  # the newcomer's two commands
    for target in sorted(targets):
        make_dry_run(target)  # an unknown target fails the dry run


def test_ci_lints_and_tests_against_postgresql_and_redis(tmp_path):
    """.ci/run with make, the service probes and Chromium stubbed: which targets it runs, with which services."""
    calls = tmp_path / "make.log"
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for name, body in {
        "make": f'echo "$* | $DATABASE_URL | $REDIS_URL" >> {calls}',
        "pg_isready": "exit 0",  # PostgreSQL answers: nothing to start
        "redis-cli": "echo PONG",  # so does Redis
        "chromium": "exit 0",  # and the browser is installed
    }.items():
        (stubs / name).write_text(f"#!/bin/sh\n{body}\n")
        (stubs / name).chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["PATH"] = f"{stubs}{os.pathsep}{env['PATH']}"
    run = subprocess.run([str(ROOT / ".ci" / "run")], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    made = [line.split(" | ") for line in calls.read_text().splitlines()]
    targets = [args.split()[0] for args, _database, _redis in made]
    assert "lint" in targets and "test" in targets and targets.index("lint") < targets.index("test")
    for _args, database, redis in made:
        assert database.startswith("postgres://") and redis.startswith("redis://")


def test_production_settings_refuse_to_start_without_secret_and_hosts(monkeypatch):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    env["DJANGO_SETTINGS_MODULE"] = "smartindustry.settings.production"
    run = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode != 0 and "SECRET_KEY must be set" in run.stderr
    env["SECRET_KEY"] = "x" * 50
    run = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode != 0 and "ALLOWED_HOSTS must be set" in run.stderr


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"makemigrations --check found changes:\n{out.getvalue()} (exit {exc.code})")


@needs_make
def test_vulture_finds_no_dead_code():
    """`make lint` runs vulture; the suite runs the same command, so code nothing calls fails `make test` too."""
    [line] = [line for line in make_dry_run("lint") if "/vulture " in line]
    vulture = shutil.which("vulture", path=str(Path(sys.executable).parent))
    assert vulture, "vulture is a dev dependency (pyproject.toml)"
    result = subprocess.run([vulture, *shlex.split(line)[1:]], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]
