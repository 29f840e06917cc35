"""Per-token throttling: each API token has its own budget, so one busy script cannot starve another.

The counters live in the default cache (Redis when ``REDIS_URL`` is set), so every gunicorn worker shares one budget
per token. When Redis does not answer, the throttle does not fail the request: it logs a warning and counts in the
worker's own memory (a local-memory fallback) for ``SHARED_CACHE_RETRY_SECONDS``, then tries Redis again. During an
outage a token may therefore make up to its budget *per worker*; the API keeps answering. docs/operations.md.
"""

import logging
import time

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken

logger = logging.getLogger(__name__)

# After a failure, skip the shared cache for this long: a hung Redis would otherwise cost every request the full
# REDIS_TIMEOUT before the fallback.
SHARED_CACHE_RETRY_SECONDS = 30.0

_now = time.time  # the clock of the counting windows (tests fix it)

_local_cache = LocMemCache("api-throttle-fallback", {"MAX_ENTRIES": 10_000})
_shared_cache_down_until = 0.0  # time.monotonic() before which this process does not ask the shared cache


class RateLimitHeadersMiddleware:
    """``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset`` (seconds) on every API answer the
    throttle counted — successes as well as 429s — so a client can pace itself before it is refused."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        limit = getattr(request, "rate_limit", None)
        if limit is not None:
            response["RateLimit-Limit"], response["RateLimit-Remaining"], response["RateLimit-Reset"] = map(str, limit)
        return response


class ApiTokenRateThrottle(SimpleRateThrottle):
    """Budget per token (``API_TOKEN_THROTTLE_RATE``); browser sessions per user; anonymous callers per address."""

    scope = "api_token"

    def get_rate(self):
        # Read at request time (not import time) so deployments and tests can change it in settings.
        return getattr(settings, "API_TOKEN_THROTTLE_RATE", "5000/hour")

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def _count(self, request, view) -> bool:
        """Exact fixed-window counting: one atomic increment per request (cache.add then cache.incr), so concurrent
        clients cannot all read the same count and over-admit as a read-then-write history list does."""
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = int(_now())
        window_start = now - now % self.duration
        window_key = f"{key}:{window_start}"
        self.cache.add(window_key, 0, timeout=self.duration + 1)
        count = self.cache.incr(window_key)
        reset = window_start + self.duration - now
        # On Django's request, which the middleware below sees after DRF has answered.
        getattr(request, "_request", request).rate_limit = (self.num_requests, max(self.num_requests - count, 0), reset)
        self._wait = reset
        return count <= self.num_requests

    def wait(self):
        return getattr(self, "_wait", None)

    def allow_request(self, request, view):
        global _shared_cache_down_until
        if time.monotonic() < _shared_cache_down_until:
            self.cache = _local_cache
            return self._count(request, view)
        try:
            return self._count(request, view)
        except (RedisError, OSError) as exc:
            _shared_cache_down_until = time.monotonic() + SHARED_CACHE_RETRY_SECONDS
            logger.warning(
                "API throttle: the shared cache does not answer (%s); counting in this worker's memory for %d s",
                exc.__class__.__name__,
                SHARED_CACHE_RETRY_SECONDS,
            )
            self.cache = _local_cache
            return self._count(request, view)
