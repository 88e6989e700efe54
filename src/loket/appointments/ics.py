"""The iCalendar invitation sent with an appointment's confirmation (RFC 5545), made with the
``icalendar`` library.

METHOD:PUBLISH with a stable UID per appointment and a SEQUENCE raised at every move, so a
calendar that imported the first invitation replaces it with the moved one; a cancellation is
METHOD:CANCEL with STATUS:CANCELLED for the same UID. The times carry the Europe/Amsterdam zone
with its VTIMEZONE, so the appointment stays at 10:20 whatever the reader's own zone.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from loket.appointments.availability import line_text
from loket.appointments.models import Appointment
from loket.lib.calendar import AMSTERDAM


@cache
def _amsterdam() -> bytes:
    """The VTIMEZONE block of Europe/Amsterdam, built once per process: deriving it from the
    zone's transitions takes milliseconds, and it is the same in every invitation."""
    return bytes(Timezone.from_tzid("Europe/Amsterdam").to_ical())


def invitation(appointment: Appointment) -> str:
    calendar = Calendar()
    calendar.add("prodid", "-//Loket//Afspraken//NL")
    calendar.add("version", "2.0")
    cancelled = appointment.status == Appointment.Status.CANCELLED
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"{appointment.uuid}@{settings.LOKET_MAIL_DOMAIN}")
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", appointment.created_at)
    event.add("dtstart", appointment.starts_at.astimezone(AMSTERDAM))
    event.add("dtend", appointment.ends_at.astimezone(AMSTERDAM))
    products = ", ".join(line_text(line.product, line.persons) for line in appointment.lines.all())
    event.add(
        "summary",
        _("Appointment at %(municipality)s: %(products)s")
        % {"municipality": appointment.municipality.name, "products": products},
    )
    event.add("location", f"{appointment.location.name}, {appointment.location.address}")
    event.add(
        "description",
        _("Reference %(reference)s. Bring the documents named in the e-mail.")
        % {"reference": appointment.reference},
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(Timezone.from_ical(_amsterdam()))
    calendar.add_component(event)
    return str(calendar.to_ical().decode())
