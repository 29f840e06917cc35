import socket

import pytest
from rest_framework.test import APIClient

from accounts.services import api_token_create

from . import factories


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Job files (uploads, exports) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def bureau_user(db):
    return factories.BureauUserFactory(username="bureau")


@pytest.fixture
def analyst_user(db):
    return factories.UserFactory(username="analyst")


@pytest.fixture
def coordinator(db):
    return factories.CoordinatorFactory(username="coordinator")


@pytest.fixture
def token_client(db):
    """token_client(user, read_only=False) -> an APIClient that sends `Authorization: Token <key>`."""

    def make(user, **kwargs):
        _token, key = api_token_create(user=user, **kwargs)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture(scope="module")
def reference_db(django_db_setup, django_db_blocker):
    """The reference dataset, loaded once per test module inside a transaction that is rolled back afterwards.

    Tests in the module still use `db` as usual (their changes roll back to a savepoint); other modules see an
    empty database, so hand-built datasets stay exact.
    """
    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_reference_data", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def closed_port():
    """A loopback port that refuses connections: bound, never listening, so no other process can take it meanwhile."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
def hung_port():
    """A loopback port that accepts connections (the kernel completes the handshake) and never answers a byte."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    yield sock.getsockname()[1]
    sock.close()
