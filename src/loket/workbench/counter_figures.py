"""The counter figures page (issue 14). Being written."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def figures(request: HttpRequest) -> HttpResponse:
    raise Http404
