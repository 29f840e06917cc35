import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok_as_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.OperationalError("down") if hasattr(connection, "OperationalError") else RuntimeError("down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("error")


def test_healthz_is_503_when_the_configured_broker_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


def test_healthz_checks_the_real_broker_when_configured(client, settings):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL not set: no broker configured, tasks run eagerly")
    assert client.get("/healthz").json()["checks"]["broker"] == "ok"
