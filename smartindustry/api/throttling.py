"""Per-token throttling: each API token has its own budget, so one busy script cannot starve another."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken


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
