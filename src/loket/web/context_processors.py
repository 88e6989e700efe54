from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def loket(request: HttpRequest) -> dict[str, Any]:
    unread = 0
    user = getattr(request, "user", None)
    if request.path.startswith("/werkplek/") and user is not None and user.is_authenticated:
        from loket.notifications.models import StaffNotification

        unread = StaffNotification.objects.filter(user=user, read_at__isnull=True).count()
    return {
        "staff_unread": unread,
        "LOKET_MODE": settings.MODE,
        "municipality": getattr(request, "municipality", None),
        "resident_logged_in": bool(
            hasattr(request, "session") and request.session.get("loket_resident")
        ),
    }
