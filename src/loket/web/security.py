"""Who is asking, and may they try again: the client address behind the proxies, and the staff
login lockout (django-axes) shared by the workbench and the Django admin."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The client's address as the outermost trusted proxy saw it.

    With ``LOKET_PROXY_COUNT`` = n proxies in front, each appends the address it received the
    request from to X-Forwarded-For, so the n-th entry from the right is the one a client cannot
    forge; anything further left is the client's own claim. Without proxies, REMOTE_ADDR. The
    same rule as DRF's ``NUM_PROXIES``, so throttles, login links and lockouts agree on who is who.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "0.0.0.0")  # noqa: S104 (a key, not a bind)
    count = settings.LOKET_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count == 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-min(count, len(hops))] if hops else remote


# django-axes ships no types (see the mypy overrides in pyproject.toml), so its base is Any.
class LoginLockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """django-axes' lockout check, for logins that come from a web request.

    Every login form (workbench, admin) passes the request to ``authenticate``. A call without one
    is not a client trying passwords (the test client's ``login()``, a management command), and
    has no client address to count against, so it is left to the next backend instead of failing.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        # Returns None, or raises when the client is locked out: it never logs anyone in.
        super().authenticate(request, username, password, **kwargs)
        return None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The page a locked-out staff login gets (429): what happened, when to try again, and who
    can help sooner. It does not say whether the account exists."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "web/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
