"""The periodic work of contacts, registered with the scheduler in ``ContactsConfig.ready``."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from loket.contacts.models import ContactRequest
from loket.notifications.jobs import Job, notify_staff, team_members
from loket.notifications.models import StaffNotification


def overdue_callbacks() -> str:
    """Open callbacks and hand-overs past their due time: the receiver hears it, once."""
    made = 0
    for request in ContactRequest.objects.open().filter(due_at__lt=timezone.now()).iterator():
        made += notify_staff(
            users=team_members(request),
            kind=StaffNotification.Kind.OVERDUE_CALLBACK,
            text=f"{request.get_kind_display()} is te laat: {request.question[:120]}",
            url=reverse("workbench:request_detail", kwargs={"uuid": request.uuid}),
            key=f"overdue_request:{request.pk}",
        )
    return f"{made} notifications"


OVERDUE_CALLBACKS = Job("overdue_callbacks", timedelta(minutes=15), overdue_callbacks)
JOBS = (OVERDUE_CALLBACKS,)
