"""Booking, moving, cancelling, the links in the mail, the limit per person, and the reminder
(issue 14, items 2 and 4, and "Bad input and races"). Everything through the services, with
time frozen on Monday 7 December 2026 at 08:00."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from icalendar import Calendar

from loket.appointments.availability import Need, free_slots
from loket.appointments.errors import AppointmentRefused, OverLimit, SlotTaken, TokenRefused
from loket.appointments.jobs import mark_no_shows, send_reminders
from loket.appointments.models import Appointment, AppointmentToken, ExceptionDay, Location
from loket.appointments.services import (
    Resident,
    appointment_book,
    appointment_cancel,
    appointment_move,
    slot_refusal,
    token_appointment,
)
from loket.catalogue.models import Product
from loket.lib.calendar import AMSTERDAM
from loket.notifications.models import OutboxMessage
from loket.tenancy.models import Municipality
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messages_in_english() -> object:
    """The refusals are matched in English here; the Dutch ones are checked where it matters."""
    from django.utils import translation

    with translation.override("en"):
        yield


NOW = datetime(2026, 12, 7, 8, 0, tzinfo=AMSTERDAM)
ANNA = Resident(surname="Jansen", first_name="Anna", email="anna@example.org")


@pytest.fixture(autouse=True)
def _frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=AMSTERDAM)


def _book(
    municipality: Municipality,
    location: Location,
    starts_at: datetime,
    lines: list[tuple[Product, int]],
    resident: Resident = ANNA,
) -> Appointment:
    return appointment_book(
        municipality=municipality,
        lines=lines,
        location=location,
        starts_at=starts_at,
        resident=resident,
    )


def _tokens_in(message: OutboxMessage) -> dict[str, str]:
    found = {}
    for line in message.body_text.splitlines():
        for action, word in (("move", "/verzetten/"), ("cancel", "/annuleren/")):
            if word in line:
                found[action] = line.rsplit("/", 1)[1].strip()
    return found


def test_two_passports_and_an_id_card_add_up_and_the_mail_carries_a_valid_invitation(
    municipality_a: Municipality, location: Location, passport: Product, id_card: Product
) -> None:
    appointment = _book(municipality_a, location, at(8, 10), [(passport, 2), (id_card, 1)])
    # 2 * 15 + 15 = 45 minutes, rounded up to five 10-minute slots.
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=50)
    assert appointment.person.surname == "Jansen"
    assert appointment.reference.startswith("AFS-")
    message = OutboxMessage.objects.get(event="appointment_booked")
    assert message.recipient == "anna@example.org"
    assert "dinsdag 8 december 2026" in message.body_text
    lines = "2 \u00d7 Paspoort aanvragen, 1 \u00d7 Identiteitskaart aanvragen"
    assert lines in message.body_text
    assert "Een recente pasfoto" in message.body_text  # what to bring, from the product text
    assert "- Een afspraak" not in message.body_text  # but not "an appointment" itself
    calendar = Calendar.from_ical(message.attachment_text)
    assert message.attachment_name == "afspraak.ics"
    assert str(calendar["method"]) == "PUBLISH"
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("dtstart") == at(8, 10)
    assert event.decoded("dtend") == at(8, 10, 50)
    assert str(event["uid"]).startswith(str(appointment.uuid))
    assert event.decoded("sequence") == 0
    assert "Markt 1" in str(event["location"])


def test_the_move_link_works_once_and_the_invitation_replaces_the_old_one(
    municipality_a: Municipality, location: Location, passport: Product
) -> None:
    appointment = _book(municipality_a, location, at(8, 10), [(passport, 1)])
    links = _tokens_in(OutboxMessage.objects.get(event="appointment_booked"))
    assert token_appointment(token=links["move"], action="move") == appointment
    with pytest.raises(TokenRefused):  # a move link does not cancel
        token_appointment(token=links["move"], action="cancel")
    moved = appointment_move(appointment=appointment, starts_at=at(9, 14), token=links["move"])
    assert moved.starts_at == at(9, 14) and moved.sequence == 1
    with pytest.raises(TokenRefused, match="used"):
        appointment_move(appointment=appointment, starts_at=at(10, 14), token=links["move"])
    with pytest.raises(TokenRefused):  # the first mail's cancel link was replaced too
        token_appointment(token=links["cancel"], action="cancel")
    message = OutboxMessage.objects.get(event="appointment_moved")
    assert "woensdag 9 december 2026" in message.body_text
    event = Calendar.from_ical(message.attachment_text).walk("VEVENT")[0]
    assert event.decoded("sequence") == 1
    assert event.decoded("dtstart") == at(9, 14)
    new_links = _tokens_in(message)
    cancelled = appointment_cancel(appointment=moved, token=new_links["cancel"])
    assert cancelled.status == Appointment.Status.CANCELLED
    ics = Calendar.from_ical(
        OutboxMessage.objects.get(event="appointment_cancelled").attachment_text
    )
    assert str(ics["method"]) == "CANCEL"
    with pytest.raises(TokenRefused):
        token_appointment(token=new_links["move"], action="move")


def test_a_link_expires_when_the_appointment_is_over(
    municipality_a: Municipality, location: Location, passport: Product
) -> None:
    _book(municipality_a, location, at(8, 10), [(passport, 1)])
    links = _tokens_in(OutboxMessage.objects.get(event="appointment_booked"))
    with (
        time_machine.travel(at(8, 10, 20), tick=False),
        pytest.raises(TokenRefused, match="no longer"),
    ):
        token_appointment(token=links["cancel"], action="cancel")
    with pytest.raises(TokenRefused, match="not valid"):
        token_appointment(token="made-up", action="cancel")
    assert AppointmentToken.objects.filter(used_at__isnull=True).count() == 2


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        (datetime(2026, 12, 4, 10, tzinfo=AMSTERDAM), "has passed"),
        (datetime(2026, 12, 7, 9, 0, tzinfo=AMSTERDAM), "at least 2 hours ahead"),
        (datetime(2027, 3, 10, 10, tzinfo=AMSTERDAM), "at most 90 days ahead"),
        (datetime(2026, 12, 25, 10, tzinfo=AMSTERDAM), "Eerste Kerstdag"),
        (datetime(2026, 12, 12, 10, tzinfo=AMSTERDAM), "closed on that weekday"),
        (datetime(2026, 12, 8, 8, 0, tzinfo=AMSTERDAM), "not open at 08:00"),
        (datetime(2026, 12, 8, 13, 0, tzinfo=AMSTERDAM), "not open at 13:00"),
        (datetime(2026, 12, 8, 10, 5, tzinfo=AMSTERDAM), "every 10 minutes"),
        (datetime(2026, 12, 8, 12, 20, tzinfo=AMSTERDAM), "closes at 12:30"),
        (datetime(2026, 12, 10, 10, tzinfo=AMSTERDAM), "Personeelsdag"),
    ],
)
def test_a_time_that_cannot_be_booked_says_why_and_books_nothing(
    starts_at: datetime,
    message: str,
    municipality_a: Municipality,
    location: Location,
    passport: Product,
) -> None:
    ExceptionDay.objects.create(
        location=location,
        day=datetime(2026, 12, 10).date(),
        kind=ExceptionDay.Kind.CLOSED,
        reason="Personeelsdag",
    )
    with pytest.raises(AppointmentRefused, match=message) as refused:
        _book(municipality_a, location, starts_at, [(passport, 1)])
    assert refused.value.field == "slot"
    assert Appointment.objects.count() == 0 and OutboxMessage.objects.count() == 0


def test_the_refusal_is_in_the_residents_language(
    municipality_a: Municipality, location: Location, passport: Product
) -> None:
    from django.utils import translation

    need = Need(((passport, 1),))
    with translation.override("nl"):
        _end, why = slot_refusal(
            municipality=municipality_a, location=location, need=need, starts_at=at(8, 10, 5)
        )
    assert why == "Afspraken beginnen elke 10 minuten."


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "at least one product"),
        ([("paspoort", 11)], "1 to 10 persons"),
        ([("paspoort", 0)], "1 to 10 persons"),
        ([("melding-openbare-ruimte", 1)], "needs no appointment"),
    ],
)
def test_products_that_cannot_be_booked(
    lines: list[tuple[str, int]],
    message: str,
    municipality_a: Municipality,
    location: Location,
) -> None:
    chosen = [(Product.objects.get(slug=slug), persons) for slug, persons in lines]
    with pytest.raises(AppointmentRefused, match=message):
        _book(municipality_a, location, at(8, 10), chosen)
    assert Appointment.objects.count() == 0


def test_a_product_the_municipality_does_not_offer(location: Location, passport: Product) -> None:
    from tests.factories import MunicipalityFactory

    bare = MunicipalityFactory.create(slug="kaal")
    bare_product = (
        Product.objects.filter(package__kind="additional").exclude(appointment_minutes=None).first()
        or Product.objects.filter(package__kind="additional").first()
    )
    assert bare_product is not None
    with pytest.raises(AppointmentRefused, match=r"not offered|needs no appointment"):
        _book(bare, location, at(8, 10), [(bare_product, 1)])


def test_the_limit_per_person_counts_bookings_with_the_same_address(
    municipality_a: Municipality, location: Location, passport: Product
) -> None:
    _book(municipality_a, location, at(8, 10), [(passport, 1)])
    _book(municipality_a, location, at(9, 10), [(passport, 1)])
    same_address = Resident(surname="Jansen-de Vries", email="ANNA@example.org")
    with pytest.raises(OverLimit, match="2 coming appointments"):
        _book(municipality_a, location, at(10, 10), [(passport, 1)], same_address)
    assert Appointment.objects.count() == 2


def test_the_last_place_taken_offers_the_next_free_times(
    municipality_a: Municipality, location: Location, passport: Product
) -> None:
    for number in range(3):  # three desks
        _book(
            municipality_a,
            location,
            at(8, 10),
            [(passport, 1)],
            Resident(surname=f"Bewoner{number}", email=f"b{number}@example.org"),
        )
    with pytest.raises(SlotTaken) as taken:
        _book(municipality_a, location, at(8, 10), [(passport, 1)])
    assert [slot.local_start.strftime("%d %H:%M") for slot in taken.value.alternatives[:2]] == [
        "08 10:20",
        "08 10:30",
    ]
    assert Appointment.objects.count() == 3


def test_staff_booking_registers_the_call_and_needs_the_role(
    municipality_a: Municipality, location: Location, passport: Product
) -> None:
    from loket.accounts.models import Role
    from loket.accounts.permissions import NotPermitted
    from tests.factories import PersonFactory

    person = PersonFactory.create(municipality=municipality_a)
    desk_clerk = StaffFactory.create(role=Role.FRONT_OFFICE, municipalities=[municipality_a])
    appointment = appointment_book(
        municipality=municipality_a,
        lines=[(passport, 1)],
        location=location,
        starts_at=at(8, 10),
        person=person,
        actor=desk_clerk,
        channel="telefoon",
    )
    assert appointment.contact is not None
    assert appointment.contact.channel == "telefoon"
    assert appointment.contact.person == person
    assert "Afspraak gemaakt" in appointment.contact.subject
    case_worker = StaffFactory.create(role=Role.CASE_WORKER, municipalities=[municipality_a])
    with pytest.raises(NotPermitted):
        appointment_book(
            municipality=municipality_a,
            lines=[(passport, 1)],
            location=location,
            starts_at=at(8, 11),
            person=person,
            actor=case_worker,
        )


def test_the_reminder_goes_out_once_the_day_before(
    municipality_a: Municipality, location: Location, passport: Product
) -> None:
    appointment = _book(municipality_a, location, at(9, 10), [(passport, 1)])
    assert send_reminders() == "0 reminder(s)"  # Monday: the appointment is on Wednesday
    with time_machine.travel(at(8, 7), tick=False):
        assert send_reminders() == "1 reminder(s)"
        assert send_reminders() == "0 reminder(s)"
    reminder = OutboxMessage.objects.get(event="appointment_reminder")
    assert "Herinnering" in reminder.subject and "woensdag 9 december 2026" in reminder.body_text
    links = _tokens_in(reminder)
    assert token_appointment(token=links["cancel"], action="cancel") == appointment


def test_an_appointment_nobody_came_to_becomes_a_no_show(
    municipality_a: Municipality, location: Location, passport: Product
) -> None:
    appointment = _book(municipality_a, location, at(8, 10), [(passport, 1)])
    with time_machine.travel(at(8, 12), tick=False):
        assert mark_no_shows() == "1 no-show(s)"
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW


def test_a_moved_appointment_frees_its_old_time(
    municipality_a: Municipality, location: Location, passport: Product
) -> None:
    appointments = [
        _book(
            municipality_a,
            location,
            at(8, 10),
            [(passport, 1)],
            Resident(surname=f"B{n}", email=f"b{n}@example.org"),
        )
        for n in range(3)
    ]
    need = Need(((passport, 1),))
    free_at_ten = [
        s for s in free_slots(municipality=municipality_a, need=need) if s.starts_at == at(8, 10)
    ]
    assert free_at_ten == []
    appointment_move(appointment=appointments[0], starts_at=at(8, 14), by=appointments[0].person)
    free_at_ten = [
        s for s in free_slots(municipality=municipality_a, need=need) if s.starts_at == at(8, 10)
    ]
    assert [slot.free for slot in free_at_ten] == [1]
    with pytest.raises(AppointmentRefused, match="not your appointment"):
        appointment_cancel(appointment=appointments[1], by=appointments[0].person)
