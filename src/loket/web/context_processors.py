from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def loket(request: HttpRequest) -> dict[str, Any]:
    return {
        "LOKET_MODE": settings.MODE,
        "municipality": getattr(request, "municipality", None),
        "resident_logged_in": bool(
            hasattr(request, "session") and request.session.get("loket_resident")
        ),
    }
