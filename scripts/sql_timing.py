"""Seconds a piece of work spends in its own SQL statements: shared by make bench and scripts/bench_page1.py."""

import time


def sql_time(fn, table: str = "funding_fundingrecord", per_statement: dict | None = None) -> float:
    """Seconds spent in the statements `fn` ran on `table` (the list's count and page, not the token lookup),
    timed round each execute: planning, execution and receiving the rows (converting them to Python comes later).
    With `per_statement`, each statement's seconds are also appended under its first 70 characters."""
    from django.db import connection

    spent = [0.0]

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if table in sql:
                took = time.perf_counter() - start
                spent[0] += took
                if per_statement is not None:
                    per_statement.setdefault(sql[:70], []).append(took)

    with connection.execute_wrapper(timer):
        fn()
    return spent[0]
