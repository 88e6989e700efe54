"""Issue 14's journey in a real browser, from the resident's booking to the passport case: a
resident books two passports for the nearest free time without logging in, receives the
e-mail (over real SMTP) with an iCalendar invitation that the ``icalendar`` library reads back,
moves the appointment with the link in that e-mail, gets the reminder the day before; on the
day the host checks them in, the desk calls the ticket, the waiting-room screen shows it
(without the name), the desk finishes, and the two passport cases exist, linked to the ticket
and the appointment.

Time is Monday 7 December 2026 08:00 when the resident books (the first bookable moment is
10:00, two hours ahead), then Tuesday 8 December 09:55 at the counter."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from email.message import EmailMessage
from typing import Any

import pytest
import time_machine
from django.conf import settings
from icalendar import Calendar

from loket.accounts.models import Role
from loket.appointments.jobs import send_reminders
from loket.appointments.models import Appointment, Ticket
from loket.catalogue.services import catalogue_load
from loket.lib.calendar import AMSTERDAM
from loket.notifications.delivery import deliver_all
from loket.tenancy.models import Package
from tests.appointments.conftest import make_location
from tests.browser.test_workbench_axe import _login
from tests.factories import MunicipalityFactory, StaffFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed"),
]

MONDAY_8 = dt.datetime(2026, 12, 7, 8, 0, tzinfo=AMSTERDAM)
TUESDAY_0955 = dt.datetime(2026, 12, 8, 9, 55, tzinfo=AMSTERDAM)


@pytest.fixture
def town(settings: Any) -> Any:
    catalogue_load()
    town = MunicipalityFactory.create(slug="stad", name="Stad", counter_by_appointment=True)
    town.additional_packages.set(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    make_location(town, name="Stadswinkel")
    # Open on Tuesdays and Thursdays only: its first free time is later than the Stadswinkel's.
    make_location(town, name="Servicepunt Noord", desks=1, weekdays=(1, 3))
    StaffFactory.create(username="gastvrouw", role=Role.FRONT_OFFICE, municipalities=[town])
    return town


def _mails_to(inbox: Any, address: str) -> list[EmailMessage]:
    deliver_all()
    return [m for m in inbox.messages if address in str(m["To"])]


def _text_and_invitation(message: EmailMessage) -> tuple[str, Calendar]:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    attachments = [part for part in message.iter_attachments()]
    assert [part.get_content_type() for part in attachments] == ["text/calendar"]
    assert attachments[0].get_filename() == "afspraak.ics"
    payload = attachments[0].get_payload(decode=True)
    assert isinstance(payload, bytes)
    return text, Calendar.from_ical(payload)


def test_book_two_passports_move_remind_and_serve(
    browser_context: Any, town: Any, smtp_server: Any, live_server: Any
) -> None:
    resident = browser_context().new_page()
    submit = "main button[type=submit].button--primary"
    with time_machine.travel(MONDAY_8, tick=True):
        # The passport page sends the resident to the booking with the passport chosen.
        resident.goto("/stad/producten/paspoort")
        resident.locator("main a[href*='/afspraak/?product=paspoort']").click()
        resident.locator("#id_aantal-paspoort").select_option("2")
        resident.locator(submit).click()
        resident.wait_for_url("**/afspraak/tijd**")
        nearest = resident.locator("[data-testid=first-free] a").first
        assert "Stadswinkel" in (nearest.text_content() or "")  # the nearest of the two
        nearest.click()
        resident.wait_for_url("**/afspraak/gegevens**")
        resident.locator("#id_first_name").fill("Anna")
        resident.locator("#id_surname").fill("de Vries")
        resident.locator("#id_email").fill("anna@example.org")
        resident.locator(submit).click()
        resident.wait_for_url("**stap=controleren**")
        resident.locator(submit).click()
        resident.wait_for_url("**/afspraak/bevestigd/**")
        done = resident.locator("main").inner_text()
        appointment = Appointment.objects.get()
        first = appointment.starts_at.astimezone(AMSTERDAM)
        # The nearest free time: today from 10:00 (two hours ahead; the clock ticks, so 10:00
        # may have just gone by the time the page asks).
        assert first.date() == dt.date(2026, 12, 7) and dt.time(10) <= first.time() <= dt.time(
            10, 10
        )
        assert appointment.location.name == "Stadswinkel"
        assert appointment.reference in done
        assert f"maandag 7 december 2026 om {first:%H:%M}" in done
        assert appointment.minutes == 30  # 2 x 15 minutes on a 10-minute grid

        # The confirmation arrives over SMTP, with an invitation the library reads back.
        (confirmation,) = _mails_to(smtp_server, "anna@example.org")
        text, invitation = _text_and_invitation(confirmation)
        assert "2 \u00d7 Paspoort aanvragen" in text and "Een recente pasfoto" in text
        event = invitation.walk("VEVENT")[0]
        assert event.decoded("dtstart") == first
        assert event.decoded("dtend") == first + dt.timedelta(minutes=30)
        assert "Stadswinkel" in str(event["location"])
        uid = str(event["uid"])

        # The resident moves it to Tuesday with the link in the e-mail.
        move_link = re.search(r"https?://\S+/afspraak/verzetten/\S+", text)
        assert move_link is not None
        resident.goto(move_link.group(0).replace(settings.LOKET_BASE_URL.rstrip("/"), ""))
        tuesday = resident.locator(
            "main section[data-testid=location-times] a.button[href*='2026-12-08T09%3A00Z'],"
            " main section[data-testid=location-times] a.button[href*='2026-12-08T09:00Z']"
        ).first
        tuesday.click()
        resident.locator(submit).click()
        assert "dinsdag 8 december 2026" in resident.locator("main").inner_text()
        appointment.refresh_from_db()
        assert appointment.starts_at == dt.datetime(2026, 12, 8, 10, tzinfo=AMSTERDAM)
        moved = _mails_to(smtp_server, "anna@example.org")[-1]
        _text, moved_invitation = _text_and_invitation(moved)
        moved_event = moved_invitation.walk("VEVENT")[0]
        assert str(moved_event["uid"]) == uid and moved_event.decoded("sequence") == 1
        assert moved_event.decoded("dtstart") == dt.datetime(2026, 12, 8, 10, tzinfo=AMSTERDAM)
        # The used link no longer works.
        resident.goto(move_link.group(0).replace(settings.LOKET_BASE_URL.rstrip("/"), ""))
        assert "gebruikt" in resident.locator("main").inner_text()

        # The reminder goes out the day before (the worker's job), once.
        assert send_reminders() == "1 reminder(s)"
        assert send_reminders() == "0 reminder(s)"
        reminder = _mails_to(smtp_server, "anna@example.org")[-1]
        assert "Herinnering" in str(reminder["Subject"])
        assert "dinsdag 8 december 2026 om 10:00" in _text_and_invitation(reminder)[0]

    with time_machine.travel(TUESDAY_0955, tick=True):
        host = browser_context().new_page()
        _login(host, "gastvrouw")
        host.goto("/werkplek/balie/")
        place = appointment.location
        host.get_by_role("link", name=place.name).click()
        day = host.locator("main").inner_text()
        assert appointment.reference in day and "de Vries" in day
        host.get_by_role("button", name="Inchecken").first.click()
        assert "A001" in host.locator("main").inner_text()

        desk = place.desks.order_by("name").last()
        assert desk is not None
        host.goto(f"/werkplek/balie/{place.uuid}/balie/{desk.pk}/")
        host.get_by_role("button", name="Volgende oproepen").click()
        assert "A001" in host.locator("main").inner_text()

        screen = browser_context().new_page()  # the screen in the waiting room: no login
        screen.goto(f"/werkplek/scherm/{place.uuid}")
        shown = screen.locator("body").inner_text()
        assert "A001" in shown and desk.name in shown
        assert "Vries" not in screen.content() and "Paspoort" not in screen.content()

        host.get_by_role("button", name="Aan de balie").click()
        host.get_by_role("button", name="Afronden").click()
        finished = host.locator("main").inner_text()

    ticket = Ticket.objects.get()
    cases = list(ticket.cases.order_by("identification"))
    assert ticket.status == Ticket.Status.DONE and ticket.appointment == appointment
    assert [case.product.slug for case in cases] == ["paspoort", "paspoort"]
    assert all(case.initiator_person == appointment.person for case in cases)
    assert all(case.identification in finished for case in cases)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.DONE
    assert ticket.contact is not None and ticket.contact.channel == "balie"
