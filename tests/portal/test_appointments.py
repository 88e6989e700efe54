"""Making an appointment on the municipality's site, and moving or cancelling it with the
links in the confirmation or in Mijn Loket (issue 14, item 4).

Time stands still on Monday 7 December 2026, 08:00 in Amsterdam: with the default rules the
first bookable moment is 10:00 that day. The Stadswinkel (tests/appointments/conftest.py) is
open on weekdays 09:00-12:30 and 13:30-17:00 on a 10-minute grid.

Texts are checked in English where they are ours (the Dutch translations arrive through the
PO file), and in Dutch where Django supplies them (day and month names).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from loket.appointments.models import Appointment, AppointmentSettings
from loket.appointments.services import Resident, appointment_book
from loket.catalogue.models import Product
from loket.lib.calendar import AMSTERDAM
from loket.notifications.models import OutboxMessage
from tests.appointments.conftest import make_location
from tests.portal.conftest import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_login_on")]

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=AMSTERDAM)
TEN = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def stadswinkel(town: Any) -> Any:
    return make_location(town)


@pytest.fixture
def passport(catalogue: None) -> Product:
    return Product.objects.get(slug="paspoort")


def url(name: str, town: Any, **kwargs: Any) -> str:
    return reverse(f"portal:{name}", kwargs={"municipality": town.slug, **kwargs})


def english(client: Any) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def slot_query(location: Any, moment: datetime, products: str = "paspoort:2") -> str:
    return f"p={products}&locatie={location.uuid}&tijd={moment:%Y-%m-%dT%H:%MZ}"


DETAILS = {"first_name": "Anna", "surname": "de Vries", "email": "anna@example.org"}


def to_summary(client: Any, town: Any, location: Any, moment: datetime, **details: str) -> Any:
    """Fill in the details for ``moment``; the response is the summary with "Confirm"."""
    target = url("appointment_details", town) + "?" + slot_query(location, moment)
    sent = client.post(target, {**DETAILS, "language": "nl", **details})
    assert sent.status_code == 302, sent.content.decode()
    return client.get(sent["Location"])


def key_of(page: Any) -> str:
    found = re.search(r'name="key" value="([0-9a-f]+)"', page.content.decode())
    assert found
    return found.group(1)


def book_for(town: Any, location: Any, moment: datetime, email: str = "ben@example.org") -> Any:
    return appointment_book(
        municipality=town,
        lines=[(Product.objects.get(slug="paspoort"), 1)],
        location=location,
        starts_at=moment,
        resident=Resident(surname="Bakker", first_name="Ben", email=email),
    )


def link_token(appointment: Any, action: str) -> str:
    """The raw token in the latest message to the resident (only its hash is stored)."""
    path = "annuleren" if action == "cancel" else "verzetten"
    message = OutboxMessage.objects.filter(person=appointment.person).order_by("-pk").first()
    assert message is not None
    found = re.search(rf"/afspraak/{path}/([A-Za-z0-9_-]+)", message.body_text)
    assert found
    return found.group(1)


# --- booking without logging in -------------------------------------------------------------


def test_anonymous_resident_books_two_passports_from_the_product_page(
    client: Any, town: Any, stadswinkel: Any, passport: Any
) -> None:
    product_page = client.get(url("product", town, product="paspoort")).content.decode()
    start = url("appointment_start", town) + "?product=paspoort"
    assert f'href="{start}"' in product_page
    page = client.get(start).content.decode()
    assert '<option value="1" selected>' in page  # the product is preselected for one person

    chosen = client.get(url("appointment_start", town), {"aantal-paspoort": "2", "verder": "1"})
    assert chosen.status_code == 302
    times = client.get(chosen["Location"])
    html = times.content.decode()
    assert "2 \u00d7 Paspoort aanvragen" in html
    assert "30" in html  # two passports of 15 minutes
    first = re.search(r'data-testid="first-free">(.*?)</ul>', html, re.S)
    assert first and "maandag 7 december 2026" in first.group(1) and "10:00" in first.group(1)
    details_url = url("appointment_details", town) + "?" + slot_query(stadswinkel, TEN)
    assert details_url.replace("&", "&amp;") in html
    assert "dinsdag 8 december" in html  # the week below, day by day

    form = client.get(details_url)
    assert 'name="surname"' in form.content.decode()
    summary = to_summary(client, town, stadswinkel, TEN)
    text = summary.content.decode()
    assert "anna@example.org" in text and "Stadswinkel" in text and "Markt 1" in text
    assert "maandag 7 december 2026" in text and "10:00" in text
    assert Appointment.objects.count() == 0

    key = key_of(summary)
    booked = client.post(
        summary.request["PATH_INFO"] + "?" + summary.request["QUERY_STRING"], {"key": key}
    )
    assert booked.status_code == 302
    appointment = Appointment.objects.get()
    assert booked["Location"] == url("appointment_done", town, uuid=appointment.uuid)
    assert appointment.starts_at == TEN and appointment.channel == "web"
    assert appointment.person.surname == "de Vries"
    assert [(line.product.slug, line.persons) for line in appointment.lines.all()] == [
        ("paspoort", 2)
    ]

    done = client.get(booked["Location"]).content.decode()
    assert appointment.reference in done
    assert "maandag 7 december 2026" in done and "10:00" in done
    assert "anna@example.org" in done  # "we sent a confirmation to ..."
    bring = re.search(r'data-testid="bring">(.*?)</ul>', done, re.S)
    assert bring and "pasfoto" in bring.group(1).lower()
    assert "afspraak" not in bring.group(1).lower()

    message = OutboxMessage.objects.get(event="appointment_booked")
    assert message.recipient == "anna@example.org"
    assert message.attachment_name == "afspraak.ics"
    assert "BEGIN:VEVENT" in message.attachment_text
    assert "DTSTART;TZID=Europe/Amsterdam:20261207T100000" in message.attachment_text

    ics = client.get(url("appointment_ics", town, uuid=appointment.uuid))
    assert ics["Content-Type"].startswith("text/calendar")
    assert "DTSTART;TZID=Europe/Amsterdam:20261207T100000" in ics.content.decode()

    # Clicking "Bevestigen" again (back button, double click) shows the same booking.
    again = client.post(
        booked.request["PATH_INFO"] + "?" + booked.request["QUERY_STRING"], {"key": key}
    )
    assert again["Location"] == booked["Location"]
    assert Appointment.objects.count() == 1


def test_an_outsider_sees_neither_the_confirmation_nor_the_calendar_file(
    client: Any, town: Any, stadswinkel: Any, passport: Any, resident: Any
) -> None:
    appointment = book_for(town, stadswinkel, TEN)
    assert client.get(url("appointment_done", town, uuid=appointment.uuid)).status_code == 404
    assert client.get(url("appointment_ics", town, uuid=appointment.uuid)).status_code == 404
    login(client, town, resident)  # another resident, logged in
    assert client.get(url("appointment_done", town, uuid=appointment.uuid)).status_code == 404
    assert client.get(url("appointment_ics", town, uuid=appointment.uuid)).status_code == 404


def test_the_time_page_in_english(client: Any, town: Any, stadswinkel: Any, passport: Any) -> None:
    english(client)
    page = client.get(url("appointment_time", town), {"p": ["paspoort:1"]})
    html = page.content.decode()
    assert '<html lang="en">' in html
    assert "First free time" in html and "Choose this time" in html
    assert "Monday 7 December 2026 at 10:00" in html
    assert "1 \u00d7 Apply for a passport" in html
    assert "The appointment takes about 15 minutes." in html
    later = client.get(url("appointment_time", town), {"p": ["paspoort:1"], "vanaf": "2026-12-14"})
    assert "Monday 14 December" in later.content.decode()
    assert "Earlier" in later.content.decode()


def test_choosing_no_product_or_too_many_persons_says_so(
    client: Any, town: Any, stadswinkel: Any, passport: Any
) -> None:
    english(client)
    nothing = client.get(url("appointment_start", town), {"aantal-paspoort": "0", "verder": "1"})
    assert nothing.status_code == 400
    assert "Choose at least one product." in nothing.content.decode()
    many = client.get(url("appointment_start", town), {"aantal-paspoort": "99", "verder": "1"})
    assert many.status_code == 400
    assert "Choose 0 to 10 persons." in many.content.decode()


def test_nothing_free_says_so_with_the_contact(client: Any, town: Any, passport: Any) -> None:
    english(client)
    town.phone = "14 0999"
    town.save()
    start = client.get(url("appointment_start", town)).content.decode()
    assert "You cannot make an appointment online with Stad at the moment." in start
    assert "14 0999" in start
    make_location(town, weekdays=())  # takes passports, but is never open
    page = client.get(url("appointment_time", town), {"p": "paspoort:1"}).content.decode()
    assert "There is no free time in the coming weeks" in page
    assert "14 0999" in page


# --- logged in ----------------------------------------------------------------------------


def test_logged_in_resident_is_not_asked_for_what_we_know(
    client: Any, town: Any, stadswinkel: Any, passport: Any, resident: Any
) -> None:
    login(client, town, resident)
    form = client.get(url("appointment_details", town) + "?" + slot_query(stadswinkel, TEN))
    html = form.content.decode()
    assert "Emma Visser" in html
    assert 'name="surname"' not in html and 'name="first_name"' not in html
    assert 'value="emma@example.org"' in html
    summary = to_summary(client, town, stadswinkel, TEN, email="emma@example.org")
    assert "Emma Visser" in summary.content.decode()
    booked = client.post(
        summary.request["PATH_INFO"] + "?" + summary.request["QUERY_STRING"],
        {"key": key_of(summary)},
    )
    appointment = Appointment.objects.get()
    assert appointment.person == resident  # found by the BSN from DigiD, not a new person
    assert client.get(booked["Location"]).status_code == 200
    mine = client.get(url("mijn_appointments", town)).content.decode()
    assert appointment.reference in mine


# --- races and refusals ---------------------------------------------------------------------


def test_time_taken_meanwhile_offers_the_next_free_times_and_books_nothing(
    client: Any, town: Any, passport: Any
) -> None:
    english(client)
    single = make_location(town, name="Dorpshuis", desks=1)
    summary = to_summary(client, town, single, TEN)
    other = book_for(town, single, TEN)  # someone else, between choosing and confirming
    taken = client.post(
        summary.request["PATH_INFO"] + "?" + summary.request["QUERY_STRING"],
        {"key": key_of(summary)},
    )
    assert taken.status_code == 409
    html = taken.content.decode()
    assert "Someone else just booked this time" in html
    alternatives = re.search(r'data-testid="alternatives">(.*?)</p>', html, re.S)
    assert alternatives and "Monday 7 December at 10:30" in alternatives.group(1)
    assert list(Appointment.objects.all()) == [other]
    # One of the alternatives, confirmed with the same details, books.
    href = re.search(r'href="([^"]+)"', alternatives.group(1))
    assert href
    choose = client.get(href.group(1).replace("&amp;", "&"))
    assert choose.status_code == 200
    done = client.post(
        choose.request["PATH_INFO"] + "?" + choose.request["QUERY_STRING"], {"key": key_of(choose)}
    )
    assert done.status_code == 302
    assert Appointment.objects.count() == 2


def test_over_the_limit_is_refused_on_the_summary(
    client: Any, town: Any, stadswinkel: Any, passport: Any
) -> None:
    english(client)
    AppointmentSettings.objects.create(municipality=town, per_person_limit=1)
    book_for(town, stadswinkel, TEN, email="anna@example.org")
    summary = to_summary(client, town, stadswinkel, datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    refused = client.post(
        summary.request["PATH_INFO"] + "?" + summary.request["QUERY_STRING"],
        {"key": key_of(summary)},
    )
    assert refused.status_code == 409
    assert "You already have 1 coming appointment" in refused.content.decode()
    assert Appointment.objects.count() == 1


def test_details_need_a_surname_and_a_way_to_reach_you(
    client: Any, town: Any, stadswinkel: Any, passport: Any
) -> None:
    english(client)
    target = url("appointment_details", town) + "?" + slot_query(stadswinkel, TEN)
    empty = client.post(target, {"language": "nl"})
    assert empty.status_code == 400
    html = empty.content.decode()
    assert "This field is required." in html
    assert "Give an e-mail address or a mobile number" in html
    bad_phone = client.post(target, {"surname": "X", "phone": "abc", "language": "nl"})
    assert "This is not a phone number we can call" in bad_phone.content.decode()


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("p=paspoort:1&locatie=LOC&tijd=morgen", 400, "We cannot read the time you chose."),
        ("p=paspoort:1&locatie=LOC&tijd=2026-12-07T09:00:00Z", 400, "We cannot read the time"),
        ("p=paspoort:1&locatie=LOC&tijd=2026-13-45T09:00Z", 400, "We cannot read the time"),
        ("p=paspoort:1&locatie=LOC&tijd=2026-12-07T06:00Z", 422, "This time has passed."),
        ("p=paspoort:1&locatie=LOC&tijd=2026-12-07T08:30Z", 422, "Book at least 2 hours ahead."),
        ("p=paspoort:1&locatie=LOC&tijd=2027-06-07T08:30Z", 422, "at most 90 days ahead"),
        ("p=paspoort:1&locatie=LOC&tijd=2026-12-12T09:00Z", 422, "is closed on 12-12-2026"),
        ("p=paspoort:1&locatie=LOC&tijd=2026-12-07T09:05Z", 422, "start every 10 minutes"),
        (
            "p=paspoort:1&locatie=00000000-0000-0000-0000-000000000000&tijd=2026-12-07T09:00Z",
            404,
            "We do not know this location",
        ),
        ("p=paspoort:1&locatie=geen-uuid&tijd=2026-12-07T09:00Z", 404, "We do not know this"),
        ("p=kapsalon:1&locatie=LOC&tijd=2026-12-07T09:00Z", 400, "We do not know the product"),
        ("p=paspoort:x&locatie=LOC&tijd=2026-12-07T09:00Z", 400, "We do not know the product"),
        ("p=paspoort:11&locatie=LOC&tijd=2026-12-07T09:00Z", 422, "Choose 1 to 10 persons"),
        ("locatie=LOC&tijd=2026-12-07T09:00Z", 422, "Choose at least one product."),
    ],
)
def test_bad_parameters_give_a_message_not_an_error(
    client: Any, town: Any, stadswinkel: Any, passport: Any, query: str, status: int, message: str
) -> None:
    english(client)
    response = client.get(
        url("appointment_details", town) + "?" + query.replace("LOC", str(stadswinkel.uuid))
    )
    assert response.status_code == status
    assert message in response.content.decode()


def test_bad_parameters_on_the_time_page(
    client: Any, town: Any, stadswinkel: Any, passport: Any
) -> None:
    english(client)
    target = url("appointment_time", town)
    date = client.get(target, {"p": "paspoort:1", "vanaf": "gisteren"})
    assert date.status_code == 400 and "We cannot read the date" in date.content.decode()
    where = client.get(target, {"p": "paspoort:1", "locatie": "x\x00"})
    assert where.status_code == 400
    unknown = client.get(
        target, {"p": "paspoort:1", "locatie": "3f0e8a6e-0000-4000-8000-000000000000"}
    )
    assert unknown.status_code == 404
    beyond = client.get(target, {"p": "paspoort:1", "vanaf": "2027-12-01"})
    assert beyond.status_code == 200
    assert "You can book at most 90 days ahead." in beyond.content.decode()
    past = client.get(target, {"p": "paspoort:1", "vanaf": "2020-01-01"})
    assert "Monday 7 December" in past.content.decode()  # from today, not from the past


def test_another_municipality_cannot_book_at_a_location_that_does_not_serve_it(
    client: Any, town: Any, passport: Any, municipality_b: Any
) -> None:
    english(client)
    make_location(town)
    elsewhere = make_location(municipality_b, name="Elders")
    response = client.get(
        url("appointment_details", town) + "?" + slot_query(elsewhere, TEN, "paspoort:1")
    )
    assert response.status_code == 404


# --- the links in the confirmation -----------------------------------------------------------


def test_cancel_with_the_link_works_once(
    client: Any, town: Any, stadswinkel: Any, passport: Any
) -> None:
    english(client)
    appointment = book_for(town, stadswinkel, TEN)
    token = link_token(appointment, "cancel")
    page = client.get(url("appointment_cancel", town, token=token))
    html = page.content.decode()
    assert page.status_code == 200
    assert appointment.reference in html and "Ben Bakker" in html and "Stadswinkel" in html
    assert "ben@example.org" not in html  # only what is needed
    cancelled = client.post(url("appointment_cancel", town, token=token))
    assert "Your appointment is cancelled" in cancelled.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    again = client.get(url("appointment_cancel", town, token=token))
    assert again.status_code == 410
    assert "This link has been used." in again.content.decode()
    assert "Make a new appointment" in again.content.decode()
    twice = client.post(url("appointment_cancel", town, token=token))
    assert twice.status_code == 410


def test_move_with_the_link(client: Any, town: Any, stadswinkel: Any, passport: Any) -> None:
    english(client)
    appointment = book_for(town, stadswinkel, TEN)
    token = link_token(appointment, "move")
    target = url("appointment_move", town, token=token)
    times = client.get(target).content.decode()
    assert appointment.reference in times and "Monday 7 December 2026 at 10:00" in times
    later = datetime(2026, 12, 8, 13, 0, tzinfo=UTC)  # Tuesday 14:00
    choose = f"{target}?locatie={stadswinkel.uuid}&tijd=2026-12-08T13:00Z"
    assert choose.replace("&", "&amp;") in times
    confirm = client.get(choose)
    assert "Tuesday 8 December 2026 at 14:00" in confirm.content.decode()
    moved = client.post(choose)
    assert "Your appointment is moved" in moved.content.decode()
    appointment.refresh_from_db()
    assert appointment.starts_at == later and appointment.sequence == 1
    assert client.get(target).status_code == 410  # the old link is used up
    message = OutboxMessage.objects.get(event="appointment_moved")
    assert "SEQUENCE:1" in message.attachment_text


def test_an_expired_or_unknown_link_is_gone(
    client: Any, town: Any, stadswinkel: Any, passport: Any
) -> None:
    english(client)
    appointment = book_for(town, stadswinkel, TEN)
    token = link_token(appointment, "cancel")
    assert client.get(url("appointment_cancel", town, token="onzin")).status_code == 410
    with time_machine.travel(datetime(2026, 12, 7, 12, 0, tzinfo=AMSTERDAM), tick=False):
        expired = client.get(url("appointment_cancel", town, token=token))
        assert expired.status_code == 410
        assert "can no longer be changed with this link" in expired.content.decode()
        assert appointment.reference not in expired.content.decode()


def test_a_link_on_another_municipality_site_does_not_work(
    client: Any, town: Any, stadswinkel: Any, passport: Any, municipality_b: Any
) -> None:
    appointment = book_for(town, stadswinkel, TEN)
    token = link_token(appointment, "cancel")
    assert client.get(url("appointment_cancel", municipality_b, token=token)).status_code == 410
    assert client.post(url("appointment_cancel", municipality_b, token=token)).status_code == 410
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_a_bad_time_on_the_move_page_is_a_message(
    client: Any, town: Any, stadswinkel: Any, passport: Any
) -> None:
    english(client)
    appointment = book_for(town, stadswinkel, TEN)
    target = url("appointment_move", town, token=link_token(appointment, "move"))
    response = client.post(f"{target}?locatie={stadswinkel.uuid}&tijd=2026-12-05T09:00Z")
    assert response.status_code == 422
    assert "This time has passed" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.starts_at == TEN


# --- Mijn Loket --------------------------------------------------------------------------------


def test_mijn_loket_lists_moves_and_cancels_and_hides_others(
    client: Any, town: Any, stadswinkel: Any, passport: Any, resident: Any, neighbour: Any
) -> None:
    english(client)
    mine = appointment_book(
        municipality=town,
        lines=[(passport, 1)],
        location=stadswinkel,
        starts_at=TEN,
        person=resident,
    )
    theirs = appointment_book(
        municipality=town,
        lines=[(passport, 1)],
        location=stadswinkel,
        starts_at=TEN,
        person=neighbour,
    )
    assert client.get(url("mijn_appointments", town)).status_code == 302  # login first
    login(client, town, resident)
    page = client.get(url("mijn_appointments", town)).content.decode()
    assert mine.reference in page and theirs.reference not in page
    assert "Your appointments" in client.get(url("mijn", town)).content.decode()
    for name in ("mijn_appointment_cancel", "mijn_appointment_move", "appointment_done"):
        assert client.get(url(name, town, uuid=theirs.uuid)).status_code == 404
        assert client.post(url(name, town, uuid=theirs.uuid)).status_code in (404, 405)
    theirs.refresh_from_db()
    assert theirs.status == Appointment.Status.BOOKED

    move = url("mijn_appointment_move", town, uuid=mine.uuid)
    moved = client.post(f"{move}?locatie={stadswinkel.uuid}&tijd=2026-12-09T08:00Z")
    assert "Your appointment is moved" in moved.content.decode()
    mine.refresh_from_db()
    assert mine.starts_at == datetime(2026, 12, 9, 8, 0, tzinfo=UTC)

    cancelled = client.post(url("mijn_appointment_cancel", town, uuid=mine.uuid))
    assert "Your appointment is cancelled" in cancelled.content.decode()
    mine.refresh_from_db()
    assert mine.status == Appointment.Status.CANCELLED
    page = client.get(url("mijn_appointments", town)).content.decode()
    past = re.search(r'data-testid="past">(.*?)</ul>', page, re.S)
    assert past and mine.reference in past.group(1) and "cancelled" in past.group(1)
    assert "You have no coming appointments." in page


def test_a_second_click_while_the_first_is_booking_does_not_book_twice(
    client: Any, town: Any, stadswinkel: Any, passport: Any
) -> None:
    """Two clicks at once: the second request read the session before the first one stored
    its booking there. The shared cache still knows the submission key."""
    from loket.portal.appointments import BOOKED_KEY, DRAFT_KEY

    summary = to_summary(client, town, stadswinkel, TEN)
    target = summary.request["PATH_INFO"] + "?" + summary.request["QUERY_STRING"]
    draft = client.session[DRAFT_KEY]
    first = client.post(target, {"key": key_of(summary)})
    session = client.session
    session[BOOKED_KEY] = {}
    session[DRAFT_KEY] = draft
    session.save()
    second = client.post(target, {"key": key_of(summary)})
    assert second["Location"] == first["Location"]
    assert Appointment.objects.count() == 1
    assert client.get(second["Location"]).status_code == 200
