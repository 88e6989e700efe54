"""The demo's counters (issue 14): every demo municipality can book at a location with desks and
hours, a shared servicepunt serves two of them, and the counter's day list has appointments for
today; the past days were played through the counter, with tickets and the cases opened there."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from loket.accounts.models import Role, User
from loket.accounts.permissions import Action, permitted
from loket.appointments.availability import Need, Plan, free_slots
from loket.appointments.models import (
    Appointment,
    AppointmentSettings,
    Location,
    Ticket,
)
from loket.catalogue.models import Product
from loket.demo.appointments import create_demo_appointments
from loket.demo.demo_data import load_demo
from loket.lib.calendar import AMSTERDAM, local_date
from loket.notifications.models import OutboxMessage
from loket.tenancy.models import Municipality
from tests.accounts import personas

pytestmark = pytest.mark.django_db

# Tuesday 8 December 2026, before the counters open: today's list is all still to come.
TUESDAY = datetime(2026, 12, 8, 8, 30, tzinfo=AMSTERDAM)
# Saturday 5 December 2026: the counters are closed; the next working day is Monday the 7th.
SATURDAY = datetime(2026, 12, 5, 10, 0, tzinfo=AMSTERDAM)


def passport() -> Need:
    return Need(((Product.objects.get(slug="paspoort"), 1),))


def test_every_demo_municipality_books_at_a_counter_with_appointments_today() -> None:
    with time_machine.travel(TUESDAY, tick=False):
        counts = load_demo()
        today = local_date(TUESDAY)
        municipalities = list(Municipality.objects.order_by("slug"))
        assert [m.slug for m in municipalities] == ["beekveld", "lindeoord", "waterdal"]
        for municipality in municipalities:
            own = Location.objects.get(municipality=municipality, name__startswith="Gemeentewinkel")
            assert [desk.name for desk in own.desks.all()] == [f"Balie {n}" for n in range(1, 5)]
            assert own.hours.filter(weekday=3, opens=time(18), closes=time(20)).exists()
            assert AppointmentSettings.objects.filter(municipality=municipality).exists()
            slots = free_slots(municipality=municipality, need=passport(), days=14)
            assert slots, municipality.slug
            assert slots[0].local_start.date() - today < timedelta(days=14)

        # The servicepunt is Beekveld's and serves Lindeoord too: both book there.
        shared = Location.objects.get(name="Servicepunt Lindenwaard")
        lindeoord = Municipality.objects.get(slug="lindeoord")
        assert list(shared.serves.all()) == [lindeoord]
        assert {s.location.name for s in free_slots(municipality=lindeoord, need=passport())} == {
            "Gemeentewinkel Lindeoord",
            "Servicepunt Lindenwaard",
        }
        # Wmo at one desk only; travel documents at all four.
        wmo = Product.objects.get(slug="wmo-ondersteuning")
        assert [d.name for d in shared.desks.filter(products=wmo)] == ["Balie 4"]

        # Today's day list at every location: booked appointments still to come.
        for location in Location.objects.all():
            todays = Appointment.objects.filter(
                location=location,
                starts_at__gte=TUESDAY,
                starts_at__lt=datetime.combine(today + timedelta(days=1), time(), AMSTERDAM),
            )
            assert todays.filter(status=Appointment.Status.BOOKED).exists(), location.name
        assert Appointment.objects.filter(starts_at__gt=TUESDAY + timedelta(days=1)).exists()

        # The last working days went through the counter: served, and some did not come.
        past = Appointment.objects.filter(starts_at__lt=TUESDAY)
        assert not past.filter(status=Appointment.Status.BOOKED).exists()
        assert past.filter(status=Appointment.Status.DONE).exists()
        assert past.filter(status=Appointment.Status.NO_SHOW).exists()
        served = Ticket.objects.filter(status=Ticket.Status.DONE)
        assert served.filter(appointment__isnull=True).exists(), "walk-ins"
        assert served.filter(cases__isnull=False).exists(), "cases opened at the desk"
        assert counts["appointments"] == Appointment.objects.count()
        assert counts["tickets"] == Ticket.objects.count()
        # Booked the way residents book: each one confirmed through the outbox.
        assert (
            OutboxMessage.objects.filter(event="appointment_booked").count()
            == counts["appointments"]
        )

        # Christmas Eve (a Thursday): the morning only, no afternoon and no evening.
        plan = Plan.load(Location.objects.get(name="Gemeentewinkel Waterdal"))
        christmas_eve = date(2026, 12, 24)
        assert plan.intervals(christmas_eve) == [
            (
                datetime(2026, 12, 24, 8, 0, tzinfo=UTC),
                datetime(2026, 12, 24, 11, 30, tzinfo=UTC),
            )
        ]

    # The front office books for callers and serves at the counter, in every municipality.
    clerk = User.objects.get(username="balie")
    assert clerk.role == Role.FRONT_OFFICE
    for municipality in municipalities:
        assert permitted(clerk, Action.BOOK, municipality)
        assert permitted(clerk, Action.COUNTER, municipality)


def test_on_a_saturday_the_next_working_days_list_is_filled() -> None:
    """Without the whole demo: the three demo municipalities, the front office and a few
    residents are enough for the counters."""
    towns = [personas.municipality(slug) for slug in ("waterdal", "beekveld", "lindeoord")]
    personas.staff(Role.FRONT_OFFICE, *towns, username="balie")
    for town in towns:
        for _ in range(40):
            personas.person(town)
    with time_machine.travel(SATURDAY, tick=False):
        counts = create_demo_appointments(towns, rng=random.Random(7), now=SATURDAY)
    assert counts["locations"] == 4
    days = {local_date(a.starts_at) for a in Appointment.objects.all()}
    assert date(2026, 12, 5) not in days and date(2026, 12, 6) not in days
    monday = Appointment.objects.filter(
        starts_at__gte=datetime(2026, 12, 7, tzinfo=AMSTERDAM),
        starts_at__lt=datetime(2026, 12, 8, tzinfo=AMSTERDAM),
    )
    assert monday.count() >= 4 * 3
    assert not monday.exclude(status=Appointment.Status.BOOKED).exists()
    # Friday's were played through the counter.
    friday = Appointment.objects.filter(
        starts_at__gte=datetime(2026, 12, 4, tzinfo=AMSTERDAM),
        starts_at__lt=datetime(2026, 12, 5, tzinfo=AMSTERDAM),
    )
    assert friday.exists()
    assert not friday.filter(status=Appointment.Status.BOOKED).exists()
