"""The resident's appointment pages in headless Chromium: booking without logging in,
the links in the e-mail and Mijn Loket, each page checked by axe-core (zero violations).

Set ``LOKET_SCREENSHOTS=/some/dir`` to keep a full-page screenshot of every page checked.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import time_machine

from loket.appointments.models import Appointment
from loket.catalogue.services import catalogue_load
from loket.lib.calendar import AMSTERDAM
from loket.notifications.models import OutboxMessage
from loket.tenancy.models import Package
from tests.appointments.conftest import make_location
from tests.browser.conftest import MARKUP_ONLY
from tests.factories import MunicipalityFactory, PersonFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed"),
    MARKUP_ONLY,
]


@pytest.fixture
def town(settings: Any) -> Any:
    settings.LOKET_DEMO_LOGIN = True
    catalogue_load()
    town = MunicipalityFactory.create(
        slug="stad",
        name="Stad",
        phone="14 0999",
        email="info@stad.example",
        visiting_address="Stadhuis\nMarkt 1\n3311 AA Stad",
        counter_by_appointment=True,
    )
    town.additional_packages.set(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    make_location(town, name="Stadswinkel")
    make_location(town, name="Servicepunt Noord", desks=1, weekdays=(1, 3))
    return town


@pytest.fixture
def emma(town: Any) -> Any:
    return PersonFactory.create(
        municipality=town,
        bsn="111222333",
        first_name="Emma",
        surname="Visser",
        email="emma@example.org",
        phone="+31612345678",
    )


def _token(action: str) -> str:
    path = "annuleren" if action == "cancel" else "verzetten"
    message = OutboxMessage.objects.order_by("-pk").first()
    assert message is not None
    found = re.search(rf"/afspraak/{path}/([A-Za-z0-9_-]+)", message.body_text)
    assert found
    return found.group(1)


def test_every_appointment_page_has_no_axe_violations(page: Any, town: Any, emma: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    checked: list[str] = []
    problems: list[str] = []
    shots = os.environ.get("LOKET_SCREENSHOTS", "")

    def check(label: str) -> None:
        results = axe.run(page)
        checked.append(label)
        if shots:
            name = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
            page.screenshot(
                path=str(Path(shots) / f"{len(checked):02d}-{name}.png"), full_page=True
            )
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            problems.append(f"{label}: {violation['id']} ({violation['impact']}) {targets}")

    def visit(path: str, label: str) -> None:
        page.goto(path)
        check(label)

    submit = "main button[type=submit].button--primary"
    # Monday 7 December 2026, 08:00: the first bookable moment is 10:00.
    with time_machine.travel(dt.datetime(2026, 12, 7, 8, 0, tzinfo=AMSTERDAM), tick=True):
        visit("/stad/producten/paspoort", "product page with the appointment button")
        page.locator("main a[href*='/afspraak/?product=paspoort']").click()
        check("choose products (passport preselected)")
        page.locator("#id_aantal-paspoort").select_option("0")
        page.locator(submit).click()
        check("choose products with an error")
        page.locator("#id_aantal-paspoort").select_option("2")
        page.locator("#id_aantal-identiteitskaart").select_option("1")
        page.locator(submit).click()
        page.wait_for_url("**/afspraak/tijd**")
        check("choose a time")
        page.locator("main .pagination a").first.click()
        check("choose a time, the next week")
        page.locator("#id_locatie").select_option(label="Servicepunt Noord")
        page.locator("[data-testid=time-filter] button").click()
        check("choose a time at one location")
        page.locator("[data-testid=first-free] a").first.click()
        page.wait_for_url("**/afspraak/gegevens**")
        check("your details")
        page.locator(submit).click()
        check("your details with errors")
        page.locator("#id_first_name").fill("Anna")
        page.locator("#id_surname").fill("de Vries")
        page.locator("#id_email").fill("anna@example.org")
        page.locator(submit).click()
        page.wait_for_url("**stap=controleren**")
        check("check your appointment")
        page.locator(submit).click()
        page.wait_for_url("**/afspraak/bevestigd/**")
        check("appointment booked")
        booked = Appointment.objects.get()

        visit(f"/stad/afspraak/annuleren/{_token('cancel')}", "cancel with the link")
        visit(f"/stad/afspraak/verzetten/{_token('move')}", "move with the link")
        page.locator("main section[data-testid=location-times] a.button").nth(3).click()
        check("move: confirm the new time")
        page.locator(submit).click()
        check("appointment moved")
        visit(f"/stad/afspraak/annuleren/{_token('cancel')}", "cancel with the new link")
        page.locator(submit).click()
        check("appointment cancelled")
        page.goto(page.url)
        check("a used link (410)")
        visit(
            f"/stad/afspraak/gegevens?p=paspoort:1&locatie={booked.location.uuid}"
            "&tijd=2026-12-05T09:00Z",
            "a time in the past",
        )

        visit("/stad/mijn/inloggen", "login")
        page.get_by_role("button", name="Inloggen als Emma Visser").click()
        visit("/stad/mijn/", "Mijn Loket home with the appointments link")
        visit("/stad/afspraak/?product=rijbewijs", "choose products, logged in")
        page.locator(submit).click()
        page.locator("[data-testid=first-free] a").first.click()
        check("your details, logged in")
        page.locator(submit).click()
        page.locator(submit).click()
        page.wait_for_url("**/afspraak/bevestigd/**")
        visit("/stad/mijn/afspraken", "Mijn Loket: your appointments")
        page.locator("[data-testid=coming] a.button").first.click()
        check("Mijn Loket: move")
        visit("/stad/mijn/afspraken", "Mijn Loket: your appointments (again)")
        page.locator("[data-testid=coming] a.button").nth(1).click()
        check("Mijn Loket: cancel")
        page.locator(submit).click()
        visit("/stad/mijn/afspraken", "Mijn Loket: a cancelled appointment among the past")
        page.goto("/stad/afspraak/tijd?p=paspoort:1")
        page.locator(".language-switch button").click()
        check("choose a time in English")

    print("\naxe-core checked these appointment pages:\n  " + "\n  ".join(checked))
    assert len(checked) == 28
    assert problems == []
