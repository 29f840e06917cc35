import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.models import ApiToken, Role, User, hash_token
from accounts.services import api_token_create, api_token_revoke
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub():
    return factories.HubFactory(slug="noord")


def test_add_user_reads_password_from_stdin(hub, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-secret-phrase\n"))
    out = io.StringIO()
    call_command("add_user", "anna", "--role", "coordinator", "--hub", "noord", stdout=out)
    user = User.objects.get(username="anna")
    assert user.role == Role.COORDINATOR and user.hub == hub
    assert user.check_password("a-long-secret-phrase")
    assert list(user.groups.values_list("name", flat=True)) == ["coordinator"]
    assert "noord" in out.getvalue()


def test_add_user_reads_password_from_env(monkeypatch):
    monkeypatch.setenv("NEW_PASSWORD", "another-long-phrase")
    call_command("add_user", "bob", "--role", "bureau", "--password-env", "NEW_PASSWORD", stdout=io.StringIO())
    bob = User.objects.get(username="bob")
    assert bob.check_password("another-long-phrase") and bob.is_staff
    assert bob.has_perm("funding.change_fundingrecord")  # the bureau group carries the admin permissions


@pytest.mark.parametrize(
    "args,message",
    [
        (["c", "--role", "coordinator"], "needs --hub"),
        (["c", "--role", "analyst", "--hub", "noord"], "Only coordinators"),
        (["c", "--role", "coordinator", "--hub", "atlantis"], "No hub"),
        (["c", "--role", "analyst", "--password-env", "UNSET_VARIABLE_X"], "empty or not set"),
    ],
)
def test_add_user_refuses_bad_input_and_creates_nothing(hub, args, message, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-secret-phrase\n"))
    with pytest.raises(CommandError, match=message):
        call_command("add_user", *args)
    assert not User.objects.filter(username="c").exists()


def test_add_user_refuses_weak_password(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError, match="too short"):
        call_command("add_user", "weak", "--role", "analyst")
    assert not User.objects.filter(username="weak").exists()


def test_token_is_printed_once_and_stored_only_as_hash():
    user = factories.UserFactory()
    out = io.StringIO()
    call_command("create_api_token", user.username, "--read-only", "--expires-days", "30", stdout=out)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=user)
    assert token.digest == hash_token(key) != key
    assert token.read_only and timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    with connection.cursor() as cursor:  # the key is nowhere in the table, in any column
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        assert not any(key in str(value) for row in cursor.fetchall() for value in row)


def test_token_authenticates_and_records_last_use(api_client):
    user = factories.UserFactory()
    token, key = api_token_create(user=user)
    assert token.last_used_at is None
    response = api_client.get("/api/v1/hubs/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_expired_token_is_refused(api_client):
    token, key = api_token_create(user=factories.UserFactory(), expires_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api_client.get("/api/v1/hubs/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"].lower()


def test_revoked_and_unknown_tokens_are_refused(api_client):
    token, key = api_token_create(user=factories.UserFactory())
    api_token_revoke(token=token)
    assert api_client.get("/api/v1/hubs/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert api_client.get("/api/v1/hubs/", HTTP_AUTHORIZATION="Token not-a-token").status_code == 401


def test_token_of_inactive_user_is_refused(api_client):
    user = factories.UserFactory()
    _token, key = api_token_create(user=user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert api_client.get("/api/v1/hubs/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_create_api_token_refuses_unknown_user_and_bad_expiry():
    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", "nobody")
    user = factories.UserFactory()
    with pytest.raises(CommandError, match="positive"):
        call_command("create_api_token", user.username, "--expires-days", "0")
    assert not ApiToken.objects.exists()


def _printed_token(output: str) -> str:
    return output.split("Authorization: Token ", 1)[1].split("'", 1)[0]


def test_demo_accounts_print_working_credentials(hub, api_client):
    out = io.StringIO()
    call_command("create_demo_accounts", stdout=out)
    lines = out.getvalue().splitlines()
    rows = {line.split()[1]: line.split()[2] for line in lines if line.strip().startswith(tuple(Role.values))}
    assert set(rows) == {"demo-bureau", "demo-coordinator-noord", "demo-hub-viewer-noord", "demo-analyst"}
    for username, password in rows.items():
        assert User.objects.get(username=username).check_password(password)
    assert User.objects.get(username="demo-coordinator-noord").hub == hub
    assert User.objects.get(username="demo-hub-viewer-noord").hub == hub
    # And an administrator: a superuser whose printed password works.
    admin_line = next(line.split() for line in lines if line.strip().startswith("superuser"))
    admin = User.objects.get(username=admin_line[1])
    assert admin.is_superuser and admin.is_staff and admin.check_password(admin_line[2])
    # Run again: new passwords, still one account each, the old demo token refused and the new one accepted.
    again = io.StringIO()
    call_command("create_demo_accounts", stdout=again)
    assert User.objects.filter(username__startswith="demo-").count() == 5
    assert User.objects.get(username="demo-admin").is_superuser
    old_key, new_key = _printed_token(out.getvalue()), _printed_token(again.getvalue())
    assert api_client.get("/api/v1/hubs/", HTTP_AUTHORIZATION=f"Token {old_key}").status_code == 401
    assert api_client.get("/api/v1/hubs/", HTTP_AUTHORIZATION=f"Token {new_key}").status_code == 200
