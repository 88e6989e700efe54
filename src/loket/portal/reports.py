"""The resident's side of public-space reports (issue 15): report on the map, follow, answer
"Is het opgelost?", and the public map. Views only translate; the rules are in
``loket.reports.services``."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def follow(request: HttpRequest, municipality: str, token: str) -> HttpResponse:
    raise Http404
