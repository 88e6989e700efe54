"""The counter figures, worked out by hand, and the page that shows them only to staff whose role
may see figures in that municipality.

The clock stands at Wednesday 11 March 2026 12:00 (Amsterdam); the period is the week of Monday
2 March up to and including Friday 6 March. The Stadswinkel of Aadorp (conftest) opens on
weekdays 09:00-12:30 and 13:30-17:00: 420 minutes a day, 2,100 in the five days, per desk.

The week at the Stadswinkel (desk, time, length, status; booked on; ticket: in -> called):

    A1  Balie 1  Mon 09:00  30  done      20 Feb web   08:55 -> 08:59  (waited 4, on time)
    A2  Balie 1  Mon 09:30  30  done      2 Mar web    09:20 -> 09:40  (waited 20, late)
    A3  Balie 2  Tue 10:00  20  done      3 Mar phone  10:10 -> 10:12  (waited 2, came late)
    A4  Balie 1  Tue 11:00  60  done      3 Mar web    10:54 -> 11:00  (waited 6, on time)
    A5  Balie 2  Wed 14:00  40  no_show   4 Mar counter
    A6  Balie 3  Thu 09:00  30  cancelled 4 Mar web
    A8  Balie 3  Fri 09:00  30  no_show   5 Mar web
    A9  Balie 1  Mon 9 Mar  30  no_show   6 Mar phone  (after the period)

plus a walk-in who was never called (Tue), a ticket on Monday 9 March (waited 100 minutes) and
an appointment with a ticket at Beedorp's office: none of those counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import count
from typing import Any

import pytest
import time_machine
from django.test import Client

from loket.accounts.models import Role, User
from loket.appointments.figures import (
    Scope,
    appointment_figures,
    bookings,
    first_free,
    median,
    no_shows,
    percentile,
    punctuality,
    utilisation,
    waiting_time,
)
from loket.appointments.models import Appointment, Desk, Location, Ticket
from loket.lib.calendar import AMSTERDAM
from loket.tenancy.models import Municipality
from tests.appointments.conftest import make_location
from tests.factories import PersonFactory, StaffFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=AMSTERDAM)
MONDAY, FRIDAY = date(2026, 3, 2), date(2026, 3, 6)
_numbers = count(1)


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=AMSTERDAM)


def desk(location: Location, name: str) -> Desk:
    return location.desks.get(name=name)


def appointment(
    location: Location,
    desk_name: str,
    starts_at: datetime,
    minutes: int,
    status: str,
    created_at: datetime,
    channel: str = "web",
) -> Appointment:
    municipality = location.municipality
    return Appointment.objects.create(
        municipality=municipality,
        reference=f"AFS-T{next(_numbers):05d}",
        location=location,
        desk=desk(location, desk_name),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        status=status,
        channel=channel,
        person=PersonFactory.create(municipality=municipality),
        created_at=created_at,
    )


def ticket(
    location: Location,
    checked_in_at: datetime,
    called_at: datetime | None,
    booked: Appointment | None = None,
) -> Ticket:
    number = next(_numbers)
    return Ticket.objects.create(
        municipality=location.municipality,
        location=location,
        day=checked_in_at.astimezone(AMSTERDAM).date(),
        number=number,
        code=f"A{number:03d}",
        appointment=booked,
        checked_in_at=checked_in_at,
        called_at=called_at,
        status="done" if called_at else "waiting",
    )


@pytest.fixture
def week(location: Location, municipality_b: Municipality) -> dict[str, Appointment]:
    done, no_show, cancelled = "done", "no_show", "cancelled"
    made = {
        "A1": appointment(location, "Balie 1", at(2, 9), 30, done, at(20, 10, month=2)),
        "A2": appointment(location, "Balie 1", at(2, 9, 30), 30, done, at(2, 8)),
        "A3": appointment(location, "Balie 2", at(3, 10), 20, done, at(3, 8), "telefoon"),
        "A4": appointment(location, "Balie 1", at(3, 11), 60, done, at(3, 9)),
        "A5": appointment(location, "Balie 2", at(4, 14), 40, no_show, at(4, 9), "balie"),
        "A6": appointment(location, "Balie 3", at(5, 9), 30, cancelled, at(4, 10)),
        "A8": appointment(location, "Balie 3", at(6, 9), 30, no_show, at(5, 10)),
        "A9": appointment(location, "Balie 1", at(9, 9), 30, no_show, at(6, 10), "telefoon"),
    }
    ticket(location, at(2, 8, 55), at(2, 8, 59), made["A1"])
    ticket(location, at(2, 9, 20), at(2, 9, 40), made["A2"])
    ticket(location, at(3, 10, 10), at(3, 10, 12), made["A3"])
    ticket(location, at(3, 10, 54), at(3, 11), made["A4"])
    ticket(location, at(3, 15), None)  # a walk-in never called
    ticket(location, at(9, 9), at(9, 10, 40))  # after the period
    elsewhere = make_location(municipality_b, name="Beedorp Loket")
    other = appointment(elsewhere, "Balie 1", at(2, 9), 30, "done", at(2, 8))
    ticket(elsewhere, at(2, 8, 50), at(2, 10, 50), other)
    return made


def test_median_and_nearest_rank_percentile() -> None:
    # 2, 4, 6, 20: the middle two are 4 and 6, median 5; 90% of 4 values is 3.6, rank 4: 20.
    assert median([20, 2, 6, 4]) == 5
    assert percentile([20, 2, 6, 4], 0.9) == 20
    # Ten values 1..10: rank 9 is 9 (nine in ten waited at most 9), the median 5.5.
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert median(list(range(1, 11))) == 5.5
    assert percentile([7], 0.9) == 7
    assert median([]) is None and percentile([], 0.9) is None


def test_waiting_time_counts_called_tickets_in_the_period(
    week: dict[str, Appointment], municipality_a: Municipality
) -> None:
    figure = waiting_time(Scope(municipality_a), MONDAY, FRIDAY)
    # Waits 4, 20, 2, 6 (the uncalled walk-in, 9 March and Beedorp left out).
    assert figure.count == 4
    assert figure.median == 5
    assert figure.p90 == 20
    assert "inchecken" in figure.statement  # Dutch, the default language


def test_punctuality_of_those_who_came_in_time(
    week: dict[str, Appointment], municipality_a: Municipality
) -> None:
    figure = punctuality(Scope(municipality_a), MONDAY, FRIDAY)
    # Checked in no later than the start: A1, A2, A4 (A3 came after its start). Called at
    # most 5 minutes after the start: A1 (08:59) and A4 (11:00); A2 was called at 09:40.
    assert (figure.share.part, figure.share.whole, figure.share.percent) == (2, 3, 67)


def test_no_shows_of_passed_appointments_not_cancelled(
    week: dict[str, Appointment], municipality_a: Municipality
) -> None:
    figure = no_shows(Scope(municipality_a), MONDAY, FRIDAY)
    # A1-A5 and A8 (A6 cancelled, A9 after the period): A5 and A8 did not come.
    assert (figure.share.part, figure.share.whole, figure.share.percent) == (2, 6, 33)


def test_no_shows_wait_until_the_time_has_passed(
    location: Location, municipality_a: Municipality
) -> None:
    appointment(location, "Balie 1", at(11, 14), 30, "booked", at(10, 9))
    appointment(location, "Balie 1", at(11, 9), 30, "no_show", at(10, 9))
    figure = no_shows(Scope(municipality_a), date(2026, 3, 11), date(2026, 3, 11))
    # 12:00 now: the 14:00 appointment has not happened yet.
    assert (figure.share.part, figure.share.whole) == (1, 1)


def test_bookings_per_channel_by_the_day_they_were_made(
    week: dict[str, Appointment], municipality_a: Municipality
) -> None:
    figure = bookings(Scope(municipality_a), MONDAY, FRIDAY)
    # Made 2-6 March: A2, A4, A6, A8 on the web; A3 and A9 by phone; A5 at the counter.
    # A1 was made in February. A6 was cancelled later.
    assert [(row.channel, row.count) for row in figure.rows] == [
        ("balie", 1),
        ("telefoon", 2),
        ("web", 4),
    ]
    assert figure.total == 7
    assert figure.cancelled == 1


def test_utilisation_per_desk(week: dict[str, Appointment], municipality_a: Municipality) -> None:
    figure = utilisation(Scope(municipality_a), MONDAY, FRIDAY)
    rows = {(row.location.name, row.desk.name): row for row in figure.rows}
    # Balie 1: A1 + A2 + A4 = 30 + 30 + 60 = 120 of 2,100 minutes: 5.7%, shown as 6%.
    # Balie 2: A3 + A5 = 20 + 40 = 60: 2.9% -> 3%. Balie 3: A8 30 (A6 cancelled): 1.4% -> 1%.
    assert [
        (r.booked_minutes, r.open_minutes, r.percent)
        for r in (rows[("Stadswinkel", f"Balie {n}")] for n in (1, 2, 3))
    ] == [(120, 2100, 6), (60, 2100, 3), (30, 2100, 1)]
    # Beedorp's office is not one of Aadorp's.
    assert {name for name, _desk in rows} == {"Stadswinkel"}


def test_utilisation_leaves_out_kings_day(location: Location, municipality_a: Municipality) -> None:
    # Monday 27 April 2026 is King's Day: only Tuesday's 420 minutes are open.
    appointment(location, "Balie 1", at(28, 9, month=4), 42, "done", at(1, 9, month=4))
    figure = utilisation(Scope(municipality_a), date(2026, 4, 27), date(2026, 4, 28))
    first = next(row for row in figure.rows if row.desk.name == "Balie 1")
    assert (first.booked_minutes, first.open_minutes, first.percent) == (42, 420, 10)


def test_days_until_the_first_free_time(location: Location, municipality_a: Municipality) -> None:
    small = make_location(municipality_a, name="Klein Loket", desks=1, products=("rijbewijs",))
    # 12:00 now, two hours ahead: from 14:00. Klein Loket's one desk is booked for the rest of
    # today and all of Thursday 12 March, so its first free time is Friday 13 March 09:00.
    appointment(small, "Balie 1", at(11, 14), 180, "booked", at(1, 9))
    appointment(small, "Balie 1", at(12, 9), 210, "booked", at(1, 9))
    appointment(small, "Balie 1", at(12, 13, 30), 210, "booked", at(1, 9))
    figure = first_free(Scope(municipality_a))
    rows = {(row.location.name, row.product.slug): row for row in figure.rows}
    assert set(rows) == {
        ("Klein Loket", "rijbewijs"),
        ("Stadswinkel", "identiteitskaart"),
        ("Stadswinkel", "paspoort"),
        ("Stadswinkel", "rijbewijs"),
    }
    assert rows[("Stadswinkel", "paspoort")].days == 0
    assert rows[("Stadswinkel", "paspoort")].starts_at == at(11, 14)
    assert rows[("Klein Loket", "rijbewijs")].days == 2
    assert rows[("Klein Loket", "rijbewijs")].starts_at == at(13, 9)
    only_small = first_free(Scope(municipality_a, small))
    assert [(row.location.name, row.days) for row in only_small.rows] == [("Klein Loket", 2)]


def test_a_location_scope_counts_only_that_location(
    week: dict[str, Appointment], municipality_a: Municipality
) -> None:
    other = make_location(municipality_a, name="Servicepunt Noord")
    appointment(other, "Balie 1", at(2, 10), 30, "no_show", at(2, 9))
    ticket(other, at(2, 9, 50), at(2, 10, 30))
    whole = appointment_figures(Scope(municipality_a), start=MONDAY, end=FRIDAY)
    assert whole.no_shows.share.whole == 7
    assert whole.waiting.count == 5
    noord = appointment_figures(Scope(municipality_a, other), start=MONDAY, end=FRIDAY)
    assert (noord.no_shows.share.part, noord.no_shows.share.whole) == (1, 1)
    assert (noord.waiting.count, noord.waiting.median) == (1, 40)
    assert {row.location.name for row in noord.utilisation.rows} == {"Servicepunt Noord"}


# --- the page --------------------------------------------------------------------------------

URL = "/werkplek/afspraken/cijfers"


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_the_figures_with_what_they_count(
    week: dict[str, Appointment], staff_a: User
) -> None:
    response = logged_in(staff_a).get(URL, {"start": "2026-03-02", "end": "2026-03-06"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="waiting-count">4<' in page
    assert 'data-testid="waiting-median">5,0<' in page
    assert 'data-testid="waiting-p90">20' in page
    assert 'data-testid="channel-web">4<' in page
    assert 'data-testid="bookings-cancelled">1<' in page
    assert "2 van 3 (67%)" in page
    assert "2 van 6 (33%)" in page
    assert "negen op de tien hooguit het 90e percentiel" in page  # what the figure counts
    assert "Beedorp" not in page


def test_the_page_defaults_to_the_last_four_weeks(staff_a: User, location: Location) -> None:
    response = logged_in(staff_a).get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    # Today 11 March and the 27 days before: from 12 February.
    assert form.cleaned_data["start"] == date(2026, 2, 12)
    assert form.cleaned_data["end"] == date(2026, 3, 11)
    assert response.context["figures"].start == date(2026, 2, 12)


def test_a_bad_period_is_a_field_error_not_a_crash(staff_a: User, location: Location) -> None:
    client = logged_in(staff_a)
    for query, field in [
        ({"start": "2026-03-06", "end": "2026-03-02"}, "end"),
        ({"start": "2024-01-01", "end": "2026-03-02"}, "end"),
        ({"start": "gisteren"}, "start"),
        ({"location": "not-a-uuid"}, "location"),
    ]:
        response = client.get(URL, query)
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert response.context["figures"] is None
        assert 'class="field-error"' in response.content.decode()


def test_the_location_filter_takes_only_the_municipalitys_locations(
    week: dict[str, Appointment], staff_a: User
) -> None:
    beedorp = Location.objects.get(name="Beedorp Loket")
    response = logged_in(staff_a).get(URL, {"location": str(beedorp.uuid)})
    assert "location" in response.context["form"].errors
    assert response.context["figures"] is None
    own = Location.objects.get(name="Stadswinkel")
    chosen = logged_in(staff_a).get(URL, {"location": str(own.uuid)})
    assert chosen.context["location"] == own


def test_a_shared_location_serving_the_municipality_is_in_its_figures(
    location: Location, municipality_a: Municipality, municipality_b: Municipality
) -> None:
    shared = make_location(municipality_b, name="Regiowinkel")
    shared.serves.add(municipality_a)
    figure = utilisation(Scope(municipality_a), MONDAY, FRIDAY)
    assert {row.location.name for row in figure.rows} == {"Stadswinkel", "Regiowinkel"}


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.CASE_WORKER, 403), (Role.FRONT_OFFICE, 403), (Role.ADMINISTRATOR, 200)],
)
def test_only_a_role_that_may_see_figures(
    municipality_a: Municipality, location: Location, role: Any, status: int
) -> None:
    user = StaffFactory.create(username=f"a-{role}", role=role, municipalities=[municipality_a])
    assert logged_in(user).get(URL).status_code == status


def test_another_municipalitys_figures_are_a_404(
    week: dict[str, Appointment], municipality_b: Municipality
) -> None:
    lead_b = StaffFactory.create(
        username="lead-b", role=Role.TEAM_LEAD, municipalities=[municipality_b]
    )
    client = logged_in(lead_b)
    assert client.get(URL, {"municipality": "aadorp"}).status_code == 404
    own = client.get(URL, {"start": "2026-03-02", "end": "2026-03-06"})
    assert own.status_code == 200
    page = own.content.decode()
    assert "Beedorp Loket" in page and "Stadswinkel" not in page
    assert 'data-testid="waiting-count">1<' in page


def test_anonymous_visitors_are_sent_to_the_login(location: Location) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/werkplek/inloggen" in response["Location"] or "login" in response["Location"]
