"""The counter day in the workbench (issue 14, "The counter day"): the day list with check-in and
walk-ins, the desk that calls, serves and finishes, and the public waiting-room screen."""

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
from loket.appointments.models import Appointment, Location, Ticket
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


def text(page: str) -> str:
    """The page's words, without the markup."""
    return re.sub(r"<[^>]+>", "", page)


def at(hour: int, minute: int = 0) -> datetime:
    return MONDAY.replace(hour=hour, minute=minute)


@pytest.fixture
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
def host(municipality_a: Municipality) -> User:
    return StaffFactory.create(
        username="host-a", role=Role.FRONT_OFFICE, municipalities=[municipality_a]
    )


@pytest.fixture
def residents(municipality_a: Municipality) -> dict[str, Person]:
    return {
        name: PersonFactory.create(municipality=municipality_a, first_name="Eva", surname=name)
        for name in ("Vroegop", "Precies", "Laatkomer")
    }


def book(person: Person, location: Location, when: datetime, product: Product, n: int = 1) -> Any:
    return appointment_book(
        municipality=person.municipality,
        lines=[(product, n)],
        location=location,
        starts_at=when,
        person=person,
    )


def day_url(location: Location, **query: str) -> str:
    url = reverse("workbench:counter_day", kwargs={"location": location.uuid})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def desk_url(location: Location, number: int = 1, action: str = "") -> str:
    desk = location.desks.get(name=f"Balie {number}")
    if action:
        return reverse(
            "workbench:counter_desk_action",
            kwargs={"location": location.uuid, "desk": desk.pk, "action": action},
        )
    return reverse("workbench:counter_desk", kwargs={"location": location.uuid, "desk": desk.pk})


def check_in(client: Client, location: Location, appointment: Appointment) -> Ticket:
    url = reverse(
        "workbench:counter_check_in",
        kwargs={"location": location.uuid, "appointment": appointment.uuid},
    )
    response = client.post(url)
    assert response.status_code == 302
    ticket = Ticket.objects.get(appointment=appointment)
    assert str(ticket.uuid) in response["Location"]
    return ticket


def test_day_list_shows_the_appointments_and_checks_in_with_numbered_tickets(
    client: Client, clock: Any, host: User, location: Location, passport: Product, residents: Any
) -> None:
    first = book(residents["Precies"], location, at(10), passport, 2)
    second = book(residents["Vroegop"], location, at(11), passport)
    clock.move_to(at(9, 55))
    client.force_login(host)
    page = client.get(day_url(location)).content.decode()
    assert "Precies" in page and "Vroegop" in page
    assert first.reference in page and "2 \u00d7 Apply for a passport" in page
    assert "10:00" in page and "Balie 1" in page
    assert "Check in" in page

    ticket = check_in(client, location, first)
    assert ticket.code == "A001"
    shown = client.get(day_url(location, nummer=str(ticket.uuid))).content.decode()
    assert "Give number A001" in text(shown)
    assert check_in(client, location, second).code == "A002"
    first.refresh_from_db()
    assert first.status == Appointment.Status.ARRIVED

    walk_in = client.post(
        day_url(location), {"product": passport.pk, "inwoner": residents["Laatkomer"].bsn}
    )
    assert walk_in.status_code == 302
    ticket = Ticket.objects.get(code="W003")
    assert ticket.person == residents["Laatkomer"] and ticket.product == passport
    assert "Give number W003" in text(client.get(walk_in["Location"]).content.decode())

    waiting = client.get(day_url(location)).content.decode()
    assert all(code in waiting for code in ("A001", "A002", "W003"))
    # A second check-in is refused with the reason, not a second ticket.
    again = client.post(
        reverse(
            "workbench:counter_check_in",
            kwargs={"location": location.uuid, "appointment": first.uuid},
        ),
        follow=True,
    )
    assert "only a booked one can be checked in" in again.content.decode()
    assert Ticket.objects.filter(appointment=first).count() == 1


def test_walk_in_with_an_ambiguous_name_asks_which_resident(
    client: Client, clock: Any, host: User, location: Location, passport: Product, residents: Any
) -> None:
    PersonFactory.create(municipality=location.municipality, first_name="Jan", surname="Vroegop")
    client.force_login(host)
    response = client.post(day_url(location), {"product": passport.pk, "inwoner": "Vroegop"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose one below" in page and 'name="persoon"' in page
    chosen = residents["Vroegop"]
    response = client.post(
        day_url(location), {"product": passport.pk, "inwoner": "Vroegop", "persoon": chosen.uuid}
    )
    assert response.status_code == 302
    assert Ticket.objects.get().person == chosen
    unknown = client.post(day_url(location), {"product": passport.pk, "inwoner": "Niemand"})
    assert unknown.status_code == 400
    assert "No resident found" in unknown.content.decode()


def test_the_desk_calls_in_the_documented_order(
    client: Client, clock: Any, host: User, location: Location, passport: Product, residents: Any
) -> None:
    """counter.py: appointments whose time has come (by time), then walk-ins (by arrival),
    then residents early for a later appointment."""
    due = book(residents["Precies"], location, at(10), passport)
    early = book(residents["Vroegop"], location, at(11), passport)
    clock.move_to(at(10, 5))
    client.force_login(host)
    early_ticket = check_in(client, location, early)  # A001, but early
    client.post(day_url(location), {"product": passport.pk})  # W002
    due_ticket = check_in(client, location, due)  # A003, its time has come
    called = []
    for number in (1, 2, 3):
        response = client.post(desk_url(location, number, "oproepen"), follow=True)
        page = response.content.decode()
        code = re.search(r'ticket-code--large">([AW]\d{3})<', page)
        assert code is not None, page
        called.append(code.group(1))
    assert called == [due_ticket.code, "W002", early_ticket.code]
    # The desk's ticket shows the resident, products and appointment reference.
    page = client.get(desk_url(location, 1)).content.decode()
    assert "Precies" in page and due.reference in page and "1 \u00d7 Apply for a passport" in page
    # A desk with a ticket is refused a second call; nobody waits any more for a fourth.
    busy = client.post(desk_url(location, 1, "oproepen"), follow=True).content.decode()
    assert "Finish ticket A003 first" in busy
    location.desks.create(name="Balie 4").products.set([passport])
    empty = client.post(desk_url(location, 4, "oproepen"), follow=True).content.decode()
    assert "Nobody is waiting for this desk" in empty


def test_the_display_shows_code_and_desk_and_never_the_name(
    client: Client, clock: Any, host: User, location: Location, passport: Product, residents: Any
) -> None:
    appointment = book(residents["Precies"], location, at(10), passport)
    clock.move_to(at(10))
    staff = Client()
    staff.force_login(host)
    check_in(staff, location, appointment)
    staff.post(desk_url(location, 2, "oproepen"))
    response = client.get(reverse("workbench:counter_display", args=[location.uuid]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "A001" in page and "Balie 2" in page
    assert "Precies" not in page and "Eva" not in page and "passport" not in page.lower()
    assert '<meta http-equiv="refresh" content="5">' in page
    assert 'aria-live="polite"' in page
    assert 'lang="en"' in page and "Called" in page  # the English subtitle
    assert 'class="display__newest"' in page


def test_the_display_is_cheap_and_needs_no_session(
    client: Client, clock: Any, location: Location, django_assert_max_num_queries: Any
) -> None:
    url = reverse("workbench:counter_display", args=[location.uuid])
    with django_assert_max_num_queries(2):
        response = client.get(url)
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_finishing_two_passports_opens_two_cases_and_a_counter_contact(
    client: Client, clock: Any, host: User, location: Location, passport: Product, residents: Any
) -> None:
    resident = residents["Precies"]
    appointment = book(resident, location, at(10), passport, 2)
    clock.move_to(at(10))
    client.force_login(host)
    ticket = check_in(client, location, appointment)
    client.post(desk_url(location, 1, "oproepen"))
    client.post(desk_url(location, 1, "aan-de-balie"), {"ticket": ticket.uuid})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.SERVING
    response = client.post(
        desk_url(location, 1, "afronden"), {"ticket": ticket.uuid, "note": "Twee paspoorten"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.DONE
    cases = list(ticket.cases.all())
    assert len(cases) == 2
    assert {case.initiator_person for case in cases} == {resident}
    contact = ticket.contact
    assert contact is not None
    assert contact.channel == Channel.COUNTER and contact.person == resident
    assert contact.text == "Twee paspoorten"
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.DONE
    page = client.get(response["Location"]).content.decode()
    for case in cases:
        assert reverse("workbench:case_detail", args=[case.uuid]) in page
    assert reverse("workbench:contact_detail", args=[contact.uuid]) in page


def test_a_walk_in_for_a_passport_needs_a_resident_to_finish(
    client: Client, clock: Any, host: User, location: Location, passport: Product, residents: Any
) -> None:
    client.force_login(host)
    client.post(day_url(location), {"product": passport.pk})
    ticket = Ticket.objects.get()
    client.post(desk_url(location, 1, "oproepen"))
    refused = client.post(desk_url(location, 1, "afronden"), {"ticket": ticket.uuid})
    assert refused.status_code == 400
    assert "Find or register the resident first" in refused.content.decode()
    resident = residents["Laatkomer"]
    done = client.post(
        desk_url(location, 1, "afronden"), {"ticket": ticket.uuid, "inwoner": resident.bsn}
    )
    assert done.status_code == 302
    ticket.refresh_from_db()
    assert ticket.person == resident and ticket.cases.count() == 1


def test_no_show_frees_the_desk(
    client: Client, clock: Any, host: User, location: Location, passport: Product, residents: Any
) -> None:
    appointment = book(residents["Precies"], location, at(10), passport)
    clock.move_to(at(10))
    client.force_login(host)
    ticket = check_in(client, location, appointment)
    client.post(desk_url(location, 1, "oproepen"))
    client.post(desk_url(location, 1, "niet-verschenen"), {"ticket": ticket.uuid})
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW
    page = client.get(desk_url(location, 1)).content.decode()
    assert "Call next" in page


def test_staff_of_another_municipality_gets_404_and_sees_no_name(
    client: Client,
    clock: Any,
    location: Location,
    passport: Product,
    residents: Any,
    municipality_b: Municipality,
) -> None:
    appointment = book(residents["Precies"], location, at(10), passport)
    other = StaffFactory.create(
        username="host-b", role=Role.FRONT_OFFICE, municipalities=[municipality_b]
    )
    client.force_login(other)
    urls = [
        day_url(location),
        desk_url(location, 1),
        reverse(
            "workbench:counter_check_in",
            kwargs={"location": location.uuid, "appointment": appointment.uuid},
        ),
        desk_url(location, 1, "oproepen"),
    ]
    for url in urls:
        response = client.post(url) if "inchecken" in url or "oproepen" in url else client.get(url)
        assert response.status_code == 404, url
        assert "Precies" not in response.content.decode()
    index = client.get(reverse("workbench:counter_index")).content.decode()
    assert location.name not in index
    assert not Ticket.objects.exists()


def test_a_location_serving_another_municipality_is_listed_there(
    client: Client, location: Location, municipality_b: Municipality
) -> None:
    other = StaffFactory.create(
        username="host-b", role=Role.FRONT_OFFICE, municipalities=[municipality_b]
    )
    client.force_login(other)
    location.serves.add(municipality_b)
    assert location.name in client.get(reverse("workbench:counter_index")).content.decode()
    assert client.get(day_url(location)).status_code == 200


def test_a_role_without_counter_is_refused(
    client: Client, clock: Any, location: Location, passport: Product, residents: Any
) -> None:
    appointment = book(residents["Precies"], location, at(10), passport)
    worker = StaffFactory.create(
        username="worker", role=Role.CASE_WORKER, municipalities=[location.municipality]
    )
    client.force_login(worker)
    assert client.get(reverse("workbench:counter_index")).status_code == 403
    assert client.get(day_url(location)).status_code == 403
    assert client.get(desk_url(location, 1)).status_code == 403
    check = reverse(
        "workbench:counter_check_in",
        kwargs={"location": location.uuid, "appointment": appointment.uuid},
    )
    assert client.post(check).status_code == 403
    assert not Ticket.objects.exists()
    nav = client.get(reverse("workbench:dashboard")).content.decode()
    assert reverse("workbench:counter_index") not in nav


def test_anonymous_is_sent_to_login(client: Client, location: Location) -> None:
    response = client.get(day_url(location))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workbench:login"))


@pytest.mark.parametrize(
    "path",
    [
        "/werkplek/balie/not-a-uuid/",
        "/werkplek/balie/{unknown}/",
        "/werkplek/balie/{location}/balie/abc/",
        "/werkplek/balie/{location}/balie/99999999/",
        "/werkplek/balie/{location}/balie/99999999999999999999999/",
        "/werkplek/balie/{location}/balie/{desk}/opblazen",
        "/werkplek/scherm/{unknown}",
        "/werkplek/scherm/123",
    ],
)
def test_bad_addresses_are_404(client: Client, host: User, location: Location, path: str) -> None:
    client.force_login(host)
    url = path.format(
        location=location.uuid,
        unknown="6d2b7f0e-0000-4000-8000-000000000000",
        desk=location.desks.first().pk,  # type: ignore[union-attr]
    )
    response = client.post(url) if url.endswith("opblazen") else client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "query", ["dag=gisteren", "dag=2026-13-01", "dag=12026-01-01", "balie=abc", "nummer=xyz"]
)
def test_bad_parameters_are_400(client: Client, host: User, location: Location, query: str) -> None:
    client.force_login(host)
    response = client.get(f"{day_url(location)}?{query}")
    assert response.status_code == 400


def test_a_ticket_action_without_the_ticket_is_404(
    client: Client, host: User, location: Location
) -> None:
    client.force_login(host)
    for ticket in ("", "not-a-uuid", "6d2b7f0e-0000-4000-8000-000000000000"):
        response = client.post(desk_url(location, 1, "afronden"), {"ticket": ticket})
        assert response.status_code in (400, 404)
    response = client.post(day_url(location), {"product": "abc"})
    assert response.status_code == 400
    assert "field-error" in response.content.decode()
