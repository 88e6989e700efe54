"""The iCalendar invitation sent with an appointment's confirmation (RFC 5545), made with the
``icalendar`` library.

METHOD:PUBLISH with a stable UID per appointment and a SEQUENCE raised at every move, so a
calendar that imported the first invitation replaces it with the moved one; a cancellation is
METHOD:CANCEL with STATUS:CANCELLED for the same UID. The times carry the Europe/Amsterdam zone
with its VTIMEZONE, so the appointment stays at 10:20 whatever the reader's own zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from loket.appointments.availability import line_text
from loket.appointments.models import Appointment, AppointmentLine
from loket.lib.calendar import AMSTERDAM


@cache
def _amsterdam() -> bytes:
    """Europe/Amsterdam as a VTIMEZONE with its two yearly rules (the EU's: summer time from
    the last Sunday of March 02:00 to the last Sunday of October 03:00), as calendar programs
    write it. Built once per process; ``Timezone.from_tzid`` would list every transition from
    1970 to 2038, which is a hundred times longer and costs milliseconds per invitation."""
    zone = Timezone()
    zone.add("tzid", "Europe/Amsterdam")
    for kind, month, start, before, after, name in (
        (
            TimezoneDaylight,
            3,
            datetime(1970, 3, 29, 2),  # noqa: DTZ001 - local time, as RFC 5545 wants here
            timedelta(hours=1),
            timedelta(hours=2),
            "CEST",
        ),
        (
            TimezoneStandard,
            10,
            datetime(1970, 10, 25, 3),  # noqa: DTZ001 - local time, as RFC 5545 wants here
            timedelta(hours=2),
            timedelta(hours=1),
            "CET",
        ),
    ):
        part = kind()
        part.add("tzname", name)
        part.add("dtstart", start)
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", after)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1SU"})
        zone.add_component(part)
    return bytes(zone.to_ical())


def invitation(appointment: Appointment, lines: Sequence[AppointmentLine] | None = None) -> str:
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
    calendar.add_component(event)
    # The zone is spliced in as the text built once (see ``_amsterdam``), before the event.
    text = bytes(calendar.to_ical())
    begin = text.index(b"BEGIN:VEVENT")
    return (text[:begin] + _amsterdam() + text[begin:]).decode()
