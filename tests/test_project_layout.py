"""The deployment files point at code that exists, and the contract's commands are there."""

import importlib
import os
import stat
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


def test_makefile_and_ci_entry_points():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run:", "test:", "bench:", "lint:"):
        assert f"\n{target}" in makefile
    ci = ROOT / ".ci" / "run"
    assert ci.stat().st_mode & stat.S_IXUSR
    text = ci.read_text()
    assert "make test" in text and "DATABASE_URL=" in text and "REDIS_URL=" in text


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


def test_the_readme_gives_a_newcomer_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert len(readme.splitlines()) > 100  # the whole guide, not a stub
