"""The demo's counters (issue 14): a gemeentewinkel per municipality and a shared servicepunt,
their hours, exceptions and desks, each municipality's booking rules, and appointments around
the moment the demo is loaded: served and missed ones on the last working days (with their
tickets and the passport cases opened at the desk), some for today, and booked ones for the
coming days, so the counter day list and the figures have something when a tester opens them.

Every appointment is made the way a real one is: booked through ``appointment_book`` (its
confirmation lands in the outbox), checked in, called, served and finished through the counter
services, each with the moment it happened as ``now``. Nothing here writes an appointment or a
ticket directly."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q

from loket.accounts.models import User
from loket.appointments.availability import Plan
from loket.appointments.counter import (
    ticket_call_next,
    ticket_check_in,
    ticket_finish,
    ticket_no_show,
    ticket_serve,
    ticket_walk_in,
)
from loket.appointments.errors import AppointmentRefused
from loket.appointments.jobs import mark_no_shows
from loket.appointments.models import (
    Appointment,
    AppointmentSettings,
    Desk,
    ExceptionDay,
    Location,
    OpeningHours,
)
from loket.appointments.services import appointment_book
from loket.catalogue.models import Channel, Product
from loket.lib.calendar import AMSTERDAM, holidays, local_date
from loket.parties.models import Person
from loket.tenancy.models import Municipality

# Weekdays 09:00-12:30 and 13:30-17:00 (a lunch break), Thursday also 18:00-20:00.
DAY = ((time(9), time(12, 30)), (time(13, 30), time(17)))
THURSDAY_EVENING = (time(18), time(20))

SOCIAL_DOMAINS = ("zorg", "werk-en-inkomen")


@dataclass(frozen=True)
class DemoLocation:
    name: str
    owner: str  # the municipality's slug
    street: str
    postcode: str
    city: str
    serves: tuple[str, ...] = ()


LOCATIONS = (
    DemoLocation("Gemeentewinkel Waterdal", "waterdal", "Markt 1", "3311 AA", "Waterdal"),
    DemoLocation("Gemeentewinkel Beekveld", "beekveld", "Beekplein 2", "3351 BK", "Beekveld"),
    DemoLocation("Gemeentewinkel Lindeoord", "lindeoord", "Kerkstraat 12", "3371 LK", "Lindeoord"),
    # The shared service's counter near the station: Beekveld's, also for Lindeoord's residents.
    DemoLocation(
        "Servicepunt Lindenwaard",
        "beekveld",
        "Stationsweg 5",
        "3352 SP",
        "Beekveld",
        serves=("lindeoord",),
    ),
)

# Each municipality's booking rules: the small one books further ahead and allows one at a time.
RULES = {
    "waterdal": {
        "earliest_hours": 2,
        "latest_days": 90,
        "per_person_limit": 2,
        "reminder_days_before": 1,
    },
    "beekveld": {
        "earliest_hours": 4,
        "latest_days": 60,
        "per_person_limit": 3,
        "reminder_days_before": 1,
    },
    "lindeoord": {
        "earliest_hours": 24,
        "latest_days": 42,
        "per_person_limit": 1,
        "reminder_days_before": 2,
    },
}

# What residents come for, relative: ((product slug, persons), ...) and its weight.
NEEDS: tuple[tuple[tuple[tuple[str, int], ...], int], ...] = (
    ((("paspoort", 1),), 10),
    ((("identiteitskaart", 1),), 7),
    ((("rijbewijs", 1),), 6),
    ((("paspoort", 2),), 3),
    ((("paspoort", 1), ("identiteitskaart", 1)), 2),
    ((("verhuizing", 1),), 2),
    ((("uittreksel-brp", 1),), 2),
    ((("wmo-ondersteuning", 1),), 1),
)

PAST_WORKING_DAYS = 4  # served and missed appointments on the last working days
COMING_WORKING_DAYS = 10  # booked ones on the coming working days
PER_PAST_DAY = 2
PER_COMING_DAY = 1
TODAY = 5  # today's (or the next working day's) list


@dataclass
class Made:
    appointments: int = 0
    tickets: int = 0


@dataclass
class Counter:
    """What the demo needs while it plays a location's days."""

    clerk: User
    rng: random.Random
    products: dict[str, Product]
    # Every resident comes once, so no booking runs into the per-person limit.
    residents: dict[int, Iterator[Person]]
    made: Made


def create_demo_appointments(
    municipalities: list[Municipality], *, rng: random.Random, now: datetime
) -> dict[str, int]:
    """The counters and their appointments for the demo municipalities; returns the counts."""
    by_slug = {m.slug: m for m in municipalities}
    for slug, rules in RULES.items():
        if slug in by_slug:
            AppointmentSettings.objects.create(municipality=by_slug[slug], **rules)
    locations = [
        _create_location(spec, by_slug, now) for spec in LOCATIONS if spec.owner in by_slug
    ]
    residents: dict[int, Iterator[Person]] = {}
    for municipality in municipalities:
        reachable = list(
            Person.objects.filter(municipality=municipality)
            .filter(~Q(email="") | ~Q(phone=""))
            .select_related("municipality")
            .order_by("pk")
        )
        rng.shuffle(reachable)
        residents[municipality.pk] = iter(reachable)
    counter = Counter(
        clerk=User.objects.get(username="balie"),
        rng=rng,
        products={p.slug: p for p in Product.objects.all()},
        residents=residents,
        made=Made(),
    )
    for location in locations:
        _play(location, counter, now)
    # The job the worker runs: what nobody came to, an hour after it ended, is a no-show.
    mark_no_shows()
    return {
        "locations": len(locations),
        "appointments": counter.made.appointments,
        "tickets": counter.made.tickets,
    }


def _create_location(
    spec: DemoLocation, by_slug: dict[str, Municipality], now: datetime
) -> Location:
    location = Location.objects.create(
        municipality=by_slug[spec.owner],
        name=spec.name,
        street=spec.street,
        postcode=spec.postcode,
        city=spec.city,
    )
    location.serves.set([by_slug[slug] for slug in spec.serves if slug in by_slug])
    hours = [(weekday, opens, closes) for weekday in range(5) for opens, closes in DAY]
    hours.append((3, *THURSDAY_EVENING))
    OpeningHours.objects.bulk_create(
        OpeningHours(location=location, weekday=weekday, opens=opens, closes=closes)
        for weekday, opens, closes in hours
    )
    ExceptionDay.objects.bulk_create(_exceptions(location, local_date(now)))
    bookable = Product.objects.filter(appointment_minutes__isnull=False, is_active=True)
    civil = list(bookable.filter(domain=Product.Domain.CIVIL_AFFAIRS))
    social = list(bookable.filter(domain__in=SOCIAL_DOMAINS))
    for number in range(1, 5):
        desk = Desk.objects.create(location=location, name=f"Balie {number}")
        desk.products.set(civil + social if number == 4 else civil)
    return location


def _exceptions(location: Location, today: date) -> list[ExceptionDay]:
    """Christmas Eve and New Year's Eve: open in the morning only (closed for the day, with an
    extra opening in the morning); and one extra Saturday morning for travel documents, three
    weeks or more from now."""
    rows = []
    for day_of_month, reason in ((24, "Kerstavond"), (31, "Oudejaarsdag")):
        day = date(today.year, 12, day_of_month)
        if day < today:
            day = date(today.year + 1, 12, day_of_month)
        if day.weekday() >= 5:
            continue
        rows.append(
            ExceptionDay(
                location=location,
                day=day,
                kind=ExceptionDay.Kind.CLOSED,
                reason=f"{reason}: 's middags gesloten",
            )
        )
        rows.append(
            ExceptionDay(
                location=location,
                day=day,
                kind=ExceptionDay.Kind.EXTRA,
                opens=time(9),
                closes=time(12, 30),
                reason=f"{reason}: alleen 's ochtends open",
            )
        )
    saturday = today + timedelta(days=21 + (5 - today.weekday()) % 7)
    while not _ordinary(saturday):
        saturday += timedelta(days=7)
    rows.append(
        ExceptionDay(
            location=location,
            day=saturday,
            kind=ExceptionDay.Kind.EXTRA,
            opens=time(10),
            closes=time(13),
            reason="Extra zaterdagochtend voor reisdocumenten",
        )
    )
    return rows


def _ordinary(day: date) -> bool:
    """Not a holiday, nor in the Christmas holidays (from 20 December to 6 January)."""
    christmas = (day.month, day.day) >= (12, 20) or (day.month, day.day) <= (1, 6)
    return not christmas and day not in holidays(day.year)


def _open_days(plan: Plan, start: date, step: int, count: int) -> list[date]:
    """``count`` days on which the location opens, from ``start`` on (``step`` 1) or back from
    it (``step`` -1), in date order."""
    found: list[date] = []
    day = start
    while len(found) < count:
        if plan.intervals(day):
            found.append(day)
        day += timedelta(days=step)
    return sorted(found)


def _play(location: Location, counter: Counter, now: datetime) -> None:
    """Book the location's appointments, then play its counter up to ``now`` in the order
    things happened: check-ins, calls, serving and finishing, and a walk-in each past day."""
    location = Location.objects.prefetch_related("hours", "exceptions", "desks__products").get(
        pk=location.pk
    )
    plan = Plan.load(location)
    served = [location.municipality_id, *location.serves.values_list("pk", flat=True)]
    today = local_date(now)
    past = _open_days(plan, today - timedelta(days=1), -1, PAST_WORKING_DAYS)
    # Today's list, or the next working day's when the location is closed today.
    first = _open_days(plan, today, 1, 1)[0]
    coming = _open_days(plan, first + timedelta(days=1), 1, COMING_WORKING_DAYS)
    days = [(day, PER_PAST_DAY) for day in past]
    days += [(first, TODAY), *((day, PER_COMING_DAY) for day in coming)]

    events: list[tuple[datetime, Appointment | None]] = []
    for day, count in days:
        for _ in range(count):
            municipality = counter.rng.choice(served)
            appointment = _book(plan, day, municipality, counter)
            if appointment is not None:
                events.append((appointment.starts_at, appointment))
    events += [(datetime.combine(day, time(12, 5), tzinfo=AMSTERDAM), None) for day in past]
    events.sort(key=lambda event: event[0])
    walk_in_desk = location.desks.get(name="Balie 1")
    for moment, appointment in events:
        if moment + timedelta(minutes=30) > now:
            continue
        if appointment is None:
            _walk_in(location, walk_in_desk, moment, counter)
        else:
            _visit(appointment, counter)


def _book(plan: Plan, day: date, municipality: int, counter: Counter) -> Appointment | None:
    """Book one appointment some days before its time, as a resident on the web or the front
    office on the phone would have (the call is then registered as a contact). None when the
    demo ran out of residents or drew a time already taken."""
    rng = counter.rng
    need = rng.choices([need for need, _w in NEEDS], [w for _need, w in NEEDS])[0]
    lines = [(counter.products[slug], persons) for slug, persons in need]
    minutes = sum((product.appointment_minutes or 0) * persons for product, persons in lines)
    starts = [begins for begins, _ends in plan.starts(day, minutes)]
    person = next(counter.residents[municipality], None)
    if not starts or person is None:
        return None
    starts_at = rng.choice(starts)
    phone = rng.random() < 0.3
    try:
        appointment = appointment_book(
            municipality=person.municipality,
            lines=lines,
            location=plan.location,
            starts_at=starts_at,
            channel=Channel.PHONE if phone else Channel.WEB,
            person=person,
            actor=counter.clerk if phone else None,
            now=starts_at - timedelta(days=rng.randint(2, 12), hours=rng.randint(0, 6)),
        )
    except AppointmentRefused:
        return None
    counter.made.appointments += 1
    return appointment


def _visit(appointment: Appointment, counter: Counter) -> None:
    """Most residents come: checked in a few minutes early, called at their time, served and
    finished (a passport application opens its case). One in twelve never comes (the no-show
    job marks it); one in twenty-five is called but does not come to the desk."""
    rng, clerk = counter.rng, counter.clerk
    draw = rng.random()
    if draw < 1 / 12:
        return
    start = appointment.starts_at
    ticket_check_in(
        appointment=appointment, actor=clerk, now=start - timedelta(minutes=rng.randint(2, 12))
    )
    counter.made.tickets += 1
    called_at = start + timedelta(minutes=rng.randint(0, 8))
    called = ticket_call_next(desk=appointment.desk, actor=clerk, now=called_at)
    assert called is not None  # the ticket just checked in is the only one waiting
    if draw < 1 / 12 + 1 / 25:
        ticket_no_show(ticket=called, actor=clerk, now=called_at + timedelta(minutes=3))
        return
    serving = ticket_serve(ticket=called, actor=clerk, now=called_at + timedelta(minutes=1))
    length = timedelta(minutes=appointment.minutes + rng.randint(-4, 6))
    ticket_finish(ticket=serving, actor=clerk, now=called_at + length)


def _walk_in(location: Location, desk: Desk, arrived: datetime, counter: Counter) -> None:
    """A resident without an appointment asks for an extract of the BRP at lunchtime (which
    opens a case in their name); the first desk serves them."""
    rng, clerk = counter.rng, counter.clerk
    person = next(counter.residents[location.municipality_id], None)
    if person is None:
        return
    ticket_walk_in(
        location=location,
        product=counter.products["uittreksel-brp"],
        person=person,
        actor=clerk,
        now=arrived,
    )
    counter.made.tickets += 1
    called_at = arrived + timedelta(minutes=rng.randint(3, 15))
    called = ticket_call_next(desk=desk, actor=clerk, now=called_at)
    assert called is not None  # the walk-in is the only one waiting
    serving = ticket_serve(ticket=called, actor=clerk, now=called_at + timedelta(minutes=1))
    ticket_finish(ticket=serving, actor=clerk, now=called_at + timedelta(minutes=6))
