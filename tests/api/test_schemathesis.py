"""A bounded property-based run over the OpenAPI schema: generated requests never get a server error.

Schemathesis generates valid (positive) and invalid (negative) requests for every operation of the schema — paths,
query parameters and bodies — and sends them to the WSGI app in-process, as the bureau (so the write paths run too).
Bounded: a few derandomised examples per operation and mode, every example rolled back; the whole run takes
seconds, not minutes.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

EXAMPLES_PER_OPERATION = 4


@pytest.fixture
def keep_test_connection():
    """The real WSGI handler closes the database connection after each request (Django's test client does not);
    in a test that would drop the test transaction, so switch that off for the run."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def load_schema():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(json.dumps(raw, default=str)))


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_generated_requests_never_get_a_server_error(world, mode, keep_test_connection):
    app = get_wsgi_application()
    headers = {"Authorization": f"Token {world.keys['bureau']}"}
    failures = []
    exercised = 0
    operations = [result.ok() for result in load_schema().get_all_operations()]
    assert len(operations) > 30  # the whole API, not an empty schema

    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            with transaction.atomic():
                response = case.call(app=app, headers=headers)
                transaction.set_rollback(True)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query} {case.body!r}: {response.status_code}"
                )

        try:
            run()
        except Unsatisfiable:
            # Nothing to make invalid (e.g. a GET without parameters); the valid run covers it.
            assert mode == GenerationMode.NEGATIVE
            continue
        exercised += 1
    assert exercised > 10
    assert not failures, "\n".join(failures[:20])
