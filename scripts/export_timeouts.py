"""The slowest exports that still stream (EXPORT_STREAM_MAX_ROWS rows), timed, to set gunicorn's timeout by.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/si_exports EXPORT_STREAM_MAX_ROWS=2000000 \\
        .venv/bin/python scripts/export_timeouts.py --hub <slug>

Times the API's CSV and XLSX and the portal's CSV and XLSX ("export this view") of one hub's funding records, with
every byte consumed, through Django's full stack (the test client, no network).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartindustry.settings.local")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from accounts.services import user_create  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hub", required=True)
    args = parser.parse_args()
    user = User.objects.filter(username="bench-bureau").first() or user_create(
        username="bench-bureau", role=Role.BUREAU, password=None
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    for url in (
        f"/api/v1/funding-records/?hub={args.hub}&format=csv",
        f"/funding/?hub={args.hub}&format=csv",
        f"/api/v1/funding-records/?hub={args.hub}&format=xlsx",
        f"/funding/?hub={args.hub}&format=xlsx",
    ):
        start = time.perf_counter()
        response = client.get(url)
        body = response.streaming_content if response.streaming else [response.content]
        size = sum(len(chunk) for chunk in body)
        seconds = time.perf_counter() - start
        print(f"{url:<55} {response.status_code} {size / 1e6:8.1f} MB {seconds:7.1f} s", flush=True)


if __name__ == "__main__":
    main()
