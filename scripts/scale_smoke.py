"""Scale smoke: every role opens the main pages at volume; prints status, time and query count per page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/si_scale .venv/bin/python scripts/scale_smoke.py

Run after migrate, load_reference_data and generate_scale_data on a scratch database. A smoke check (single
timings, no baseline), not a benchmark: `make bench` gives ratios.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartindustry.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from accounts.services import user_create  # noqa: E402
from registry.models import Hub  # noqa: E402

PAGES = [
    "/",
    "/funding/",
    "/funding/?page=50",
    "/reports/noord/2019/",
    "/api/v1/funding-records/?page_size=50",
    "/api/v1/evaluation/funding-totals/?group_by=source,year",
    "/evaluation/",
]


def main() -> None:
    hub = Hub.objects.get(slug="noord")
    people = [("scale-bureau", Role.BUREAU, None), ("scale-viewer", Role.HUB_VIEWER, hub)]
    people.append(("scale-analyst", Role.ANALYST, None))
    for username, role, user_hub in people:
        user = User.objects.filter(username=username).first()
        user = user or user_create(username=username, role=role, hub=user_hub, password=None)
        client = Client()
        client.force_login(user)
        for url in PAGES:
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url, HTTP_HOST="127.0.0.1")
                elapsed = time.perf_counter() - start
            print(f"{username:14} {url:58} {response.status_code} {elapsed * 1000:7.0f} ms {len(queries):3} queries")


if __name__ == "__main__":
    main()
