"""The front office books for a caller from the resident's page (issue 14, item 5): products and
persons, the nearest free time per location or a day's free times, confirmation; the call is
registered as a contact, and the appointment shows on the resident's page with move and cancel."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from loket.accounts.models import Role, User
from loket.appointments.models import Appointment, Location
from loket.appointments.services import appointment_book
from loket.catalogue.models import Channel, Product
from loket.lib.calendar import AMSTERDAM
from loket.parties.models import Person
from loket.tenancy.models import Municipality
from tests.appointments.conftest import make_location
from tests.factories import PersonFactory, StaffFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 12, 7, 8, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def client(client: Client, settings: Any) -> Client:
    """In English: the page texts are the msgids, readable before the Dutch is merged."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def location(municipality_a: Municipality) -> Location:
    return make_location(municipality_a)


@pytest.fixture
def passport(catalogue: None) -> Product:
    return Product.objects.get(slug="paspoort")


@pytest.fixture
def agent(municipality_a: Municipality) -> User:
    return StaffFactory.create(
        username="kcc", role=Role.FRONT_OFFICE, municipalities=[municipality_a]
    )


@pytest.fixture
def resident(municipality_a: Municipality) -> Person:
    return PersonFactory.create(municipality=municipality_a, first_name="Mila", surname="Koster")


def new_url(person: Person, **query: Any) -> str:
    url = reverse("workbench:appointment_new", args=[person.uuid])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def slot_values(page: str) -> list[str]:
    return re.findall(r'name="slot" id="[^"]+" value="([^"]+)"', page)


def test_the_agent_books_two_passports_at_the_nearest_time(
    client: Client, agent: User, resident: Person, location: Location, passport: Product
) -> None:
    client.force_login(agent)
    person_page = client.get(reverse("workbench:person_detail", args=[resident.uuid]))
    assert new_url(resident) in person_page.content.decode()
    start = client.get(new_url(resident)).content.decode()
    assert "Apply for a passport" in start and f'name="p{passport.pk}"' in start

    query = {f"p{passport.pk}": 2, "kanaal": "telefoon"}
    page = client.get(new_url(resident, **query)).content.decode()
    assert "Nearest free time per location" in page
    # Two hours ahead at the earliest: Monday 10:00 at the Stadswinkel.
    assert "Stadswinkel" in page and "10:00" in page
    slots = slot_values(page)
    assert slots
    response = client.post(new_url(resident, **query), {**query, "slot": slots[0]})
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:person_detail", args=[resident.uuid])

    appointment = Appointment.objects.get(person=resident)
    assert appointment.starts_at == MONDAY.replace(hour=10)
    assert appointment.channel == Channel.PHONE and appointment.booked_by == agent
    assert [(line.product, line.persons) for line in appointment.lines.all()] == [(passport, 2)]
    contact = appointment.contact
    assert contact is not None
    assert contact.person == resident and contact.channel == Channel.PHONE
    assert contact.registered_by == agent

    page = client.get(response["Location"]).content.decode()
    assert appointment.reference in page and "booked" in page
    assert reverse("workbench:appointment_move", args=[appointment.uuid]) in page
    assert reverse("workbench:appointment_cancel", args=[appointment.uuid]) in page


def test_a_chosen_day_shows_its_free_times_and_books_on_the_counter_channel(
    client: Client, agent: User, resident: Person, location: Location, passport: Product
) -> None:
    client.force_login(agent)
    query = {f"p{passport.pk}": 1, "kanaal": "balie", "dag": "2026-12-08", "locatie": location.pk}
    page = client.get(new_url(resident, **query)).content.decode()
    assert "Free times on" in page
    times = re.findall(r'id="slot-t\d+" value="([^"]+)"', page)
    assert len(times) > 10  # a whole day on a 10-minute grid, the lunch break left out
    assert "12:30" not in re.sub(r"<[^>]+>", "", page.split("Free times on")[1])
    response = client.post(new_url(resident, **query), {**query, "slot": times[3]})
    assert response.status_code == 302
    appointment = Appointment.objects.get(person=resident)
    assert appointment.channel == Channel.COUNTER
    assert appointment.starts_at == datetime(2026, 12, 8, 9, 30, tzinfo=AMSTERDAM)


def test_a_taken_slot_offers_the_next_free_times(
    client: Client,
    agent: User,
    resident: Person,
    location: Location,
    passport: Product,
    municipality_a: Municipality,
) -> None:
    client.force_login(agent)
    query = {f"p{passport.pk}": 1, "kanaal": "telefoon"}
    slot = slot_values(client.get(new_url(resident, **query)).content.decode())[0]
    for number in range(3):  # the three desks fill up meanwhile
        appointment_book(
            municipality=municipality_a,
            lines=[(passport, 1)],
            location=location,
            starts_at=MONDAY.replace(hour=10),
            person=PersonFactory.create(municipality=municipality_a, surname=f"Ander{number}"),
        )
    response = client.post(new_url(resident, **query), {**query, "slot": slot})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else just booked this time" in page
    assert slot_values(page) and slot not in slot_values(page)
    assert not Appointment.objects.filter(person=resident).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kanaal": "telefoon"}, "Choose at least one product."),
        ({"kanaal": "telefoon", "p{passport}": "11"}, "less than or equal to 10"),
        ({"kanaal": "telefoon", "p{passport}": "1", "slot": "garbage"}, "Choose a time."),
        ({"kanaal": "telefoon", "p{passport}": "1", "slot": "99_1796634000"}, "Choose a time."),
        (
            {"kanaal": "telefoon", "p{passport}": "1", "slot": "{location}_1"},
            "This time has passed",
        ),
        ({"kanaal": "telefoon", "p{passport}": "1", "slot": "{location}_1796634300"}, "every 10"),
        ({"kanaal": "telefoon", "p{passport}": "1", "slot": "{location}_1796644800"}, "13:00"),
        ({"kanaal": "telefoon", "p{passport}": "1", "slot": "{location}_99999999999"}, "a time."),
        ({"kanaal": "telefoon", "p{passport}": "1", "slot": "{location}_1_2"}, "a time."),
        ({"kanaal": "fax", "p{passport}": "1", "slot": "x"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_a_message_and_books_nothing(
    client: Client,
    agent: User,
    resident: Person,
    location: Location,
    passport: Product,
    data: dict[str, str],
    message: str,
) -> None:
    client.force_login(agent)
    posted = {
        key.format(passport=passport.pk): value.format(location=location.pk)
        for key, value in data.items()
    }
    response = client.post(new_url(resident), posted)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Appointment.objects.exists()


def test_bad_query_parameters_are_400(
    client: Client, agent: User, resident: Person, location: Location, passport: Product
) -> None:
    client.force_login(agent)
    base = {f"p{passport.pk}": 1, "kanaal": "telefoon"}
    assert (
        client.get(new_url(resident, **base, dag="morgen", locatie=location.pk)).status_code == 400
    )
    assert client.get(new_url(resident, **base, locatie="x")).status_code == 400
    assert client.get(new_url(resident, **base, dag="2026-12-08", locatie=999)).status_code == 200


def test_move_and_cancel_from_the_resident_page(
    client: Client, agent: User, resident: Person, location: Location, passport: Product
) -> None:
    appointment = appointment_book(
        municipality=resident.municipality,
        lines=[(passport, 1)],
        location=location,
        starts_at=MONDAY.replace(hour=11),
        person=resident,
    )
    client.force_login(agent)
    move = reverse("workbench:appointment_move", args=[appointment.uuid])
    page = client.get(f"{move}?dag=2026-12-09&locatie={location.pk}").content.decode()
    assert "Koster" in page and appointment.reference in page
    times = re.findall(r'id="slot-t\d+" value="([^"]+)"', page)
    response = client.post(f"{move}?dag=2026-12-09&locatie={location.pk}", {"slot": times[0]})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == datetime(2026, 12, 9, 9, 0, tzinfo=AMSTERDAM)
    assert "moved to" in client.get(response["Location"]).content.decode()

    cancel = reverse("workbench:appointment_cancel", args=[appointment.uuid])
    response = client.post(cancel)
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    page = client.get(response["Location"]).content.decode()
    assert "cancelled" in page and move not in page
    # Cancelling twice is a message, not an error.
    again = client.post(cancel, follow=True).content.decode()
    assert "Only a booked appointment can be cancelled." in again
    assert client.get(move).status_code == 200


def test_a_case_worker_cannot_book_and_sees_no_button(
    client: Client, resident: Person, location: Location, passport: Product
) -> None:
    worker = StaffFactory.create(
        username="worker", role=Role.CASE_WORKER, municipalities=[resident.municipality]
    )
    client.force_login(worker)
    page = client.get(reverse("workbench:person_detail", args=[resident.uuid])).content.decode()
    assert "Appointments" in page and new_url(resident) not in page
    assert client.get(new_url(resident)).status_code == 403
    query = {f"p{passport.pk}": 1, "kanaal": "telefoon", "slot": f"{location.pk}_1796634000"}
    assert client.post(new_url(resident), query).status_code == 403
    assert not Appointment.objects.exists()


def test_staff_of_another_municipality_gets_404(
    client: Client, resident: Person, location: Location, passport: Product, staff_b: User
) -> None:
    appointment = appointment_book(
        municipality=resident.municipality,
        lines=[(passport, 1)],
        location=location,
        starts_at=MONDAY.replace(hour=11),
        person=resident,
    )
    client.force_login(staff_b)
    for url in (
        new_url(resident),
        reverse("workbench:appointment_move", args=[appointment.uuid]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "Koster" not in response.content.decode()
    assert (
        client.post(reverse("workbench:appointment_cancel", args=[appointment.uuid])).status_code
        == 404
    )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
