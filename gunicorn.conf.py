"""gunicorn settings for the production image (Dockerfile, docker-compose.yml); command-line options override them.

Tuned through the environment (docs/operations.md):

- ``WEB_CONCURRENCY`` (3): worker processes. Sync workers: each serves one request at a time.
- ``GUNICORN_TIMEOUT`` (120): seconds a worker may spend on one request before the master kills and replaces it. Set
  so that the slowest export that still streams (EXPORT_STREAM_MAX_ROWS, EXPORT_XLSX_STREAM_MAX_ROWS) completes: the
  measured times are in docs/operations.md, "Exports". Larger exports are background jobs.
- ``GUNICORN_GRACEFUL_TIMEOUT`` (30): on SIGTERM (deploy, ``docker compose stop``), seconds running requests get to
  finish before their workers are killed. Keep the container's stop grace period above it.
- ``GUNICORN_BIND`` (``0.0.0.0:8000``).

gunicorn refuses to start when the static files manifest is missing (``on_starting``): without it every page answers
500 while ``/healthz`` answers 200, so an image or volume without ``collectstatic`` must fail loudly at start.
"""

import os
import sys

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5  # seconds an idle keep-alive connection from the proxy stays open
accesslog = "-"
errorlog = "-"


def on_starting(server):
    # The same default as smartindustry/wsgi.py; only settings are read here, no app or database is loaded.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartindustry.settings.production")
    from smartindustry.health import static_manifest_problem

    problem = static_manifest_problem()
    if problem:
        server.log.error("Refusing to start: %s", problem)
        sys.exit(1)
