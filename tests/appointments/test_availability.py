"""Availability, table-driven (issue 14, "Done means"): opening hours with a lunch break, a
weekday the location is closed, exceptions (a closed day, an extra evening, an extra opening on
a holiday), King's Day (and the 26th when the 27th is a Sunday), the booking window, desks that
are taken or do not serve the products, and both daylight-saving switches.

The Stadswinkel (conftest) is open on weekdays 09:00-12:30 and 13:30-17:00 on a 10-minute grid
with three desks. One passport is 15 minutes, so it takes two slots (20 minutes); two passports
and an ID card take 45 minutes, so five slots (50 minutes). Every expected list below was counted
by hand from those hours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from loket.appointments.availability import Need, free_slots
from loket.appointments.models import Appointment, AppointmentSettings, ExceptionDay, Location
from loket.catalogue.models import Product
from loket.lib.calendar import AMSTERDAM
from loket.parties.models import Person
from loket.tenancy.models import Municipality
from tests.appointments.conftest import make_location

pytestmark = pytest.mark.django_db


def _times(start: str, end: str, step: int = 10) -> list[str]:
    """``["09:00", "09:10", ...]`` up to and including ``end``."""
    moment = datetime.strptime(start, "%H:%M")
    last = datetime.strptime(end, "%H:%M")
    found = []
    while moment <= last:
        found.append(moment.strftime("%H:%M"))
        moment += timedelta(minutes=step)
    return found


@dataclass
class Case:
    name: str
    now: datetime  # local
    day: date
    expected: list[str]  # local start times on ``day``, in order
    products: tuple[tuple[str, int], ...] = (("paspoort", 1),)
    setup: Callable[[Location, Municipality], None] = field(default=lambda location, m: None)


def _closed(day: date, reason: str) -> Callable[[Location, Municipality], None]:
    def setup(location: Location, municipality: Municipality) -> None:
        ExceptionDay.objects.create(
            location=location, day=day, kind=ExceptionDay.Kind.CLOSED, reason=reason
        )

    return setup


def _extra(day: date, opens: time, closes: time) -> Callable[[Location, Municipality], None]:
    def setup(location: Location, municipality: Municipality) -> None:
        ExceptionDay.objects.create(
            location=location, day=day, kind=ExceptionDay.Kind.EXTRA, opens=opens, closes=closes
        )

    return setup


def _saturdays(location: Location, municipality: Municipality) -> None:
    location.hours.create(weekday=5, opens=time(10), closes=time(12))


def _taken_at_nine(location: Location, municipality: Municipality) -> None:
    person = Person.objects.create(municipality=municipality, surname="Bezet")
    for desk in location.desks.all():
        Appointment.objects.create(
            municipality=municipality,
            reference=f"AFS-BEZET{desk.pk}",
            location=location,
            desk=desk,
            starts_at=datetime(2027, 1, 11, 9, tzinfo=AMSTERDAM),
            ends_at=datetime(2027, 1, 11, 9, 20, tzinfo=AMSTERDAM),
            channel="web",
            person=person,
            created_at=datetime(2027, 1, 4, tzinfo=UTC),
        )


def _window_30_days(location: Location, municipality: Municipality) -> None:
    AppointmentSettings.objects.create(municipality=municipality, latest_days=30)


MONDAY = date(2027, 1, 11)
A_WEEK_BEFORE = datetime(2027, 1, 4, 8, 0, tzinfo=AMSTERDAM)
PASSPORT_DAY = _times("09:00", "12:10") + _times("13:30", "16:40")

CASES = [
    Case("an ordinary Monday, one passport", A_WEEK_BEFORE, MONDAY, PASSPORT_DAY),
    Case(
        "two passports and an ID card (50 minutes) never span the lunch break",
        A_WEEK_BEFORE,
        MONDAY,
        _times("09:00", "11:40") + _times("13:30", "16:10"),
        products=(("paspoort", 2), ("identiteitskaart", 1)),
    ),
    Case("a Saturday: closed that weekday", A_WEEK_BEFORE, date(2027, 1, 9), []),
    Case(
        "a closed exception day",
        A_WEEK_BEFORE,
        MONDAY,
        [],
        setup=_closed(MONDAY, "Personeelsdag"),
    ),
    Case(
        "an extra Thursday evening adds 18:00-20:00",
        A_WEEK_BEFORE,
        date(2027, 1, 14),
        PASSPORT_DAY + _times("18:00", "19:40"),
        setup=_extra(date(2027, 1, 14), time(18), time(20)),
    ),
    Case(
        "King's Day 2027 (Tuesday 27 April) is an Atw holiday: closed",
        datetime(2027, 4, 20, 8, tzinfo=AMSTERDAM),
        date(2027, 4, 27),
        [],
    ),
    Case(
        "the day after King's Day is an ordinary Wednesday",
        datetime(2027, 4, 20, 8, tzinfo=AMSTERDAM),
        date(2027, 4, 28),
        PASSPORT_DAY,
    ),
    Case(
        "King's Day 2031: the 27th is a Sunday, so Saturday the 26th is the holiday",
        datetime(2031, 4, 20, 8, tzinfo=AMSTERDAM),
        date(2031, 4, 26),
        [],
        setup=_saturdays,
    ),
    Case(
        "an ordinary Saturday at a location open on Saturdays",
        datetime(2031, 4, 10, 8, tzinfo=AMSTERDAM),
        date(2031, 4, 19),
        _times("10:00", "11:40"),
        setup=_saturdays,
    ),
    Case(
        "Liberation Day (5 May, every year under the Atw) opened by an extra opening only",
        datetime(2027, 4, 28, 8, tzinfo=AMSTERDAM),
        date(2027, 5, 5),
        _times("10:00", "11:40"),
        setup=_extra(date(2027, 5, 5), time(10), time(12)),
    ),
    Case(
        "booking at least two hours ahead: at 10:05 the first slot is 12:10",
        datetime(2027, 1, 11, 10, 5, tzinfo=AMSTERDAM),
        MONDAY,
        ["12:10", *_times("13:30", "16:40")],
    ),
    Case(
        "beyond the booking window (30 days): nothing",
        A_WEEK_BEFORE,
        date(2027, 2, 8),
        [],
        setup=_window_30_days,
    ),
    Case(
        "every desk taken 09:00-09:20: the first free start is 09:20",
        A_WEEK_BEFORE,
        MONDAY,
        PASSPORT_DAY[2:],
        setup=_taken_at_nine,
    ),
    Case(
        "a product no desk here serves: nothing",
        A_WEEK_BEFORE,
        MONDAY,
        [],
        products=(("huwelijk", 1),),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_free_times(case: Case, municipality_a: Municipality) -> None:
    location = make_location(municipality_a)
    case.setup(location, municipality_a)
    need = Need(tuple((Product.objects.get(slug=slug), persons) for slug, persons in case.products))
    with time_machine.travel(case.now, tick=False):
        slots = free_slots(municipality=municipality_a, need=need, days=60)
    on_day = [slot for slot in slots if slot.local_start.date() == case.day]
    assert [slot.local_start.strftime("%H:%M") for slot in on_day] == case.expected


@pytest.mark.parametrize(
    ("day", "utc_nine"),
    [
        # (Good Friday and Easter Monday 2027 fall on either side of the spring switch.)
        (date(2027, 3, 25), "08:00"),  # Thursday before the spring switch: CET, UTC+1
        (date(2027, 3, 30), "07:00"),  # Tuesday after: CEST, UTC+2
        (date(2027, 10, 29), "07:00"),  # Friday before the autumn switch: CEST
        (date(2027, 11, 1), "08:00"),  # Monday after: CET again
    ],
)
def test_nine_o_clock_is_nine_on_both_sides_of_a_switch(
    day: date, utc_nine: str, municipality_a: Municipality
) -> None:
    make_location(municipality_a)
    need = Need(((Product.objects.get(slug="paspoort"), 1),))
    with time_machine.travel(datetime(2027, 3, 1, tzinfo=AMSTERDAM), tick=False):
        slots = free_slots(
            municipality=municipality_a,
            need=need,
            start=datetime.combine(day, time(0), tzinfo=AMSTERDAM),
            days=1,
            now=datetime(day.year, day.month, day.day, tzinfo=AMSTERDAM) - timedelta(days=7),
        )
    assert slots[0].local_start.strftime("%H:%M") == "09:00"
    assert slots[0].starts_at.astimezone(UTC).strftime("%H:%M") == utc_nine


@pytest.mark.parametrize(
    ("night", "expected_local", "hours"),
    [
        # Spring: 01:00-04:00 on the clock is two real hours (02:00-03:00 does not exist).
        (
            date(2027, 3, 28),
            _times("01:00", "01:50") + _times("03:00", "03:40"),
            2,
        ),
        # Autumn: 01:00-04:00 on the clock is four real hours (02:00-03:00 happens twice).
        (
            date(2027, 10, 31),
            _times("01:00", "02:50") + _times("02:00", "03:40"),
            4,
        ),
    ],
)
def test_an_opening_across_the_switch_lasts_its_real_length(
    night: date, expected_local: list[str], hours: int, municipality_a: Municipality
) -> None:
    location = make_location(municipality_a, weekdays=())
    ExceptionDay.objects.create(
        location=location, day=night, kind=ExceptionDay.Kind.EXTRA, opens=time(1), closes=time(4)
    )
    need = Need(((Product.objects.get(slug="paspoort"), 1),))
    with time_machine.travel(
        datetime.combine(night, time(0), tzinfo=AMSTERDAM) - timedelta(days=3)
    ):
        slots = free_slots(municipality=municipality_a, need=need, days=7)
    assert [slot.local_start.strftime("%H:%M") for slot in slots] == expected_local
    # 20-minute appointments every 10 minutes: (real minutes - 20) / 10 + 1 starts.
    assert len(slots) == (hours * 60 - 20) // 10 + 1
    assert all(slot.ends_at - slot.starts_at == timedelta(minutes=20) for slot in slots)


def test_the_nearest_slot_across_locations_comes_first(municipality_a: Municipality) -> None:
    """A second location opening earlier that day offers the nearest slot."""
    from loket.appointments.availability import nearest_per_location

    make_location(municipality_a, name="Stadswinkel")
    make_location(municipality_a, name="Servicepunt Noord", hours=((time(8, 30), time(12)),))
    need = Need(((Product.objects.get(slug="paspoort"), 1),))
    with time_machine.travel(A_WEEK_BEFORE, tick=False):
        nearest = nearest_per_location(municipality=municipality_a, need=need)
    # Monday 4 January at 08:00: book two hours ahead, so 10:00 at both; the next day Noord opens
    # at 08:30. Both offer 10:00 today, so the order is by time, then name.
    assert [(slot.location.name, slot.local_start.strftime("%d-%m %H:%M")) for slot in nearest] == [
        ("Servicepunt Noord", "04-01 10:00"),
        ("Stadswinkel", "04-01 10:00"),
    ]
    with time_machine.travel(datetime(2027, 1, 4, 18, tzinfo=AMSTERDAM), tick=False):
        nearest = nearest_per_location(municipality=municipality_a, need=need)
    assert [(slot.location.name, slot.local_start.strftime("%d-%m %H:%M")) for slot in nearest] == [
        ("Servicepunt Noord", "05-01 08:30"),
        ("Stadswinkel", "05-01 09:00"),
    ]


def test_a_shared_location_serves_the_municipalities_it_names(
    municipality_a: Municipality, municipality_b: Municipality
) -> None:
    location = make_location(municipality_a)
    need = Need(((Product.objects.get(slug="paspoort"), 1),))
    with time_machine.travel(A_WEEK_BEFORE, tick=False):
        assert free_slots(municipality=municipality_b, need=need, days=7) == []
        location.serves.add(municipality_b)
        assert free_slots(municipality=municipality_b, need=need, days=7)[0].location == location
