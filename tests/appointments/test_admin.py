"""The appointments' admin (issue 14): locations with their hours, exceptions and desks, and the
booking rules, for administrators of their own municipalities only; appointments and tickets to
look up, never to change; the models' rules shown as form errors, not as a 500."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from loket.accounts.models import Role, User
from loket.appointments.models import (
    Appointment,
    AppointmentSettings,
    ExceptionDay,
    Location,
    OpeningHours,
)
from loket.appointments.services import Resident, appointment_book
from loket.catalogue.models import Product
from loket.lib.calendar import AMSTERDAM
from loket.tenancy.models import Municipality
from tests.accounts.personas import staff
from tests.appointments.conftest import make_location

pytestmark = pytest.mark.django_db

# A Tuesday morning, so a booking for the afternoon is inside every rule.
TUESDAY = datetime(2026, 12, 8, 8, 0, tzinfo=AMSTERDAM)


def admin_of(*towns: Municipality) -> User:
    return staff(Role.ADMINISTRATOR, *towns, is_staff=True)


def bare_location(municipality: Municipality, name: str = "Gemeentewinkel") -> Location:
    """A location without hours, exceptions or desks, so a form post needs no existing rows."""
    return Location.objects.create(
        municipality=municipality,
        name=name,
        street="Markt 1",
        postcode="1234 AB",
        city=municipality.name,
    )


def location_form(location: Location, **rows: list[dict[str, str]]) -> dict[str, Any]:
    """The change form of ``location`` as posted, with new inline ``rows`` per prefix."""
    data: dict[str, Any] = {
        "municipality": str(location.municipality_id),
        "name": location.name,
        "street": location.street,
        "postcode": location.postcode,
        "city": location.city,
        "slot_minutes": str(location.slot_minutes),
        "is_active": "on",
    }
    for prefix in ("hours", "exceptions", "desks"):
        new = rows.get(prefix, [])
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(new)),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for index, row in enumerate(new):
            data |= {f"{prefix}-{index}-{key}": value for key, value in row.items()}
    return data


def change_url(location: Location) -> str:
    return reverse("admin:appointments_location_change", args=[location.pk])


def test_an_administrator_sees_and_changes_only_the_locations_of_their_municipality(
    client: Client, municipality_a: Municipality, municipality_b: Municipality
) -> None:
    own = bare_location(municipality_a, "Gemeentewinkel Aadorp")
    other = bare_location(municipality_b, "Gemeentewinkel Beedorp")
    client.force_login(admin_of(municipality_a))

    listing = client.get(reverse("admin:appointments_location_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [own]
    page = listing.content.decode()
    assert "Gemeentewinkel Aadorp" in page and "Gemeentewinkel Beedorp" not in page

    assert client.get(change_url(own)).status_code == 200
    # Another municipality's location is not there for them: back to the admin's index.
    assert client.get(change_url(other)).status_code == 302
    moved = location_form(other, hours=[{"weekday": "0", "opens": "09:00", "closes": "12:00"}])
    client.post(change_url(other), moved)
    assert not OpeningHours.objects.filter(location=other).exists()

    # Nor can they make a location for a municipality they do not work for.
    form = client.get(reverse("admin:appointments_location_add")).context["adminform"].form
    assert list(form.fields["municipality"].queryset) == [municipality_a]
    response = client.post(
        reverse("admin:appointments_location_add"),
        location_form(bare_location(municipality_b, "Sjabloon")) | {"name": "Ingeslopen"},
    )
    assert response.status_code == 200  # the form again: not a choice
    assert not Location.objects.filter(name="Ingeslopen").exists()


def test_an_administrator_adds_hours_an_exception_and_a_desk(
    client: Client, municipality_a: Municipality
) -> None:
    location = bare_location(municipality_a)
    passport = Product.objects.get(slug="paspoort")
    client.force_login(admin_of(municipality_a))
    response = client.post(
        change_url(location),
        location_form(
            location,
            hours=[{"weekday": "3", "opens": "18:00", "closes": "20:00"}],
            exceptions=[{"day": "2026-12-24", "kind": "closed", "reason": "Kerstavond"}],
            desks=[{"name": "Balie 1", "products": str(passport.pk), "is_active": "on"}],
        ),
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    assert list(location.hours.values_list("weekday", "opens", "closes")) == [
        (3, time(18), time(20))
    ]
    assert location.exceptions.get().reason == "Kerstavond"
    assert list(location.desks.get().products.all()) == [passport]


def test_an_extra_opening_without_times_is_a_form_error(
    client: Client, municipality_a: Municipality
) -> None:
    location = bare_location(municipality_a)
    client.force_login(admin_of(municipality_a))
    response = client.post(
        change_url(location),
        location_form(location, exceptions=[{"day": "2026-12-19", "kind": "extra"}]),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Een extra opening heeft een openings- en sluitingstijd nodig." in page
    assert not ExceptionDay.objects.filter(location=location).exists()


def test_closing_before_opening_is_a_form_error_said_once(
    client: Client, municipality_a: Municipality
) -> None:
    location = bare_location(municipality_a)
    client.force_login(admin_of(municipality_a))
    response = client.post(
        change_url(location),
        location_form(location, hours=[{"weekday": "0", "opens": "17:00", "closes": "09:00"}]),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("De sluitingstijd moet na de openingstijd liggen.") == 1
    assert not OpeningHours.objects.filter(location=location).exists()


def test_a_front_office_user_gets_no_access(client: Client, municipality_a: Municipality) -> None:
    location = make_location(municipality_a)
    client.force_login(staff(Role.FRONT_OFFICE, municipality_a, is_staff=True))
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "/admin/appointments/" not in index.content.decode()
    for url in (
        reverse("admin:appointments_location_changelist"),
        change_url(location),
        reverse("admin:appointments_location_add"),
        reverse("admin:appointments_appointmentsettings_changelist"),
        reverse("admin:appointments_appointment_changelist"),
        reverse("admin:appointments_ticket_changelist"),
        reverse("admin:app_list", args=["appointments"]),
    ):
        assert client.get(url).status_code in (403, 404), url
    response = client.post(change_url(location), location_form(location))
    assert response.status_code == 403
    assert Location.objects.get(pk=location.pk).name == "Stadswinkel"


def test_booking_rules_only_for_their_own_municipality(
    client: Client, municipality_a: Municipality, municipality_b: Municipality
) -> None:
    own = AppointmentSettings.objects.create(municipality=municipality_a, latest_days=60)
    AppointmentSettings.objects.create(municipality=municipality_b, latest_days=30)
    client.force_login(admin_of(municipality_a))
    listing = client.get(reverse("admin:appointments_appointmentsettings_changelist"))
    assert list(listing.context["cl"].result_list) == [own]
    url = reverse("admin:appointments_appointmentsettings_change", args=[own.pk])
    response = client.post(
        url,
        {
            "municipality": str(municipality_a.pk),
            "earliest_hours": "4",
            "latest_days": "42",
            "per_person_limit": "1",
            "reminder_days_before": "2",
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.earliest_hours, own.latest_days, own.per_person_limit) == (4, 42, 1)


@pytest.fixture
def booked(municipality_a: Municipality) -> Appointment:
    location = make_location(municipality_a)
    with time_machine.travel(TUESDAY, tick=False):
        return appointment_book(
            municipality=municipality_a,
            lines=[(Product.objects.get(slug="paspoort"), 1)],
            location=location,
            starts_at=TUESDAY.replace(hour=14),
            resident=Resident(surname="Visser", first_name="Emma", email="emma@example.org"),
        )


def test_appointments_are_looked_up_not_changed(
    client: Client, municipality_a: Municipality, booked: Appointment
) -> None:
    client.force_login(admin_of(municipality_a))
    found = client.get(
        reverse("admin:appointments_appointment_changelist"), {"q": booked.reference}
    )
    assert list(found.context["cl"].result_list) == [booked]
    assert booked.reference in found.content.decode()
    by_day = client.get(
        reverse("admin:appointments_appointment_changelist"),
        {"starts_at__day": "8", "starts_at__month": "12", "starts_at__year": "2026"},
    )
    assert list(by_day.context["cl"].result_list) == [booked]
    url = reverse("admin:appointments_appointment_change", args=[booked.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Paspoort aanvragen" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()  # view only
    response = client.post(url, {"status": "cancelled"})
    assert response.status_code == 403
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.BOOKED
    assert client.get(reverse("admin:appointments_appointment_add")).status_code == 403
    delete = reverse("admin:appointments_appointment_delete", args=[booked.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Appointment.objects.filter(pk=booked.pk).exists()


def test_another_municipalitys_administrator_does_not_see_the_appointment(
    client: Client, municipality_b: Municipality, booked: Appointment
) -> None:
    client.force_login(admin_of(municipality_b))
    listing = client.get(reverse("admin:appointments_appointment_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == []
    assert booked.reference not in listing.content.decode()
    assert "Stadswinkel" not in listing.content.decode()  # not even in the location filter
    url = reverse("admin:appointments_appointment_change", args=[booked.pk])
    assert client.get(url).status_code == 302  # not there for them
    tickets = client.get(reverse("admin:appointments_ticket_changelist"), {"q": booked.reference})
    assert list(tickets.context["cl"].result_list) == []


def test_a_superuser_sees_every_location(
    client: Client, municipality_a: Municipality, municipality_b: Municipality
) -> None:
    bare_location(municipality_a, "Eerste")
    bare_location(municipality_b, "Tweede")
    root = staff(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(root)
    listing = client.get(reverse("admin:appointments_location_changelist"))
    assert {str(location) for location in listing.context["cl"].result_list} == {
        "Eerste",
        "Tweede",
    }
