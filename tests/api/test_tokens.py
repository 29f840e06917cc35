"""Tokens: revocable by command, checked on every request, throttled per token."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import ApiToken
from accounts.services import api_token_create


def test_revoke_by_prefix_stops_that_token_only(world):
    analyst = world.users["analyst"]
    _second, second_key = api_token_create(user=analyst)
    first = ApiToken.objects.filter(user=analyst).order_by("created_at", "pk").first()
    out = io.StringIO()
    call_command("revoke_api_token", first.prefix, stdout=out)
    assert "1 token(s) revoked." in out.getvalue()

    response = world.client("analyst").get("/api/v1/hubs/")
    assert response.status_code == 401 and response.json()["detail"] == "Token revoked."
    from rest_framework.test import APIClient

    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {second_key}")
    assert other.get("/api/v1/hubs/").status_code == 200


def test_revoke_all_tokens_of_a_user(world):
    api_token_create(user=world.users["bureau"])
    call_command("revoke_api_token", user="bur", stdout=io.StringIO())
    assert not ApiToken.objects.filter(user=world.users["bureau"], revoked_at__isnull=True).exists()
    assert world.client("read_only_token").get("/api/v1/hubs/").status_code == 401
    assert world.client("analyst").get("/api/v1/hubs/").status_code == 200  # others untouched


@pytest.mark.parametrize("args", [(), ("nosuchpf",), ("abc", "--user", "ana")])
def test_revoke_refuses_unclear_requests(world, args):
    with pytest.raises(CommandError):
        call_command("revoke_api_token", *args)
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 0


def test_throttling_is_per_token(world, settings):
    settings.API_TOKEN_THROTTLE_RATE = "3/minute"
    analyst = world.client("analyst")
    assert [analyst.get("/api/v1/provinces/").status_code for _ in range(3)] == [200, 200, 200]
    throttled = analyst.get("/api/v1/provinces/")
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled" and int(throttled["Retry-After"]) > 0
    # Another token (even of the same user) has its own budget.
    _token, key = api_token_create(user=world.users["analyst"])
    from rest_framework.test import APIClient

    second = APIClient()
    second.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert second.get("/api/v1/provinces/").status_code == 200


def test_expired_token_is_refused(world):
    from datetime import timedelta

    from django.utils import timezone

    ApiToken.objects.filter(user=world.users["analyst"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = world.client("analyst").get("/api/v1/hubs/")
    assert response.status_code == 401 and response.json()["detail"] == "Token expired."


def test_every_answer_carries_the_rate_limit_headers_and_the_count_is_exact(world, settings):
    settings.API_TOKEN_THROTTLE_RATE = "3/hour"
    analyst = world.client("analyst")
    answers = [analyst.get("/api/v1/provinces/") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert all(a["RateLimit-Limit"] == "3" and 0 < int(a["RateLimit-Reset"]) <= 3600 for a in answers)
