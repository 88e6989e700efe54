"""Appointments through the API: a website asks for free times, books for a resident, and the
resident's links (or staff) cancel and move. Every refusal is a problem document in the caller's
language that names the field; a time taken in the meantime offers the next free ones.

The clock stands at Monday 2 March 2026 08:00 (Amsterdam). The Stadswinkel of Aadorp (the
appointments conftest) opens on weekdays 09:00-12:30 and 13:30-17:00 on a 10-minute grid with
three desks; a booking can start two hours ahead, so the first bookable time is 10:00 today.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from loket.accounts.models import Role
from loket.appointments.models import Appointment, Location
from loket.lib.calendar import AMSTERDAM
from loket.notifications.models import OutboxMessage
from loket.tenancy.models import Municipality
from tests.appointments.conftest import location, make_location
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
__all__ = ["location"]  # the Stadswinkel fixture of the appointment tests
PROBLEM = "application/problem+json"
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _anon_rate(settings: Any, rate: str) -> None:
    # The rate, not the throttle classes: DRF binds the classes when it is first imported.
    rest = settings.REST_FRAMEWORK
    rates = {**rest["DEFAULT_THROTTLE_RATES"], "anon": rate}
    settings.REST_FRAMEWORK = {**rest, "DEFAULT_THROTTLE_RATES": rates}


@pytest.fixture(autouse=True)
def _generous_throttle(settings: Any) -> None:
    _anon_rate(settings, "1000/m")


@pytest.fixture
def web() -> APIClient:
    """The municipal website: no account."""
    return APIClient()


def staff_client(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def booking(location: Location, start: str, **changes: Any) -> dict[str, Any]:
    body = {
        "municipality": "aadorp",
        "products": [{"product": "paspoort", "persons": 2}],
        "location": str(location.uuid),
        "start": start,
        "resident": {
            "firstName": "Anna",
            "surname": "de Vries",
            "email": "anna@example.org",
            "language": "nl",
        },
    }
    return body | changes


def links(appointment_uuid: str) -> dict[str, str]:
    """The tokens of the latest message about the appointment, as the resident's links carry
    them."""
    appointment = Appointment.objects.get(uuid=appointment_uuid)
    message = OutboxMessage.objects.filter(person=appointment.person).latest("pk")
    return {
        "cancel": re.findall(r"/afspraak/annuleren/(\S+)", message.body_text)[-1],
        "move": re.findall(r"/afspraak/verzetten/(\S+)", message.body_text)[-1],
    }


def invalid(response: Any) -> dict[str, str]:
    assert response["Content-Type"] == PROBLEM, response.content
    return {p["name"]: p["reason"] for p in response.json().get("invalidParams", [])}


# --- availability ---------------------------------------------------------------------------


def test_availability_lists_free_times_and_the_nearest_per_location(
    web: APIClient, location: Location, municipality_a: Municipality
) -> None:
    other = make_location(municipality_a, name="Servicepunt Noord", desks=1)
    response = web.get(
        "/api/v1/appointments/availability",
        {"municipality": "aadorp", "products": "paspoort:2", "from": "2026-03-03", "days": "1"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    # Two passports of 15 minutes: 30 minutes, three slots of 10.
    assert body["minutes"] == 30
    assert body["products"] == [{"product": "paspoort", "name": "Paspoort aanvragen", "persons": 2}]
    starts = [slot["start"] for slot in body["slots"] if slot["location"] == str(location.uuid)]
    # Morning 09:00-12:30: starts 09:00 ... 12:00 (19); afternoon 13:30 ... 16:30 (19).
    assert len(starts) == 38
    assert starts[0] == "2026-03-03T09:00:00+01:00"
    assert "2026-03-03T12:00:00+01:00" in starts
    assert "2026-03-03T12:10:00+01:00" not in starts  # would run into the lunch break
    assert starts[-1] == "2026-03-03T16:30:00+01:00"
    first = body["slots"][0]
    assert first["end"] == "2026-03-03T09:30:00+01:00"
    assert {slot["free"] for slot in body["slots"] if slot["location"] == str(location.uuid)} == {3}
    nearest = {place["name"]: place for place in body["locations"]}
    assert nearest["Stadswinkel"]["address"] == "Markt 1, 1234 AB Aadorp"
    assert nearest["Stadswinkel"]["nearest"]["start"] == "2026-03-03T09:00:00+01:00"
    assert nearest["Servicepunt Noord"]["nearest"]["free"] == 1
    assert str(other.uuid) in {slot["location"] for slot in body["slots"]}


def test_availability_from_today_starts_at_the_earliest_bookable_time(
    web: APIClient, location: Location
) -> None:
    body = web.get(
        "/api/v1/appointments/availability",
        {"municipality": "aadorp", "products": "paspoort,identiteitskaart:1", "days": "2"},
    ).json()
    # 08:00 now, two hours ahead: 10:00 today is the first.
    assert body["slots"][0]["start"] == "2026-03-02T10:00:00+01:00"
    assert body["locations"][0]["nearest"]["start"] == "2026-03-02T10:00:00+01:00"
    assert body["minutes"] == 30


def test_availability_of_one_location(
    web: APIClient, location: Location, municipality_a: Municipality
) -> None:
    make_location(municipality_a, name="Servicepunt Noord")
    body = web.get(
        "/api/v1/appointments/availability",
        {
            "municipality": "aadorp",
            "products": "rijbewijs",
            "days": "1",
            "location": str(location.uuid),
        },
    ).json()
    assert [place["name"] for place in body["locations"]] == ["Stadswinkel"]
    assert {slot["location"] for slot in body["slots"]} == {str(location.uuid)}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"municipality": "nergensdorp"}, "municipality"),
        ({"products": ""}, "products"),
        ({"products": "paspoort:twee"}, "products"),
        ({"products": "ruimtevaart"}, "products"),
        ({"products": "paspoort:11"}, "products"),
        ({"products": "vog"}, "products"),  # needs no appointment
        ({"from": "2026-13-01"}, "from"),
        ({"days": "0"}, "days"),
        ({"days": "91"}, "days"),
        ({"days": "vier"}, "days"),
        ({"location": "not-a-uuid"}, "location"),
        ({"municipality": "aadorp\x00"}, "municipality"),
    ],
)
def test_availability_refuses_bad_parameters_by_name(
    web: APIClient, location: Location, params: dict[str, str], field: str
) -> None:
    query = {"municipality": "aadorp", "products": "paspoort:1"} | params
    response = web.get("/api/v1/appointments/availability", query)
    assert response.status_code == 400
    assert field in invalid(response)


def test_availability_refuses_a_location_of_another_municipality(
    web: APIClient, location: Location, municipality_b: Municipality
) -> None:
    elsewhere = make_location(municipality_b, name="Beedorp Loket")
    response = web.get(
        "/api/v1/appointments/availability",
        {"municipality": "aadorp", "products": "paspoort", "location": str(elsewhere.uuid)},
    )
    assert response.status_code == 400
    assert "location" in invalid(response)


def test_availability_includes_a_shared_location_that_serves_the_municipality(
    web: APIClient, location: Location, municipality_a: Municipality, municipality_b: Municipality
) -> None:
    shared = make_location(municipality_b, name="Gemeentewinkel Regio")
    shared.serves.add(municipality_a)
    body = web.get(
        "/api/v1/appointments/availability",
        {"municipality": "aadorp", "products": "paspoort", "days": "1"},
    ).json()
    assert {place["name"] for place in body["locations"]} == {
        "Stadswinkel",
        "Gemeentewinkel Regio",
    }


def test_availability_is_throttled_per_client(
    web: APIClient, location: Location, settings: Any
) -> None:
    _anon_rate(settings, "2/m")
    query = {"municipality": "aadorp", "products": "paspoort", "days": "1"}
    answers = [web.get("/api/v1/appointments/availability", query) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[-1].json()["code"] == "throttled"


# --- booking ---------------------------------------------------------------------------------


def test_a_website_books_for_a_resident(web: APIClient, location: Location) -> None:
    response = web.post(
        "/api/v1/appointments", booking(location, "2026-03-03T09:00:00+01:00"), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("AFS-")
    assert body["status"] == "booked"
    assert body["start"] == "2026-03-03T09:00:00+01:00"
    assert body["end"] == "2026-03-03T09:30:00+01:00"
    assert body["location"] == {
        "uuid": str(location.uuid),
        "name": "Stadswinkel",
        "address": "Markt 1, 1234 AB Aadorp",
    }
    assert body["products"] == [{"product": "paspoort", "name": "Paspoort aanvragen", "persons": 2}]
    assert body["manage"]["cancel"].endswith(f"/api/v1/appointments/{body['uuid']}/cancel")
    assert body["manage"]["move"].endswith(f"/api/v1/appointments/{body['uuid']}/move")
    assert body["manage"]["until"] == "2026-03-03T09:30:00+01:00"
    appointment = Appointment.objects.get(uuid=body["uuid"])
    assert appointment.channel == "web"
    assert appointment.booked_by is None
    assert appointment.person.surname == "de Vries"
    # The tokens go to the resident only: the answer holds none of them.
    tokens = links(body["uuid"])
    assert tokens["cancel"] not in response.content.decode()
    assert tokens["move"] not in response.content.decode()
    # The time is taken now: the availability shows one desk fewer.
    free = web.get(
        "/api/v1/appointments/availability",
        {"municipality": "aadorp", "products": "paspoort:2", "from": "2026-03-03", "days": "1"},
    ).json()["slots"][0]
    assert free["start"] == "2026-03-03T09:00:00+01:00"
    assert free["free"] == 2


def test_the_last_place_taken_is_a_409_with_the_next_free_times(
    web: APIClient, municipality_a: Municipality
) -> None:
    single = make_location(municipality_a, name="Klein Loket", desks=1)
    first = web.post(
        "/api/v1/appointments", booking(single, "2026-03-03T09:00:00+01:00"), format="json"
    )
    assert first.status_code == 201
    other = booking(single, "2026-03-03T09:00:00+01:00")
    other["resident"] = {"surname": "Jansen", "email": "jansen@example.org"}
    second = web.post("/api/v1/appointments", other, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert second.status_code == 409
    assert second["Content-Type"] == PROBLEM
    body = second.json()
    assert body["code"] == "slot-taken"
    assert body["detail"] == (
        "Someone else just booked this time. Choose one of the next free times."
    )
    # One desk, 09:00-09:30 taken: the next 30 minutes free start at 09:30, every 10 minutes.
    assert [alt["start"] for alt in body["alternatives"]] == [
        "2026-03-03T09:30:00+01:00",
        "2026-03-03T09:40:00+01:00",
        "2026-03-03T09:50:00+01:00",
        "2026-03-03T10:00:00+01:00",
        "2026-03-03T10:10:00+01:00",
    ]
    assert body["alternatives"][0]["location"]["name"] == "Klein Loket"
    assert Appointment.objects.filter(location=single).count() == 1


@pytest.mark.parametrize(
    ("start", "field", "message"),
    [
        (
            "2026-03-01T09:00:00+01:00",
            "start",
            "This time has passed. Choose a time in the future.",
        ),
        (
            "2026-03-02T07:50:00+01:00",
            "start",
            "This time has passed. Choose a time in the future.",
        ),
        ("2026-03-02T09:00:00+01:00", "start", "Book at least 2 hours ahead."),
        ("2026-03-02T09:50:00+01:00", "start", "Book at least 2 hours ahead."),
        ("2026-03-07T10:00:00+01:00", "start", "Stadswinkel is closed on 07-03-2026"),
        ("2026-03-03T12:10:00+01:00", "start", "Your products need 30 minutes"),
        ("2026-03-03T09:05:00+01:00", "start", "Appointments start every 10 minutes."),
        ("2026-03-03T18:00:00+01:00", "start", "Stadswinkel is not open at 18:00"),
        ("2026-07-01T10:00:00+02:00", "start", "You can book at most 90 days ahead."),
    ],
)
def test_a_time_the_service_refuses_is_a_problem_naming_start(
    web: APIClient, location: Location, start: str, field: str, message: str
) -> None:
    response = web.post(
        "/api/v1/appointments", booking(location, start), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith(message)
    assert invalid(response)[field].startswith(message)
    assert not Appointment.objects.exists()


def test_refusals_speak_dutch_by_default(web: APIClient, location: Location) -> None:
    response = web.post(
        "/api/v1/appointments", booking(location, "2026-03-01T09:00:00+01:00"), format="json"
    )
    assert response.status_code == 422
    assert response["Content-Language"] == "nl"
    assert response.json()["title"] == "De wijziging is geweigerd"
    english = web.post(
        "/api/v1/appointments",
        booking(location, "2026-03-01T09:00:00+01:00"),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english["Content-Language"] == "en"
    assert english.json()["title"] == "The change was refused"


def test_a_booking_with_bad_fields_is_a_400_naming_them(web: APIClient, location: Location) -> None:
    body = booking(location, "morgen", products=[]) | {"location": "nergens"}
    body["resident"] = {"email": "geen-adres"}
    response = web.post("/api/v1/appointments", body, format="json")
    assert response.status_code == 400
    assert {"start", "products", "location", "resident.surname", "resident.email"} <= set(
        invalid(response)
    )


def test_a_resident_without_address_or_phone_is_refused_on_the_resident_field(
    web: APIClient, location: Location
) -> None:
    body = booking(location, "2026-03-03T09:00:00+01:00")
    body["resident"] = {"surname": "de Vries"}
    response = web.post("/api/v1/appointments", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert invalid(response) == {
        "resident.email": "Give an e-mail address or a mobile number, so we can send the"
        " confirmation."
    }


def test_the_limit_per_person_holds_through_the_api(web: APIClient, location: Location) -> None:
    for start in ("2026-03-03T09:00:00+01:00", "2026-03-04T09:00:00+01:00"):
        assert (
            web.post("/api/v1/appointments", booking(location, start), format="json").status_code
            == 201
        )
    third = web.post(
        "/api/v1/appointments", booking(location, "2026-03-05T09:00:00+01:00"), format="json"
    )
    assert third.status_code == 409
    assert third.json()["code"] == "appointment-limit"


def test_only_staff_choose_another_channel(
    web: APIClient, location: Location, staff_a: Any
) -> None:
    body = booking(location, "2026-03-03T09:00:00+01:00", channel="telefoon")
    refused = web.post("/api/v1/appointments", body, format="json")
    assert refused.status_code == 400
    assert "channel" in invalid(refused)
    booked = staff_client(staff_a).post("/api/v1/appointments", body, format="json")
    assert booked.status_code == 201, booked.content
    appointment = Appointment.objects.get(uuid=booked.json()["uuid"])
    assert appointment.channel == "telefoon"
    assert appointment.booked_by == staff_a
    assert appointment.contact is not None  # the call is registered with the booking


def test_staff_whose_role_may_not_book_are_refused(
    location: Location, municipality_a: Municipality
) -> None:
    worker = StaffFactory.create(
        username="case-worker-a", role=Role.CASE_WORKER, municipalities=[municipality_a]
    )
    response = staff_client(worker).post(
        "/api/v1/appointments", booking(location, "2026-03-03T09:00:00+01:00"), format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not-permitted"
    assert not Appointment.objects.exists()


# --- cancelling and moving -------------------------------------------------------------------


@pytest.fixture
def booked(web: APIClient, location: Location) -> dict[str, Any]:
    response = web.post(
        "/api/v1/appointments", booking(location, "2026-03-03T09:00:00+01:00"), format="json"
    )
    assert response.status_code == 201
    body: dict[str, Any] = response.json()
    return body


def test_the_resident_cancels_with_the_token_of_their_link(
    web: APIClient, booked: dict[str, Any]
) -> None:
    token = links(booked["uuid"])["cancel"]
    response = web.post(booked["manage"]["cancel"], {"token": token}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert Appointment.objects.get(uuid=booked["uuid"]).status == "cancelled"
    again = web.post(
        booked["manage"]["cancel"], {"token": token}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert again.status_code == 410
    assert again.json()["code"] == "token-refused"
    assert "used" in again.json()["detail"] or "no longer" in again.json()["detail"]


@pytest.mark.parametrize("token", ["made-up", "move"])
def test_a_wrong_token_cancels_nothing(web: APIClient, booked: dict[str, Any], token: str) -> None:
    if token == "move":  # the move link's token is not a cancel token
        token = links(booked["uuid"])["move"]
    response = web.post(booked["manage"]["cancel"], {"token": token}, format="json")
    assert response.status_code == 410
    assert response.json()["code"] == "token-refused"
    assert Appointment.objects.get(uuid=booked["uuid"]).status == "booked"


def test_a_token_of_another_appointment_cancels_nothing(
    web: APIClient, booked: dict[str, Any], location: Location
) -> None:
    other = booking(location, "2026-03-04T09:00:00+01:00")
    other["resident"] = {"surname": "Jansen", "email": "jansen@example.org"}
    second = web.post("/api/v1/appointments", other, format="json").json()
    response = web.post(
        booked["manage"]["cancel"], {"token": links(second["uuid"])["cancel"]}, format="json"
    )
    assert response.status_code == 410
    assert Appointment.objects.filter(status="booked").count() == 2


def test_without_a_token_only_staff_of_the_municipality_cancel(
    web: APIClient, booked: dict[str, Any], staff_a: Any, staff_b: Any
) -> None:
    anonymous = web.post(booked["manage"]["cancel"], {}, format="json")
    assert anonymous.status_code == 400
    assert "token" in invalid(anonymous)
    outsider = staff_client(staff_b).post(booked["manage"]["cancel"], {}, format="json")
    assert outsider.status_code == 404
    assert Appointment.objects.get(uuid=booked["uuid"]).status == "booked"
    staff = staff_client(staff_a).post(booked["manage"]["cancel"], {}, format="json")
    assert staff.status_code == 200
    assert staff.json()["status"] == "cancelled"


def test_an_unknown_appointment_is_a_404(web: APIClient, location: Location) -> None:
    response = web.post(
        "/api/v1/appointments/00000000-0000-0000-0000-000000000000/cancel",
        {"token": "x"},
        format="json",
    )
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_the_resident_moves_with_the_token_of_their_link(
    web: APIClient, booked: dict[str, Any], municipality_a: Municipality
) -> None:
    noord = make_location(municipality_a, name="Servicepunt Noord")
    old = links(booked["uuid"])
    response = web.post(
        booked["manage"]["move"],
        {"token": old["move"], "location": str(noord.uuid), "start": "2026-03-04T14:00:00+01:00"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["uuid"] == booked["uuid"]
    assert body["start"] == "2026-03-04T14:00:00+01:00"
    assert body["end"] == "2026-03-04T14:30:00+01:00"
    assert body["location"]["name"] == "Servicepunt Noord"
    # The used link and the old cancel link stop working; the new mail's links work.
    assert (
        web.post(booked["manage"]["cancel"], {"token": old["cancel"]}, format="json").status_code
        == 410
    )
    fresh = links(booked["uuid"])
    assert fresh["cancel"] != old["cancel"]
    assert (
        web.post(booked["manage"]["cancel"], {"token": fresh["cancel"]}, format="json").status_code
        == 200
    )


def test_a_move_to_a_taken_time_offers_alternatives(
    web: APIClient, municipality_a: Municipality
) -> None:
    single = make_location(municipality_a, name="Klein Loket", desks=1)
    mine = web.post(
        "/api/v1/appointments", booking(single, "2026-03-03T09:00:00+01:00"), format="json"
    ).json()
    other = booking(single, "2026-03-03T10:00:00+01:00")
    other["resident"] = {"surname": "Jansen", "email": "jansen@example.org"}
    assert web.post("/api/v1/appointments", other, format="json").status_code == 201
    response = web.post(
        mine["manage"]["move"],
        {"token": links(mine["uuid"])["move"], "start": "2026-03-03T10:00:00+01:00"},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "slot-taken"
    assert body["alternatives"][0]["start"] == "2026-03-03T10:30:00+01:00"
    assert Appointment.objects.get(uuid=mine["uuid"]).starts_at == datetime(
        2026, 3, 3, 9, 0, tzinfo=AMSTERDAM
    )


def test_a_move_with_bad_fields_is_a_400(web: APIClient, booked: dict[str, Any]) -> None:
    token = links(booked["uuid"])["move"]
    response = web.post(
        booked["manage"]["move"], {"token": token, "location": "x", "start": "nu"}, format="json"
    )
    assert response.status_code == 400
    assert {"location", "start"} <= set(invalid(response))


def test_the_openapi_document_describes_the_appointment_endpoints(web: APIClient) -> None:
    document = web.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert {
        "/api/v1/appointments/availability",
        "/api/v1/appointments",
        "/api/v1/appointments/{uuid}/cancel",
        "/api/v1/appointments/{uuid}/move",
    } <= set(paths)
    taken = paths["/api/v1/appointments"]["post"]["responses"]["409"]
    assert taken["content"]["application/problem+json"]
