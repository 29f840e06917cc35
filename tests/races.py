"""Races for the concurrency tests: calls started at the same moment, each on a database connection of its own."""

import threading

import pytest
from django.db import connection, connections

# A race needs real concurrent connections: PostgreSQL, with committed data the threads can see.
RACE_MARKS = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a race needs PostgreSQL's concurrent connections"),
]


def race(*calls):
    """Start every call at the same moment, each on its own connection; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
