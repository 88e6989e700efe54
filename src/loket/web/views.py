from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from loket.api.problems import api_bad_request, api_not_found
from loket.tenancy.models import Municipality


def home(request: HttpRequest) -> HttpResponse:
    """The front page of the installation: each municipality's resident side, and the staff side."""
    municipalities = Municipality.objects.filter(is_active=True).select_related(
        "service_organisation"
    )
    return render(request, "web/home.html", {"municipalities": municipalities})


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_not_found(request)
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400: a parameter that cannot be understood (``loket.lib.params.BadParameter``), with the
    message that says which one and why."""
    message = str(getattr(exception, "message", "") or "")
    if request.path.startswith("/api/"):
        return api_bad_request(request, message)
    return render(request, "400.html", {"message": message}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
