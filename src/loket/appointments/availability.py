"""When a location is open and which times are still free (issue 14, "Availability").

A location is open by its weekly hours, except on an Atw holiday (``loket.lib.calendar.holidays``:
art. 3 lid 1 and Good Friday, lid 2) and on a closed exception day; an extra opening adds hours,
also on a holiday. Several rows of hours on one weekday leave a break between them, and an
appointment never spans a break.

Slots start on the location's grid (every ``slot_minutes`` from each opening) and last the
products' lengths added up, rounded up to whole slots. A slot is free at a desk that serves every
product in the booking and holds no appointment overlapping it; its capacity is the number of
such desks.

Times are built in Europe/Amsterdam wall-clock time (09:00 is 09:00 on both sides of a
daylight-saving switch) and then computed in UTC, so an evening opening across the switch lasts
its real length. Written here rather than taken from a library: no scheduling library knows the
Atw calendar, and the rule is a dozen lines.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import BigIntegerField, Func, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.appointments.models import (
    Appointment,
    AppointmentSettings,
    Desk,
    ExceptionDay,
    Location,
    OpeningHours,
)
from loket.catalogue.models import Product
from loket.lib.calendar import AMSTERDAM, holidays, local_date
from loket.tenancy.models import Municipality

# Appointments that hold their desk: everything but a cancelled one.
HOLDING = [
    Appointment.Status.BOOKED,
    Appointment.Status.ARRIVED,
    Appointment.Status.DONE,
    Appointment.Status.NO_SHOW,
]
DEFAULT_RULES = AppointmentSettings()


def rules_for(municipality: Municipality) -> AppointmentSettings:
    found = AppointmentSettings.objects.filter(municipality=municipality).first()
    return found or AppointmentSettings(municipality=municipality)


def line_text(product: Product, persons: int) -> str:
    """``2 \u00d7 Paspoort aanvragen`` (a multiplication sign): how a booking's line reads everywhere."""
    return f"{persons} \u00d7 {product.name}"


@dataclass(frozen=True)
class Need:
    """What a booking asks for: ``(product, persons)`` lines; their minutes add up."""

    lines: tuple[tuple[Product, int], ...]

    @property
    def minutes(self) -> int:
        return sum((product.appointment_minutes or 0) * persons for product, persons in self.lines)

    @property
    def product_ids(self) -> frozenset[int]:
        return frozenset(product.pk for product, _persons in self.lines)

    def describe(self) -> str:
        return ", ".join(line_text(product, persons) for product, persons in self.lines)


@dataclass(frozen=True)
class Slot:
    location: Location
    starts_at: datetime
    ends_at: datetime
    free: int

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(AMSTERDAM)


@dataclass
class Plan:
    """A location's week, exceptions and desks, loaded once per request."""

    location: Location
    hours: dict[int, list[tuple[object, object]]] = field(default_factory=dict)
    exceptions: dict[date, list[ExceptionDay]] = field(default_factory=dict)
    desks: list[tuple[int, frozenset[int]]] = field(default_factory=list)

    @classmethod
    def load(cls, location: Location) -> Plan:
        return cls.load_many([location])[0]

    @classmethod
    def load_many(cls, locations: Sequence[Location]) -> list[Plan]:
        """The plans of several locations in three queries (hours, exceptions, which desk serves
        which product), whatever their number of desks."""
        plans = {location.pk: cls(location) for location in locations}
        for location_id, weekday, opens, closes in OpeningHours.objects.filter(
            location__in=plans
        ).values_list("location_id", "weekday", "opens", "closes"):
            plans[location_id].hours.setdefault(weekday, []).append((opens, closes))
        for exception in ExceptionDay.objects.filter(location__in=plans):
            plans[exception.location_id].exceptions.setdefault(exception.day, []).append(exception)
        served: dict[tuple[int, int], set[int]] = defaultdict(set)
        for location_id, desk_id, product_id in Desk.products.through.objects.filter(
            desk__location__in=plans, desk__is_active=True
        ).values_list("desk__location_id", "desk_id", "product_id"):
            served[(location_id, desk_id)].add(product_id)
        for (location_id, desk_id), products in sorted(served.items()):
            plans[location_id].desks.append((desk_id, frozenset(products)))
        for plan in plans.values():
            for rows in plan.hours.values():
                rows.sort()
        return [plans[location.pk] for location in locations]

    def desks_for(self, need: Need) -> list[int]:
        return [pk for pk, products in self.desks if need.product_ids <= products]

    def closed_because(self, day: date) -> str:
        """Why the location is closed all day, or "" when it opens."""
        exceptions = self.exceptions.get(day, [])
        if any(e.kind == ExceptionDay.Kind.EXTRA for e in exceptions):
            return ""
        closed = [e for e in exceptions if e.kind == ExceptionDay.Kind.CLOSED]
        if closed:
            return closed[0].reason or _("closed that day")
        holiday = holidays(day.year).get(day)
        if holiday:
            return holiday
        if not self.hours.get(day.weekday()):
            return _("closed on that weekday")
        return ""

    def intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The opening intervals of ``day`` in UTC, earliest first."""
        exceptions = self.exceptions.get(day, [])
        if any(e.kind == ExceptionDay.Kind.CLOSED for e in exceptions) or day in holidays(day.year):
            rows = []
        else:
            rows = list(self.hours.get(day.weekday(), []))
        rows += [(e.opens, e.closes) for e in exceptions if e.kind == ExceptionDay.Kind.EXTRA]
        found = []
        for opens, closes in rows:
            start = datetime.combine(day, opens, tzinfo=AMSTERDAM).astimezone(UTC)  # type: ignore[arg-type]
            end_day = day if closes.hour or closes.minute else day + timedelta(days=1)  # type: ignore[attr-defined]
            end = datetime.combine(end_day, closes, tzinfo=AMSTERDAM).astimezone(UTC)  # type: ignore[arg-type]
            if end > start:
                found.append((start, end))
        return sorted(found)

    def starts(self, day: date, minutes: int) -> Iterable[tuple[datetime, datetime]]:
        """Every ``(start, end)`` on the grid of ``day`` that fits ``minutes`` within one
        opening interval."""
        step = timedelta(minutes=self.location.slot_minutes)
        length = step * math.ceil(minutes / self.location.slot_minutes)
        for opens, closes in self.intervals(day):
            moment = opens
            while moment + length <= closes:
                yield moment, moment + length
                moment += step


class EpochSeconds(Func):
    """A moment as whole seconds since 1970 (UTC), computed by the database. Availability reads
    thousands of appointment times per request; integers cost a fraction of what turning each
    into a timezone-aware ``datetime`` costs (that was most of an availability request)."""

    output_field = BigIntegerField()

    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS bigint)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            # '%%%%s' survives two rounds of %-formatting (the template, then the cursor's
            # placeholder style) as strftime's '%s'.
            compiler,
            connection,
            template="CAST(strftime('%%%%s', %(expressions)s) AS integer)",
        )


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


class Busy:
    """The appointments holding the given desks between two moments, for overlap checks; their
    times as epoch seconds."""

    def __init__(
        self, desks: Sequence[int], start: datetime, end: datetime, *, ignore: int | None = None
    ) -> None:
        # An appointment lies within one opening interval, so within a day: the lower bound on
        # ``starts_at`` lets the (desk, starts_at) index skip the desk's past.
        holding = Appointment.objects.filter(
            desk_id__in=desks,
            status__in=HOLDING,
            starts_at__lt=end,
            starts_at__gt=start - timedelta(days=1),
            ends_at__gt=start,
        )
        if ignore is not None:
            holding = holding.exclude(pk=ignore)
        rows = (
            holding.order_by("starts_at")
            .annotate(begins=EpochSeconds("starts_at"), finishes=EpochSeconds("ends_at"))
            .values_list("desk_id", "begins", "finishes")
        )
        starts: dict[int, list[int]] = defaultdict(list)
        ends: dict[int, list[int]] = defaultdict(list)
        # Read on a plain cursor: three integers per row need none of the ORM's converters.
        sql, params = rows.query.sql_with_params()
        with connections[rows.db].cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        for desk, begins, finishes in found:
            starts[desk].append(begins)
            ends[desk].append(finishes)
        self._starts, self._ends = starts, ends

    def taken(self, desk: int) -> Iterable[tuple[int, int]]:
        return zip(self._starts.get(desk, ()), self._ends.get(desk, ()), strict=True)

    def free(self, desk: int, start: datetime, end: datetime) -> bool:
        # Appointments on one desk never overlap, so sorted by start they are sorted by end.
        ends = self._ends.get(desk)
        if not ends:
            return True
        index = bisect_right(ends, _seconds(start))
        return index == len(ends) or self._starts[desk][index] >= _seconds(end)


def serving_locations(municipality: Municipality) -> list[Location]:
    """The active locations where this municipality's residents can book: its own and those of
    others (a shared service) that serve it."""
    return list(
        Location.objects.filter(is_active=True)
        .filter(Q(municipality=municipality) | Q(serves=municipality))
        .distinct()
        .order_by("name")
    )


@dataclass(frozen=True)
class Window:
    """The moments a municipality lets residents book: from ``earliest`` to the end of the day
    ``last_day`` (Europe/Amsterdam)."""

    earliest: datetime
    last_day: date

    @classmethod
    def at(
        cls,
        municipality: Municipality,
        now: datetime | None = None,
        *,
        rules: AppointmentSettings | None = None,
    ) -> Window:
        now = now or timezone.now()
        rules = rules or rules_for(municipality)
        return cls(
            earliest=now + timedelta(hours=rules.earliest_hours),
            last_day=local_date(now) + timedelta(days=rules.latest_days),
        )


def free_slots(
    *,
    municipality: Municipality,
    need: Need,
    days: int = 28,
    start: datetime | None = None,
    locations: Sequence[Location] | None = None,
    limit: int | None = None,
    now: datetime | None = None,
    ignore: int | None = None,
    plans: Sequence[Plan] | None = None,
) -> list[Slot]:
    """The free slots for ``need`` over ``days`` days from ``start`` (default: the earliest
    bookable moment), at every location serving ``municipality`` (or those given, or those
    whose ``plans`` the caller loaded already), earliest first; at most ``limit``. ``ignore``
    leaves one appointment out (the one being moved)."""
    window = Window.at(municipality, now)
    begin = max(start or window.earliest, window.earliest)
    first_day = local_date(begin)
    last_day = min(first_day + timedelta(days=days - 1), window.last_day)
    if need.minutes <= 0 or last_day < first_day:
        return []
    found: list[Slot] = []
    if plans is None:
        chosen = locations if locations is not None else serving_locations(municipality)
        plans = Plan.load_many(chosen)
    for plan in plans:
        found += _location_slots(plan, need, begin, first_day, last_day, ignore)
    found.sort(key=lambda slot: (slot.starts_at, slot.location.name))
    return found[:limit] if limit else found


def _location_slots(
    plan: Plan,
    need: Need,
    begin: datetime,
    first_day: date,
    last_day: date,
    ignore: int | None,
) -> list[Slot]:
    desks = plan.desks_for(need)
    if not desks:
        return []
    location = plan.location
    range_start = datetime.combine(first_day, datetime.min.time(), tzinfo=AMSTERDAM)
    range_end = datetime.combine(
        last_day + timedelta(days=1), datetime.min.time(), tzinfo=AMSTERDAM
    )
    candidates: list[tuple[datetime, datetime]] = []
    day = first_day
    while day <= last_day:
        candidates += [(b, e) for b, e in plan.starts(day, need.minutes) if b >= begin]
        day += timedelta(days=1)
    if not candidates:
        return []
    # Count per candidate start the desks an appointment blocks: a start ``b`` (lasting
    # ``length``) is blocked by a taken interval (s, e) when s - length < b < e. The starts are
    # sorted, so each taken interval marks one range of them (two bisections), instead of every
    # start being checked against every desk.
    starts = [_seconds(b) for b, _e in candidates]
    length = _seconds(candidates[0][1]) - starts[0]
    blocked = [0] * len(candidates)
    busy = Busy(desks, range_start, range_end, ignore=ignore)
    for desk in desks:
        marked: set[int] = set()
        for taken_start, taken_end in busy.taken(desk):
            low = bisect_right(starts, taken_start - length)
            high = bisect_left(starts, taken_end)
            marked.update(range(low, high))
        for index in marked:
            blocked[index] += 1
    total = len(desks)
    return [
        Slot(location, b, e, total - blocked[index])
        for index, (b, e) in enumerate(candidates)
        if blocked[index] < total
    ]


def nearest_per_location(
    *,
    municipality: Municipality,
    need: Need,
    days: int = 28,
    now: datetime | None = None,
    ignore: int | None = None,
) -> list[Slot]:
    """The first free slot at each location, nearest first: what the booking page offers on top.
    ``ignore``: the appointment being moved, whose own time counts as free."""
    first: dict[int, Slot] = {}
    for slot in free_slots(municipality=municipality, need=need, days=days, now=now, ignore=ignore):
        first.setdefault(slot.location.pk, slot)
    return sorted(first.values(), key=lambda slot: slot.starts_at)


def free_desk(
    *,
    location: Location,
    need: Need,
    starts_at: datetime,
    ends_at: datetime,
    ignore: int | None,
    plan: Plan | None = None,
) -> Desk | None:
    """A desk of ``location`` serving ``need`` that is free from ``starts_at`` to ``ends_at``;
    the caller holds the location's lock."""
    plan = plan or Plan.load(location)
    desks = plan.desks_for(need)
    busy = Busy(desks, starts_at, ends_at, ignore=ignore)
    for pk in desks:
        if busy.free(pk, starts_at, ends_at):
            return Desk.objects.get(pk=pk)
    return None
