"""Booking an appointment on the municipality's site (issue 14). Being written."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


start = choose_time = details = done = cancel = move = mine = _todo
