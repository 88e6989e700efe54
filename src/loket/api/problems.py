"""Errors as RFC 9457 problem details (``application/problem+json``), as the NL API Design
Rules ask: a ``title``, the ``status``, a ``detail`` in the user's language, a stable ``code``,
and per invalid field an ``invalidParams`` entry."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from loket.lib.errors import Refused

PROBLEM = "application/problem+json"


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _invalid_params(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    params: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{_camel(str(key))}" if prefix else _camel(str(key))
            params += _invalid_params(value, "" if key == "non_field_errors" else name)
    elif isinstance(detail, list):
        for item in detail:
            params += _invalid_params(item, prefix)
    else:
        params.append(
            {
                "name": prefix or "nonFieldErrors",
                "code": getattr(detail, "code", "invalid"),
                "reason": str(detail),
            }
        )
    return params


def problem(
    status_code: int, title: str, detail: str, code: str, instance: str, **extra: Any
) -> dict[str, Any]:
    return {
        "type": f"https://loket.example/problemen/{code}",
        "title": title,
        "status": status_code,
        "detail": detail,
        "code": code,
        "instance": instance,
        **extra,
    }


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    if isinstance(exc, Refused):
        extra: dict[str, Any] = {}
        if exc.field:  # a value the service refused, named like the request's field
            name = _camel(exc.field)
            extra["invalidParams"] = [{"name": name, "code": exc.code, "reason": str(exc.message)}]
        title = _("Invalid input") if exc.status == 400 else _("The change was refused")
        body = problem(exc.status, title, str(exc.message), exc.code, instance, **extra)
        return Response(body, status=exc.status, content_type=PROBLEM)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = problem(
            400,
            _("Invalid input"),
            _("One or more fields are not valid."),
            "invalid",
            instance,
            invalidParams=_invalid_params(exc.detail),
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if isinstance(exc, Http404 | exceptions.NotFound):
            detail, code = _("No such resource, or you may not see it."), "not-found"
        elif isinstance(exc, PermissionDenied | exceptions.PermissionDenied):
            code = "forbidden"
        elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            code = "not-authenticated"
        body = problem(
            response.status_code,
            {
                400: _("Bad request"),
                401: _("Not authenticated"),
                403: _("Not allowed"),
                404: _("Not found"),
                405: _("Method not allowed"),
                415: _("Unsupported media type"),
                429: _("Too many requests"),
            }.get(response.status_code, _("Error")),
            str(detail),
            code if isinstance(code, str) else "error",
            instance,
        )
    response.data = body
    response.content_type = PROBLEM
    return response


def api_not_found(request: HttpRequest) -> JsonResponse:
    """404 for an unknown address under /api/, outside any API view."""
    body = problem(
        status.HTTP_404_NOT_FOUND,
        _("Not found"),
        _("No such resource, or you may not see it."),
        "not-found",
        request.get_full_path(),
    )
    return JsonResponse(body, status=404, content_type=PROBLEM)


def api_bad_request(request: HttpRequest, message: str) -> JsonResponse:
    """400 for a parameter refused before an API view could parse it."""
    body = problem(
        status.HTTP_400_BAD_REQUEST,
        _("Bad request"),
        message or _("The request cannot be understood."),
        "bad-request",
        request.get_full_path(),
    )
    return JsonResponse(body, status=400, content_type=PROBLEM)
