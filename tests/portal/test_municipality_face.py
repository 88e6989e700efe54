"""A municipality has a face (issue 11, defect 8): logo, phone, address, opening hours and a
contact page, the service organisation's where it has none of its own; product channels say
how; the home leads with the most requested products."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from loket.accounts.models import Role
from loket.catalogue.models import Product
from loket.lib.calendar import AMSTERDAM
from loket.portal.selectors import most_requested, top_tasks_forget
from loket.tenancy.hours import parse_intervals, summary
from loket.tenancy.models import Municipality, Package, ServiceOrganisation
from tests.factories import ContactFactory, MunicipalityFactory, StaffFactory, make_case

pytestmark = pytest.mark.django_db

WEEK = ("mon", "tue", "wed", "thu", "fri")


@pytest.fixture
def organisation() -> ServiceOrganisation:
    return ServiceOrganisation.objects.create(
        slug="samen",
        name="Samen Dienstverlening",
        phone="14 0990",
        email="info@samen.example",
        postal_address="Postbus 99\n9990 AA Samen",
        opening_hours={"telefoon": {day: ["08:30-17:00"] for day in WEEK}},
        contact_text_nl="Bel of mail ons gerust.",
    )


@pytest.fixture
def waterdal(catalogue: None, organisation: ServiceOrganisation) -> Municipality:
    municipality = MunicipalityFactory.create(
        slug="waterdal",
        name="Waterdal",
        service_organisation=organisation,
        phone="14 0991",
        visiting_address="Stadhuis\nMarkt 1\n3311 AA Waterdal",
        counter_by_appointment=True,
        opening_hours={
            "balie": {
                **{day: ["09:00-16:30"] for day in WEEK},
                "thu": ["09:00-16:30", "18:00-20:00"],
            }
        },
    )
    municipality.additional_packages.set(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    return municipality


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- opening hours --------------------------------------------------------------------------


def test_opening_hours_read_as_people_write_them() -> None:
    translation.activate("nl")  # what a request would do; another test may have left English
    assert parse_intervals("8.30-12.30, 13:00 – 17:00") == ["08:30-12:30", "13:00-17:00"]  # noqa: RUF001
    assert parse_intervals("") == []
    for bad in ("9-17", "17.00-9.00", "9.00-12.00, 11.00-13.00", "25.00-26.00"):
        with pytest.raises(ValueError, match=r"\S"):
            parse_intervals(bad)
    hours = {
        "balie": {
            **{day: ["09:00-12:30"] for day in ("mon", "tue", "wed", "fri")},
            "thu": ["09:00-12:30", "18:00-20:00"],
            "sat": ["10:00-12:00"],
        }
    }
    assert summary(hours, "balie") == (
        "ma–wo 9.00–12.30; do 9.00–12.30 en 18.00–20.00; vr 9.00–12.30; za 10.00–12.00"  # noqa: RUF001
    )
    assert summary(hours, "telefoon") == ""


# --- footer, contact page, product channels -------------------------------------------------


def test_every_resident_page_has_the_footer_with_defaults_from_the_organisation(
    client: Any, waterdal: Municipality
) -> None:
    # Monday 23 November 2026: phone hours are the organisation's, the counter the town's own.
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM), tick=False):
        for path in ("/waterdal/", "/waterdal/producten/paspoort", "/waterdal/mijn/inloggen"):
            page = client.get(path).content.decode()
            footer = visible(page[page.index('data-testid="footer"') :])
            assert "Gemeente Waterdal" in footer
            assert "Stadhuis Markt 1 3311 AA Waterdal" in footer
            assert "Telefoon 14 0991 Vandaag: 8.30–17.00" in footer  # noqa: RUF001 - hours: organisation's
            assert "E-mail info@samen.example" in footer  # e-mail: organisation's
            assert "Post: Postbus 99, 9990 AA Samen" in footer
            assert "Balie Vandaag: 9.00–16.30 Alleen op afspraak." in footer  # noqa: RUF001
            assert 'href="/waterdal/contact"' in page
            assert 'href="tel:140991"' in page
    # Christmas: closed, and the footer says why.
    with time_machine.travel(dt.datetime(2026, 12, 25, 10, 0, tzinfo=AMSTERDAM), tick=False):
        footer = visible(client.get("/waterdal/").content.decode())
        assert "Vandaag: gesloten (Eerste Kerstdag)" in footer


def test_contact_page_has_every_channel_and_the_hours_per_day(
    client: Any, waterdal: Municipality
) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, tzinfo=AMSTERDAM), tick=False):
        response = client.get(reverse("portal:contact", kwargs={"municipality": "waterdal"}))
    page = response.content.decode()
    text = visible(page)
    assert "Contact met de gemeente Waterdal" in text
    assert "Bel of mail ons gerust." in text  # the organisation's text
    phone_hours = visible(page[page.index('data-testid="phone-hours"') :].split("</table>")[0])
    assert "Maandag 8.30–17.00" in phone_hours and "Zaterdag gesloten" in phone_hours  # noqa: RUF001
    counter = visible(page[page.index('data-testid="counter-hours"') :].split("</table>")[0])
    assert "Donderdag vandaag 9.00–16.30 en 18.00–20.00" in counter  # noqa: RUF001 - Thursday: evening too
    assert "Alleen op afspraak." in text
    assert "info@samen.example" in text and "Postbus 99" in text
    assert client.get("/onbekend/contact").status_code == 404


def test_product_channels_say_how(client: Any, waterdal: Municipality) -> None:
    page = client.get("/waterdal/producten/gevonden-voorwerp").content.decode()
    channels = visible(page[page.index('data-testid="channels"') :].split("</ul>")[0])
    channels = channels.replace(" :", ":")
    assert "Telefoon: 14 0991 (ma–vr 8.30–17.00)" in channels  # noqa: RUF001
    assert "Balie: Stadhuis, Markt 1, 3311 AA Waterdal — op afspraak" in channels
    assert "Online: in Mijn Loket (met DigiD of een e-maillink)" in channels
    letter = visible(client.get("/waterdal/producten/bezwaar").content.decode()).replace(" :", ":")
    assert "Brief: Postbus 99, 9990 AA Samen" in letter


def test_without_any_contact_data_the_pages_still_work(client: Any, catalogue: None) -> None:
    MunicipalityFactory.create(slug="kaal", name="Kaal")
    page = client.get("/kaal/producten/gevonden-voorwerp").content.decode()
    channels = visible(page[page.index('data-testid="channels"') :].split("</ul>")[0])
    assert "Telefoon" in channels and "Balie" in channels  # the channel, without details
    assert client.get("/kaal/contact").status_code == 200
    assert client.get("/kaal/logo").status_code == 404


# --- the logo -------------------------------------------------------------------------------


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#0b4f82").save(buffer, format="PNG")
    return buffer.getvalue()


def test_logo_is_an_image_uploaded_in_the_admin_and_shown_in_the_header(
    client: Any, waterdal: Municipality
) -> None:
    admin = StaffFactory.create(username="beheer", role=Role.ADMINISTRATOR, is_superuser=True)
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    change = reverse("admin:tenancy_municipality_change", args=[waterdal.pk])
    form = {
        "name": "Waterdal",
        "slug": "waterdal",
        "service_organisation": waterdal.service_organisation_id,
        "is_active": "on",
        "phone": "14 0991",
        "visiting_address": "Stadhuis\nMarkt 1\n3311 AA Waterdal",
        "hours_telefoon_mon": "",
        "hours_balie_mon": "9.00-12.30, 13.00 - 16.30",
        "hours_balie_thu": "9:00-12:30",
    }
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    refused = client.post(change, {**form, "logo": fake})
    assert refused.status_code == 200 and "logo" in refused.context["adminform"].form.errors
    bad_hours = client.post(change, {**form, "hours_balie_fri": "17.00-9.00"})
    assert "hours_balie_fri" in bad_hours.context["adminform"].form.errors
    saved = client.post(change, {**form, "logo": SimpleUploadedFile("logo.png", _png())})
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    waterdal.refresh_from_db()
    assert waterdal.opening_hours == {
        "balie": {"mon": ["09:00-12:30", "13:00-16:30"], "thu": ["09:00-12:30"]}
    }
    client.logout()
    page = client.get("/waterdal/").content.decode()
    src = re.search(r'<img class="brand__logo" src="([^"]+)"', page)[1]  # type: ignore[index]
    assert src.startswith("/waterdal/logo?v=")
    logo = client.get(src)
    assert logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content) == _png()


# --- top tasks ------------------------------------------------------------------------------


def test_top_tasks_are_the_most_requested_products_worked_out_by_hand(
    client: Any, waterdal: Municipality
) -> None:
    """In the last 90 days: grofvuil 3 cases; klacht 1 case + 2 contacts without a case = 3;
    paspoort 2; verhuizing 2 + 1 contact that became one of those cases (counted once).
    Older than 90 days (bijstand, 5) and another municipality (subsidie, 10) do not count.
    Ties go by product id (the catalogue's order): grofvuil before klacht, paspoort before
    verhuizing. Then the curated list fills up to six: melding-openbare-ruimte,
    parkeervergunning (verhuizing and paspoort are in already)."""
    other = MunicipalityFactory.create(slug="elders", name="Elders")
    now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)
    with time_machine.travel(now - dt.timedelta(days=100), tick=False):
        for _ in range(5):
            make_case(municipality=waterdal, product_slug="bijstand")
    with time_machine.travel(now - dt.timedelta(days=10), tick=False):
        for slug, times in (("grofvuil", 3), ("klacht", 1), ("paspoort", 2), ("verhuizing", 2)):
            for _ in range(times):
                case = make_case(municipality=waterdal, product_slug=slug)
        ContactFactory.create(municipality=waterdal, product=case.product, case=case)  # verhuizing
        for _ in range(2):
            ContactFactory.create(municipality=waterdal, product=Product.objects.get(slug="klacht"))
        for _ in range(10):
            make_case(municipality=other, product_slug="subsidie")
    with time_machine.travel(now, tick=False):
        top_tasks_forget(waterdal)
        counted = {
            Product.objects.get(pk=pk).slug: n for pk, n in most_requested(waterdal, now=now)
        }
        assert counted == {"grofvuil": 3, "klacht": 3, "paspoort": 2, "verhuizing": 2}
        page = client.get("/waterdal/").content.decode()
    tasks = page[page.index('data-testid="top-tasks"') :].split("</ul>")[0]
    slugs = re.findall(r'href="/waterdal/producten/([\w-]+)"', tasks)
    assert slugs == [
        "grofvuil",
        "klacht",
        "paspoort",
        "verhuizing",
        "melding-openbare-ruimte",
        "parkeervergunning",
    ]
    assert page.index('id="top-tasks"') < page.index('id="a-z"')  # before the A-Z list


def test_without_data_the_curated_top_tasks_of_what_is_offered(
    client: Any, catalogue: None
) -> None:
    small = MunicipalityFactory.create(slug="klein", name="Klein")  # standard package only
    top_tasks_forget(small)
    page = client.get("/klein/").content.decode()
    tasks = page[page.index('data-testid="top-tasks"') :].split("</ul>")[0]
    slugs = re.findall(r'href="/klein/producten/([\w-]+)"', tasks)
    # parkeervergunning is in the additional package, which Klein did not take.
    assert slugs == [
        "verhuizing",
        "paspoort",
        "melding-openbare-ruimte",
        "grofvuil",
        "afvalcontainer",
        "algemene-vraag",
    ]
    assert "top-tasks" not in client.get("/klein/?q=paspoort").content.decode()
