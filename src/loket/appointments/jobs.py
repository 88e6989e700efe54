"""The appointments' periodic work, run by ``loket worker`` (registered in ``apps.py``):
reminders the day before, and marking appointments nobody came to."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from loket.appointments.models import Appointment
from loket.lib.calendar import AMSTERDAM, local_date
from loket.notifications.jobs import Job


def send_reminders() -> str:
    """Queue a reminder for every booked appointment on the day that is the municipality's
    ``reminder_days_before`` from today (1: tomorrow). Each appointment is reminded once per
    time it is booked for (the dedupe key holds its start), so a moved appointment is reminded
    of its new time."""
    from loket.appointments.availability import rules_for
    from loket.appointments.services import _new_tokens, _notify

    now = timezone.now()
    today = local_date(now)
    queued = 0
    horizon = now + timedelta(days=8)
    coming = (
        Appointment.objects.filter(status=Appointment.Status.BOOKED, starts_at__gt=now)
        .filter(starts_at__lt=horizon)
        .select_related("municipality", "location", "person")
    )
    rules: dict[int, int] = {}
    for appointment in coming:
        days = rules.setdefault(
            appointment.municipality_id,
            rules_for(appointment.municipality).reminder_days_before,
        )
        if not days:
            continue
        if appointment.starts_at.astimezone(AMSTERDAM).date() != today + timedelta(days=days):
            continue
        key = f"appointment:{appointment.uuid}:reminder:{appointment.starts_at.isoformat()}"
        from loket.notifications.models import OutboxMessage

        if OutboxMessage.objects.filter(dedupe_key=key).exists():
            continue
        # The reminder carries fresh links: the resident may no longer have the first e-mail.
        tokens = _new_tokens(appointment, now)
        _notify(appointment, "appointment_reminder", tokens, key)
        queued += 1
    return f"{queued} reminder(s)"


def mark_no_shows() -> str:
    """An appointment still ``booked`` an hour after it ended: the resident did not come."""
    cutoff = timezone.now() - timedelta(hours=1)
    count = Appointment.objects.filter(status=Appointment.Status.BOOKED, ends_at__lt=cutoff).update(
        status=Appointment.Status.NO_SHOW
    )
    return f"{count} no-show(s)"


JOBS = (
    Job("appointment_reminders", timedelta(minutes=15), send_reminders),
    Job("appointment_no_shows", timedelta(hours=1), mark_no_shows),
)
