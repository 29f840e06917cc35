"""Send GET requests through the whole Django stack in this process and print what came back, as JSON.

tests/test_outages.py runs this in a subprocess whose DATABASE_URL / REDIS_URL point at a closed port or a socket
that never answers: the settings read them at start-up, so a fresh process is the honest way to run the real
connection code (psycopg's connect timeout, Django's error handling) against a dead server.

    python -m tests.outage_client '[{"path": "/healthz"}, {"path": "/hubs/", "cookies": {"sessionid": "x"}}]'
"""

import json
import sys
import time

import django
from django.test import Client


def main(requests: list[dict]) -> list[dict]:
    django.setup()
    results = []
    for spec in requests:
        client = Client(raise_request_exception=False)  # answer like a server does: the error page, not a raise
        for name, value in spec.get("cookies", {}).items():
            client.cookies[name] = value
        started = time.monotonic()
        response = client.get(spec["path"], headers=spec.get("headers", {}))
        results.append(
            {
                "path": spec["path"],
                "status": response.status_code,
                "content_type": response.get("Content-Type", ""),
                "retry_after": response.get("Retry-After"),
                "body": response.content.decode(),
                "seconds": round(time.monotonic() - started, 3),
            }
        )
    return results


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
