"""What `/healthz` checks: the database, the broker and the static files manifest, each bounded in time.

Every check answers "ok" (or "not configured …") or "error: <ExceptionClass>" and never raises, so a fault shows as a
503 with the failing part named, never as a 500 or a request that hangs. Bounds (docs/operations.md):

- database: the connect timeout of the connection itself (``DATABASE_CONNECT_TIMEOUT``, PostgreSQL only) and a
  statement timeout on the probe query (``HEALTH_STATEMENT_TIMEOUT_MS``);
- broker: ``REDIS_TIMEOUT`` for connecting and for the answer to PING;
- static files: the manifest that ``collectstatic`` writes must be there, or every page that links an asset would
  answer 500 while the database and the broker look fine.

This module imports no models: gunicorn's start-up hook (gunicorn.conf.py) uses ``static_manifest_problem`` before
Django's apps are loaded.
"""

from concurrent.futures import ThreadPoolExecutor

import redis
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import storages
from django.db import connection, transaction

# Milliseconds the probe query may take once connected; SELECT 1 takes well under one.
HEALTH_STATEMENT_TIMEOUT_MS = 2000


def _error(exc: BaseException) -> str:
    # The class name only: the message of a driver error names hosts and ports, and /healthz is public.
    return f"error: {exc.__class__.__name__}"


def check_database() -> str:
    try:
        if connection.vendor == "postgresql":
            # SET LOCAL ends with the transaction, so the timeout never leaks into the connection's later work.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {int(HEALTH_STATEMENT_TIMEOUT_MS)}")
                cursor.execute("SELECT 1")
                cursor.fetchone()
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
    except Exception as exc:  # any driver error means "not answering"
        return _error(exc)
    return "ok"


def check_broker() -> str:
    if not settings.REDIS_URL:
        return "not configured (tasks run eagerly)"
    timeout = settings.REDIS_TIMEOUT
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    except Exception as exc:
        return _error(exc)
    finally:
        client.close()
    return "ok"


def static_manifest_problem() -> str | None:
    """Why static URLs cannot be built (a manifest storage without its manifest), or None when they can."""
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return None  # development and tests serve the source files; there is no manifest to miss
    # What this process loaded at start-up, not what is on disk now: a manifest collected after the start is not used.
    if not storage.hashed_files:
        return f"no {storage.manifest_name} in STATIC_ROOT {settings.STATIC_ROOT}: run collectstatic"
    return None


def check_static() -> str:
    try:
        problem = static_manifest_problem()
    except Exception as exc:
        return _error(exc)
    return "error: manifest missing, run collectstatic" if problem else "ok"


def health_checks() -> dict[str, str]:
    # The broker is asked in a second thread while this one asks the database, so with both hung the answer takes the
    # longer of the two timeouts, not their sum (3 s instead of 4 s with the defaults; the compose health check gives
    # up after 5 s). The database check stays in this thread: Django's connections belong to their thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        broker = pool.submit(check_broker)
        checks = {"database": check_database(), "broker": broker.result(), "static": check_static()}
    return checks


def is_healthy(checks: dict[str, str]) -> bool:
    return all(value == "ok" or value.startswith("not configured") for value in checks.values())
