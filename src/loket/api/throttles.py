"""Throttles of the API (DRF): anonymous calls per client, calls per account, and failed token
attempts per client. A refusal is a 429 problem document with ``code: throttled`` and a
``Retry-After`` header (``loket.api.problems``).

Rates are settings (``LOKET_API_RATE_*``, notation ``60/m``, ``10/h``, ``3/15m``) read when the
throttle is made, not when this module is imported, so a test or a reload sees a changed value.
The client is the address the outermost trusted proxy saw (``NUM_PROXIES`` =
``LOKET_PROXY_COUNT``); counters live in the shared cache (``CACHE_URL``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from loket.lib.env import parse_rate

if TYPE_CHECKING:
    from rest_framework.authtoken.models import Token
    from rest_framework.views import APIView  # imports this module (the settings): a cycle

    from loket.accounts.models import User


class _RateFromSettings(SimpleRateThrottle):
    # Set by ``SimpleRateThrottle.__init__`` from the rate (``parse_rate``); DRF's stubs leave
    # them out.
    num_requests: int | None
    duration: int | None

    def get_rate(self) -> str | None:
        assert self.scope is not None  # every throttle here names its scope
        rate = api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        return None if rate is None else str(rate)

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        return (None, None) if rate is None else parse_rate(rate)


class AnonThrottle(_RateFromSettings, AnonRateThrottle):
    """Calls without an account (the wegwijzer, the API document), per client address."""


class UserThrottle(_RateFromSettings, UserRateThrottle):
    """Calls per account (token or session); anonymous calls are counted per client address."""


class TokenFailureThrottle(_RateFromSettings):
    """Failed ``Authorization: Token`` attempts per client address. Only failures are counted;
    once the limit is reached, the client is refused before any token is looked at, so guessing
    cannot go on, not even to learn when a guess was right."""

    scope = "token_failures"

    def get_cache_key(self, request: Request, view: APIView | None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def refuses(self, request: Request) -> float | None:
        """Seconds to wait when this client has used up its failures, else None (also without a
        rate: like DRF's own throttles, no rate means no limit)."""
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        if self.num_requests is None or self.duration is None:
            return None
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.wait()
        return None

    def record_failure(self, request: Request) -> None:
        if self.refuses(request) is None:
            self.history.insert(0, self.now)
            self.cache.set(self.get_cache_key(request, None), self.history, self.duration)


class ThrottledTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, with failed attempts throttled per client (a 429 once the
    client has failed ``LOKET_API_RATE_TOKEN_FAILURES`` times)."""

    def authenticate(self, request: Request) -> tuple[User, Token] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.split(" ", 1)[0].lower() != self.keyword.lower():
            return None  # no token offered: not an attempt (the session may authenticate)
        throttle = TokenFailureThrottle()
        wait = throttle.refuses(request)
        if wait is not None:
            raise exceptions.Throttled(wait)
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.record_failure(request)
            raise
