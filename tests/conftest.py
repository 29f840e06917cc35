import socket

import pytest
from django.conf import settings as django_settings
from django.utils import translation
from rest_framework.test import APIClient

from accounts.services import api_token_create

from . import factories
from .reference import reference_data_install

# Tests that must share one worker of `make test` (pytest-xdist, --dist loadgroup): every other test may run on any
# worker, each of which has a database of its own (SQLite in memory; PostgreSQL test_<name>_gw0, _gw1 ...).
XDIST_GROUPS = {
    # A real Celery worker takes tasks from the one broker queue: two at once would run each other's tasks against
    # the wrong worker's database.
    "celery-worker": lambda item: item.get_closest_marker("redis") or item.get_closest_marker("faults"),
    # One Chromium and one live server for all of them, not one per worker.
    "browser": lambda item: item.get_closest_marker("browser"),
}


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """Give each test its xdist group: a named group above, else its module when a fixture of the module's (or a
    class's) is built once for all of its tests (collectstatic, the reference dataset), else none: any worker."""
    for item in items:
        group = next((name for name, wants in XDIST_GROUPS.items() if wants(item)), None)
        if group is None and _has_shared_fixture(item):
            group = item.nodeid.split("::", 1)[0]
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
    yield  # xdist's own hook reads the groups (into the node ids it schedules by)
    if getattr(config.option, "loadgroup", False):  # an xdist worker of --dist loadgroup
        for item in items:
            marker = item.get_closest_marker("xdist_group")
            if marker and not item.nodeid.endswith("@" + marker.args[0]):
                # pytest 9.2 keeps node ids where pytest-xdist 3.8's loadgroup cannot add the group (pytest-xdist
                # issue 1386): the group would be ignored without a word, and e.g. two real Celery workers collide.
                item.stash[GROUP_LOST] = f"--dist loadgroup ignored this test's xdist group {marker.args[0]!r}"


GROUP_LOST = pytest.StashKey[str]()


def pytest_runtest_setup(item):
    if lost := item.stash.get(GROUP_LOST, None):
        pytest.fail(f"{lost}: run it with the pytest that pyproject.toml names", pytrace=False)


def _has_shared_fixture(item) -> bool:
    """A fixture of this test tree (not a plugin's: pytest-django has a class-scoped one for unittest classes)
    built once per module, package or class."""
    definitions = getattr(item, "_fixtureinfo", None)
    definitions = definitions.name2fixturedefs.values() if definitions else ()
    return any(
        chain and chain[-1].baseid and chain[-1].scope in ("module", "class", "package") for chain in definitions
    )


@pytest.fixture(autouse=True)
def _language_of_the_settings():
    """Every test starts in the settings' language. A request through the test client leaves its language active on
    the thread (LocaleMiddleware activates it; nothing resets it), so a Dutch page in one test would make the next
    test on the same xdist worker read Dutch messages."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


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


def _reference_db(django_db_blocker, *, loader: bool):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        reference_data_install(loader=loader)
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def reference_db(django_db_setup, django_db_blocker):
    """The reference dataset, loaded once per test module inside a transaction that is rolled back afterwards.

    Tests in the module still use `db` as usual (their changes roll back to a savepoint); other modules see an
    empty database, so hand-built datasets stay exact. The rows are those of the real loader's first run in this
    process (tests/reference.py).
    """
    yield from _reference_db(django_db_blocker, loader=False)


@pytest.fixture(scope="module")
def reference_db_by_loader(django_db_setup, django_db_blocker):
    """As reference_db, always through the real `load_reference_data`: for the modules that test the loader."""
    yield from _reference_db(django_db_blocker, loader=True)


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
