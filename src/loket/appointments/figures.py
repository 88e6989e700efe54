"""Figures on appointments and the counter, for steering (issue 14, "Figures"): read-only
selectors over a period of Amsterdam days ``[start, end]`` (both included), for the appointments
of one municipality or those at one location.

Each figure carries ``statement``: what it counts, in plain words, so a table never shows a
number whose meaning the reader has to guess. The page (``loket.workbench.counter_figures``)
shows them; who may see them is its business (the role's ``figures`` in the municipality).

Percentiles are *nearest rank*: the 90th percentile is the smallest waiting time that at least
nine in ten residents did not exceed, so "nine in ten waited at most p90 minutes" is true of
the data (an interpolated value can be a wait nobody had). The median is the middle value, or
the mean of the two middle values.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.appointments.availability import Need, Plan, free_slots, rules_for
from loket.appointments.models import Appointment, Desk, Location, Ticket
from loket.catalogue.models import Channel, Product
from loket.lib.calendar import AMSTERDAM, local_date
from loket.tenancy.models import Municipality

PUNCTUAL_MINUTES = 5  # called no later than this after the appointment's start: on time
# How far ahead the first free time is looked for, in widening steps (most are found soon).
_SEARCH_STEPS = (7, 28)


@dataclass(frozen=True)
class Scope:
    """Whose figures: a municipality's appointments, or (``location`` set) those at one
    location. Tickets follow the same scope: the municipality's, or the location's."""

    municipality: Municipality
    location: Location | None = None


@dataclass(frozen=True)
class Share:
    part: int
    whole: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.part / self.whole) if self.whole else None


@dataclass(frozen=True)
class Waiting:
    count: int
    median: float | None  # minutes
    p90: float | None  # minutes
    statement: str


@dataclass(frozen=True)
class Punctuality:
    share: Share
    statement: str


@dataclass(frozen=True)
class NoShows:
    share: Share
    statement: str


@dataclass(frozen=True)
class ChannelRow:
    channel: str
    label: str
    count: int


@dataclass(frozen=True)
class Bookings:
    rows: list[ChannelRow]
    total: int
    cancelled: int
    statement: str


@dataclass(frozen=True)
class DeskRow:
    location: Location
    desk: Desk
    booked_minutes: int
    open_minutes: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.booked_minutes / self.open_minutes) if self.open_minutes else None


@dataclass(frozen=True)
class Utilisation:
    rows: list[DeskRow]
    statement: str


@dataclass(frozen=True)
class FirstFreeRow:
    location: Location
    product: Product
    days: int | None  # None: no free time within the booking window
    starts_at: datetime | None


@dataclass(frozen=True)
class FirstFree:
    rows: list[FirstFreeRow]
    on: date
    statement: str


@dataclass(frozen=True)
class AppointmentFigures:
    start: date
    end: date
    waiting: Waiting
    punctuality: Punctuality
    no_shows: NoShows
    bookings: Bookings
    utilisation: Utilisation
    first_free: FirstFree


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as moments: from ``start`` 00:00 to the midnight after ``end`` (Amsterdam)."""
    return (
        datetime.combine(start, time(0), tzinfo=AMSTERDAM),
        datetime.combine(end + timedelta(days=1), time(0), tzinfo=AMSTERDAM),
    )


def scope_locations(scope: Scope) -> list[Location]:
    """The locations a scope covers: the one chosen, or those the municipality owns or is
    served by (a shared service's counter), active or not: figures look back."""
    if scope.location is not None:
        return [scope.location]
    municipality = scope.municipality
    return list(
        Location.objects.filter(Q(municipality=municipality) | Q(serves=municipality))
        .distinct()
        .prefetch_related("hours", "exceptions", "desks__products")
        .order_by("name")
    )


def _appointments(scope: Scope) -> QuerySet[Appointment]:
    if scope.location is not None:
        return Appointment.objects.filter(location=scope.location)
    return Appointment.objects.filter(municipality=scope.municipality)


def _tickets(scope: Scope) -> QuerySet[Ticket]:
    if scope.location is not None:
        return Ticket.objects.filter(location=scope.location)
    return Ticket.objects.filter(municipality=scope.municipality)


def median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest rank: the smallest value that at least ``share`` of the values do not exceed."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(share * len(ordered)), 1)
    return float(ordered[rank - 1])


def waiting_time(scope: Scope, start: date, end: date) -> Waiting:
    rows = (
        _tickets(scope)
        .filter(day__gte=start, day__lte=end, called_at__isnull=False)
        .values_list("checked_in_at", "called_at")
    )
    minutes = [
        max((called - arrived).total_seconds() / 60, 0.0)
        for arrived, called in rows
        if called is not None  # filtered above; the column may be null
    ]
    return Waiting(
        count=len(minutes),
        median=median(minutes),
        p90=percentile(minutes, 0.9),
        statement=_(
            "From taking a ticket (check-in) to being called to a desk, for every ticket called"
            " in the period, with or without an appointment. Half waited at most the median;"
            " nine in ten at most the 90th percentile."
        ),
    )


def punctuality(scope: Scope, start: date, end: date) -> Punctuality:
    begin, finish = _bounds(start, end)
    rows = (
        _appointments(scope)
        .filter(starts_at__gte=begin, starts_at__lt=finish, ticket__isnull=False)
        .values_list("starts_at", "ticket__checked_in_at", "ticket__called_at")
    )
    grace = timedelta(minutes=PUNCTUAL_MINUTES)
    early = [(starts, called) for starts, arrived, called in rows if arrived <= starts]
    on_time = sum(1 for starts, called in early if called is not None and called <= starts + grace)
    return Punctuality(
        share=Share(on_time, len(early)),
        statement=_(
            "Of the residents with an appointment in the period who checked in no later than"
            " its start: how many were called at most %(minutes)d minutes after that start."
        )
        % {"minutes": PUNCTUAL_MINUTES},
    )


def no_shows(scope: Scope, start: date, end: date, *, now: datetime | None = None) -> NoShows:
    now = now or timezone.now()
    begin, finish = _bounds(start, end)
    passed = (
        _appointments(scope)
        .filter(starts_at__gte=begin, starts_at__lt=finish, ends_at__lte=now)
        .exclude(status=Appointment.Status.CANCELLED)
    )
    return NoShows(
        share=Share(passed.filter(status=Appointment.Status.NO_SHOW).count(), passed.count()),
        statement=_(
            "Of the appointments in the period that were not cancelled and whose time has"
            " passed: how many the resident did not come to."
        ),
    )


def bookings(scope: Scope, start: date, end: date) -> Bookings:
    begin, finish = _bounds(start, end)
    made = _appointments(scope).filter(created_at__gte=begin, created_at__lt=finish)
    per_channel = Counter(made.values_list("channel", flat=True))
    labels = dict(Channel.choices)
    rows = [
        ChannelRow(channel=str(value), label=str(labels[value]), count=per_channel[value])
        for value in Channel.values
        if per_channel[value]
    ]
    return Bookings(
        rows=rows,
        total=sum(per_channel.values()),
        cancelled=made.filter(status=Appointment.Status.CANCELLED).count(),
        statement=_(
            "Appointments made in the period (whatever day they are for), by the way they were"
            " booked, including those cancelled later; cancelled: how many of them were."
        ),
    )


def utilisation(scope: Scope, start: date, end: date) -> Utilisation:
    """Booked minutes per desk over the location's open minutes: one desk is open whenever
    its location is (``Plan.intervals`` per day: hours, breaks, holidays, exceptions)."""
    begin, finish = _bounds(start, end)
    rows = []
    for location in scope_locations(scope):
        plan = Plan.load(location)
        open_minutes = 0
        day = start
        while day <= end:
            open_minutes += sum(
                int((closes - opens).total_seconds() // 60) for opens, closes in plan.intervals(day)
            )
            day += timedelta(days=1)
        booked: dict[int, int] = defaultdict(int)
        held = (
            Appointment.objects.filter(
                location=location, starts_at__gte=begin, starts_at__lt=finish
            )
            .exclude(status=Appointment.Status.CANCELLED)
            .values_list("desk_id", "starts_at", "ends_at")
        )
        for desk_id, starts, ends in held:
            booked[desk_id] += int((ends - starts).total_seconds() // 60)
        for desk in location.desks.all():
            if desk.is_active or booked[desk.pk]:
                rows.append(DeskRow(location, desk, booked[desk.pk], open_minutes))
    return Utilisation(
        rows=rows,
        statement=_(
            "Minutes booked at each desk for appointments in the period that were not"
            " cancelled, out of the minutes its location was open then (breaks, holidays and"
            " closed days left out). Appointments of every municipality the location serves"
            " count."
        ),
    )


def first_free(scope: Scope, *, now: datetime | None = None) -> FirstFree:
    """For each location and each product it takes appointments for: how many days from today
    until the first time free for one person (``free_slots``, limit 1), within the booking
    window of the scope's municipality."""
    now = now or timezone.now()
    today = local_date(now)
    municipality = scope.municipality
    window = rules_for(municipality).latest_days + 1
    products = list(
        Product.objects.offered_in(municipality).filter(appointment_minutes__gt=0).order_by("slug")
    )
    rows = []
    for location in scope_locations(scope):
        plan = Plan.load(location)
        for product in products:
            need = Need(((product, 1),))
            if not plan.desks_for(need):
                continue
            found = None
            for days in (*_SEARCH_STEPS, window):
                slots = free_slots(
                    municipality=municipality,
                    need=need,
                    days=min(days, window),
                    locations=[location],
                    limit=1,
                    now=now,
                )
                if slots:
                    found = slots[0]
                    break
            rows.append(
                FirstFreeRow(
                    location=location,
                    product=product,
                    days=(local_date(found.starts_at) - today).days if found else None,
                    starts_at=found.starts_at if found else None,
                )
            )
    return FirstFree(
        rows=rows,
        on=today,
        statement=_(
            "Today, not in the period: the number of days until the first free time for one"
            " person, per location and product (0: still today). Empty: nothing free within"
            " the booking window."
        ),
    )


def appointment_figures(
    scope: Scope, *, start: date, end: date, now: datetime | None = None
) -> AppointmentFigures:
    """Every figure for the days ``start`` up to and including ``end``."""
    return AppointmentFigures(
        start=start,
        end=end,
        waiting=waiting_time(scope, start, end),
        punctuality=punctuality(scope, start, end),
        no_shows=no_shows(scope, start, end, now=now),
        bookings=bookings(scope, start, end),
        utilisation=utilisation(scope, start, end),
        first_free=first_free(scope, now=now),
    )
