"""axe-core on the counter's pages (issue 14): booking for a caller, the day list, the desk and
the waiting-room screen, with zero violations, as for the rest of the workbench. With
``COUNTER_SCREENSHOTS=<folder>`` the pages are also saved as screenshots, to look at."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings

from loket.accounts.models import Role
from loket.appointments.models import Location
from loket.appointments.services import appointment_book
from loket.catalogue.models import Product
from loket.catalogue.services import catalogue_load
from loket.lib.calendar import AMSTERDAM
from loket.tenancy.models import Package
from tests.appointments.conftest import make_location
from tests.browser.conftest import MARKUP_ONLY
from tests.browser.test_workbench_axe import Checker, _login
from tests.factories import MunicipalityFactory, PersonFactory, StaffFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed"),
    MARKUP_ONLY,
]

MONDAY = datetime(2026, 12, 7, 8, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def clock() -> Iterator[Any]:
    # Ticking: the browser's and the test's waits still see time pass.
    with time_machine.travel(MONDAY, tick=True) as traveller:
        yield traveller


@pytest.fixture
def counter(clock: Any) -> dict[str, Any]:
    catalogue_load()
    town = MunicipalityFactory.create(slug="axedorp", name="Axedorp")
    town.additional_packages.set(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    StaffFactory.create(
        username="balie", first_name="Bo", role=Role.FRONT_OFFICE, municipalities=[town]
    )
    location: Location = make_location(town)
    passport = Product.objects.get(slug="paspoort")
    id_card = Product.objects.get(slug="identiteitskaart")
    people = {
        surname: PersonFactory.create(municipality=town, first_name=first, surname=surname)
        for first, surname in (("Mila", "Koster"), ("Daan", "Visser"), ("Noor", "Bakker"))
    }
    for hour, minute, surname, lines in (
        (10, 10, "Koster", [(passport, 2)]),
        (10, 30, "Visser", [(id_card, 1)]),
        (11, 0, "Bakker", [(passport, 1), (id_card, 1)]),
    ):
        appointment_book(
            municipality=town,
            lines=lines,
            location=location,
            starts_at=MONDAY.replace(hour=hour, minute=minute),
            person=people[surname],
        )
    clock.move_to(MONDAY.replace(hour=9, minute=55))  # the residents arrive
    return {"location": location, "people": people, "passport": passport}


class Shots(Checker):
    """The workbench's axe check (``Checker``), with a screenshot of every page checked when
    asked for, and the rules a page may leave out (``skip``, each with its reason)."""

    folder = os.environ.get("COUNTER_SCREENSHOTS", "")

    def __init__(self, page: Any) -> None:
        super().__init__(page)
        self.skip: list[str] = []

    def check(self, label: str) -> list[str]:
        if self.folder:
            name = "".join(c if c.isalnum() else "-" for c in label.lower()).strip("-")
            Path(self.folder).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=f"{self.folder}/{name}.png", full_page=True)
        options = {"rules": {rule: {"enabled": False} for rule in self.skip}}
        results = self.axe.run(self.page, options=options)
        path = "/" + self.page.url.split("/", 3)[-1]
        without = f", without {', '.join(self.skip)}" if self.skip else ""
        self.checked.append(f"{label} ({path}{without})")
        # As the workbench's check: a short text's contrast "to review" counts too.
        unsure = [v for v in results.response["incomplete"] if v["id"] == "color-contrast"]
        found = [
            f"{label}: {v['id']} ({v['impact']}) "
            f"{[(n['target'], n.get('failureSummary')) for n in v['nodes']][:3]}"
            for v in [*results.response["violations"], *unsure]
        ]
        self.problems.extend(found)
        return found


def test_the_counter_pages_have_no_axe_violations(
    browser_context: Any, counter: dict[str, Any], live_server: Any
) -> None:
    location, koster = counter["location"], counter["people"]["Koster"]
    context = browser_context()
    # In English until the Dutch texts are merged into the catalogue (the lead's step).
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    axe = Shots(page)
    _login(page, "balie")

    axe.visit(f"/werkplek/personen/{koster.uuid}", "person with appointments")
    page.get_by_role("link", name="Make an appointment").click()
    axe.check("booking: products")
    page.fill(f"#id_p{counter['passport'].pk}", "1")
    page.get_by_role("button", name="Show free times").first.click()
    axe.check("booking: nearest times")
    page.select_option("#locatie", str(location.pk))
    page.fill("#dag", "2026-12-08")
    page.locator("form.day-picker button").click()
    axe.check("booking: times of a day")
    page.get_by_role("button", name="Book appointment").click()
    axe.check("person after booking")
    page.get_by_role("link", name="Move").first.click()
    axe.check("moving an appointment")

    axe.visit("/werkplek/balie/", "counter locations")
    page.get_by_role("link", name=location.name).click()
    axe.check("day list")
    page.get_by_role("button", name="Check in").first.click()
    axe.check("day list with the ticket to give")
    page.get_by_role("button", name="Give a ticket").click()
    axe.check("day list, walk-in")
    page.fill("#id_inwoner", "Niemand")
    page.get_by_role("button", name="Give a ticket").click()
    axe.check("day list, walk-in with an error")

    desk = location.desks.get(name="Balie 1")
    axe.visit(f"/werkplek/balie/{location.uuid}/balie/{desk.pk}/", "desk, nobody")
    page.get_by_role("button", name="Call next").click()
    axe.check("desk with a called ticket")
    page.get_by_role("button", name="At the desk").click()
    axe.check("desk, serving")

    screen = browser_context().new_page()  # a separate profile: not logged in
    screen.set_viewport_size({"width": 1280, "height": 720})
    axe.page = screen
    # The screen reloads itself every 5 seconds (meta refresh), which axe reports under WCAG
    # 2.2.1: a reader loses their place. The screen is a real-time display on a wall that
    # nobody operates (2.2.1's real-time exception); its aria-live region announces the newest
    # call to a screen reader that does visit it.
    axe.skip = ["meta-refresh"]
    axe.visit(f"/werkplek/scherm/{location.uuid}", "waiting-room screen")
    axe.skip = []
    assert "W002" in screen.content() and "Koster" not in screen.content()

    axe.page = page
    page.get_by_role("button", name="Finish").click()
    axe.check("desk, finishing a walk-in without the resident")
    page.fill("#id_inwoner", counter["people"]["Visser"].bsn)
    page.get_by_role("button", name="Finish").click()
    axe.check("desk after finishing")
    assert "ZAAK-2026-" in page.content()

    print("\naxe-core checked these counter pages:\n  " + "\n  ".join(axe.checked))
    assert len(axe.checked) == 17
    assert axe.problems == [], "\n".join(axe.problems)
