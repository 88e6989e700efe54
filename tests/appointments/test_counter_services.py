"""The counter day's services (issue 14, item 6): ticket numbers, the calling order, serving,
no-shows and finishing, which registers a counter contact and opens the passport cases."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from loket.accounts.models import Role, User
from loket.appointments.counter import (
    display_state,
    ticket_call_next,
    ticket_check_in,
    ticket_finish,
    ticket_no_show,
    ticket_serve,
    ticket_walk_in,
)
from loket.appointments.errors import CounterRefused
from loket.appointments.models import Appointment, Location, Ticket
from loket.appointments.services import Resident, appointment_book
from loket.cases.models import Case
from loket.catalogue.models import Product
from loket.contacts.models import Contact
from loket.lib.calendar import AMSTERDAM
from loket.tenancy.models import Municipality
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messages_in_english() -> object:
    """The refusals are matched in English here; the Dutch ones are checked where it matters."""
    from django.utils import translation

    with translation.override("en"):
        yield


def at(hour: int, minute: int = 0, day: int = 8) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=AMSTERDAM)


@pytest.fixture
def host(municipality_a: Municipality) -> User:
    return StaffFactory.create(role=Role.FRONT_OFFICE, municipalities=[municipality_a])


def _book(
    municipality: Municipality, location: Location, starts_at: datetime, product: Product, n: int
) -> Appointment:
    with time_machine.travel(at(8, day=7), tick=False):
        return appointment_book(
            municipality=municipality,
            lines=[(product, n)],
            location=location,
            starts_at=starts_at,
            resident=Resident(
                surname=f"Bezoeker {starts_at:%H%M}", email=f"{starts_at:%H%M}@example.org"
            ),
        )


def test_a_visit_from_check_in_to_two_passport_cases(
    municipality_a: Municipality, location: Location, passport: Product, host: User
) -> None:
    appointment = _book(municipality_a, location, at(10), passport, 2)
    desk = location.desks.get(name="Balie 2")
    with time_machine.travel(at(9, 52), tick=False):
        ticket = ticket_check_in(appointment=appointment, actor=host)
        assert ticket.code == "A001"
        with pytest.raises(CounterRefused, match="only a booked one"):
            ticket_check_in(appointment=appointment, actor=host)
    with time_machine.travel(at(10, 1), tick=False):
        called = ticket_call_next(desk=desk, actor=host)
        assert called == ticket
        assert [(c.code, c.desk) for c in display_state(location)] == [("A001", "Balie 2")]
        with pytest.raises(CounterRefused, match="Finish ticket A001 first"):
            ticket_call_next(desk=desk, actor=host)
        ticket_serve(ticket=ticket, actor=host)
    with time_machine.travel(at(10, 18), tick=False):
        done = ticket_finish(ticket=ticket, actor=host, note="Twee paspoorten, kinderen mee")
    assert done.status == Ticket.Status.DONE
    cases = list(done.cases.all())
    assert len(cases) == 2
    assert {case.product.slug for case in cases} == {"paspoort"}
    assert all(case.initiator_person == appointment.person for case in cases)
    assert all(case.channel == "balie" for case in cases)
    assert Case.objects.filter(tickets__appointment=appointment).count() == 2
    contact = done.contact
    assert isinstance(contact, Contact)
    assert contact.channel == "balie" and contact.outcome == "case_created"
    assert contact.case in cases
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.DONE
    assert display_state(location) == []  # finished tickets leave the screen


def test_the_calling_order(
    municipality_a: Municipality, location: Location, passport: Product, host: User
) -> None:
    """At 10:05: the 10:00 appointment (its time has come) first, then the walk-in who came at
    09:40, then the resident who came early for 10:30."""
    due = _book(municipality_a, location, at(10), passport, 1)
    early = _book(municipality_a, location, at(10, 30), passport, 1)
    with time_machine.travel(at(9, 40), tick=False):
        walk_in = ticket_walk_in(location=location, product=passport, actor=host)
    with time_machine.travel(at(9, 50), tick=False):
        early_ticket = ticket_check_in(appointment=early, actor=host)
        due_ticket = ticket_check_in(appointment=due, actor=host)
    assert [walk_in.code, early_ticket.code, due_ticket.code] == ["W001", "A002", "A003"]
    desks = list(location.desks.all())
    with time_machine.travel(at(10, 5), tick=False):
        order = [ticket_call_next(desk=desk, actor=host) for desk in desks]
    assert [ticket.code if ticket else None for ticket in order] == ["A003", "W001", "A002"]


def test_a_walk_in_without_a_resident_cannot_open_a_case_and_a_no_show(
    municipality_a: Municipality, location: Location, passport: Product, host: User
) -> None:
    desk = location.desks.first()
    assert desk is not None
    with time_machine.travel(at(11), tick=False):
        walk_in = ticket_walk_in(location=location, product=passport, actor=host)
        ticket_call_next(desk=desk, actor=host)
        with pytest.raises(CounterRefused, match="Find or register the resident"):
            ticket_finish(ticket=walk_in, actor=host)
        gone = ticket_no_show(ticket=walk_in, actor=host)
    assert gone.status == Ticket.Status.NO_SHOW
    assert Case.objects.count() == 0


def test_serving_at_the_counter_needs_the_role(
    municipality_a: Municipality, location: Location, passport: Product
) -> None:
    from loket.accounts.permissions import NotPermitted

    case_worker = StaffFactory.create(role=Role.CASE_WORKER, municipalities=[municipality_a])
    with pytest.raises(NotPermitted):
        ticket_walk_in(location=location, product=passport, actor=case_worker)
