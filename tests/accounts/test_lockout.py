"""Login lockout (django-axes): spraying from one address is stopped; a user cannot be locked out from elsewhere."""

import pytest
from django.conf import settings
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # the factories' password


def attempt(username: str, password: str, ip: str) -> int:
    return Client(REMOTE_ADDR=ip).post("/accounts/login/", {"username": username, "password": password}).status_code


def test_spraying_many_usernames_from_one_address_is_stopped():
    limit = settings.AXES_FAILURE_LIMIT
    for i in range(limit):
        attempt(f"user{i}", "guess", "203.0.113.9")
    # The address is locked now, even for a real user with the right password.
    victim = factories.UserFactory(username="victim")
    assert attempt(victim.username, PASSWORD, "203.0.113.9") == 429
    # Elsewhere the victim signs in as usual.
    assert attempt(victim.username, PASSWORD, "198.51.100.7") == 302


def test_guessing_a_named_user_does_not_lock_them_out_from_another_address():
    victim = factories.UserFactory(username="victim")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(victim.username, "wrong", "203.0.113.9")
    assert attempt(victim.username, PASSWORD, "203.0.113.9") == 429
    assert attempt(victim.username, PASSWORD, "198.51.100.7") == 302
