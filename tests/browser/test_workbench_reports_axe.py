"""axe-core on the workbench's public-space report pages (issue 15): the reports page with its
map and list (filtered, and with a filter error), and a report's case page with its map,
photos, followers, merged duplicate and possible duplicates, for a case worker and for the
partner worker of the waste company; zero violations. With ``REPORT_SCREENSHOTS=<folder>`` the
pages are also saved as screenshots, to look at."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from loket.accounts.models import Role
from loket.catalogue.services import catalogue_load
from loket.lib.geo import Point
from loket.organisation.models import Partner, Team
from loket.reports.models import Address
from loket.reports.services import report_create, report_merge
from tests.browser.conftest import MARKUP_ONLY
from tests.browser.test_workbench_axe import Checker, _login
from tests.factories import MunicipalityFactory, StaffFactory
from tests.reports.conftest import KERKSTRAAT, MARKT, STAD_AREA, report_setup

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed"),
    MARKUP_ONLY,
]


def _photo(colour: str, size: tuple[int, int] = (1200, 900)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, colour)
    for x in range(0, size[0], 40):  # something to see: stripes
        for y in range(size[1]):
            image.putpixel((x, y), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")


def north(point: Point, metres: float) -> Point:
    return Point(point.latitude + metres / 111_195.0, point.longitude)


@pytest.fixture
def street() -> dict[str, Any]:
    catalogue_load()
    town = MunicipalityFactory.create(slug="axedorp", name="Axedorp")
    report_setup(town, STAD_AREA)
    for street_name, number, point in (("Markt", "1", MARKT), ("Kerkstraat", "10", KERKSTRAAT)):
        Address.objects.create(
            municipality=town,
            street=street_name,
            number=number,
            postcode="9801AA",
            city="Axedorp",
            latitude=point.latitude,
            longitude=point.longitude,
        )
    worker = StaffFactory.create(
        username="behandelaar", first_name="Bram", role=Role.CASE_WORKER, municipalities=[town]
    )
    worker.teams.set([Team.objects.get(slug="beheer-openbare-ruimte")])
    StaffFactory.create(
        username="afval",
        first_name="Gerrit",
        role=Role.PARTNER_WORKER,
        partner=Partner.objects.get(slug="afvalbedrijf"),
        municipalities=[town],
    )

    def make(**kwargs: Any) -> Any:
        options: dict[str, Any] = {
            "site": town,
            "point": MARKT,
            "category": "lantaarnpaal",
            "description": "De lamp brandt al een week niet.",
            **kwargs,
        }
        return report_create(**options).report

    lamp = make(email="melder@example.org", photos=[_photo("navy"), _photo("darkgreen")])
    near = make(point=north(MARKT, 20), description="Lamp kapot", phone="0612345678")
    duplicate = make(point=north(MARKT, 8), description="Donker hier", email="buur@example.org")
    report_merge(duplicate=duplicate, into=lamp, actor=worker)
    litter = make(
        point=KERKSTRAAT,
        category="zwerfafval",
        description="Glas op het fietspad",
        photos=[_photo("firebrick")],
    )
    tree = make(
        point=north(KERKSTRAAT, 40),
        category="omgevallen-boom",
        description="Boom ligt over de weg",
        attributes={"op-de-weg": "ja"},
    )
    return {"lamp": lamp, "near": near, "duplicate": duplicate, "litter": litter, "tree": tree}


class Shots(Checker):
    """The workbench's axe check, with the reason of each problem, and screenshots on request."""

    folder = os.environ.get("REPORT_SCREENSHOTS", "")

    def check(self, label: str) -> list[str]:
        results = self.axe.run(self.page)
        path = "/" + self.page.url.split("/", 3)[-1]
        self.checked.append(f"{label} ({path})")
        # As the workbench's check: a short text's contrast "to review" counts too.
        unsure = [v for v in results.response["incomplete"] if v["id"] == "color-contrast"]
        found = [
            f"{label}: {v['id']} ({v['impact']}) "
            f"{[(n['target'], n.get('failureSummary')) for n in v['nodes']][:3]}"
            for v in [*results.response["violations"], *unsure]
        ]
        self.problems.extend(found)
        return found

    def shot(self, name: str, selector: str = "") -> None:
        if not self.folder:
            return
        Path(self.folder).mkdir(parents=True, exist_ok=True)
        path = f"{self.folder}/wb-{name}.png"
        if selector:
            self.page.locator(selector).screenshot(path=path)
        else:
            self.page.screenshot(path=path, full_page=True)


def test_the_report_pages_have_no_axe_violations(
    browser_context: Any, street: dict[str, Any], live_server: Any
) -> None:
    context = browser_context()
    # In English until the Dutch texts are merged into the catalogue (the lead's step).
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    axe = Shots(page)
    _login(page, "behandelaar")

    axe.visit("/werkplek/openbare-ruimte", "reports: list and map")
    page.wait_for_selector(".leaflet-interactive")
    assert page.locator("[data-map-count]").inner_text().startswith("On the map: 4 of the 4")
    axe.check("reports: the map with its pins")
    axe.shot("map")
    page.select_option("#id_category", "verlichting")
    page.select_option("#id_status", "all")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_selector(".leaflet-interactive")
    axe.check("reports: filtered")
    page.fill("#id_since", "2026-12-31")
    page.fill("#id_until", "2026-12-01")
    page.get_by_role("button", name="Filter").click()
    axe.check("reports: a filter error")
    axe.shot("filter-error")

    axe.visit(f"/werkplek/zaken/{street['lamp'].case.uuid}", "a report's case page")
    page.wait_for_selector(".report-section .leaflet-interactive")
    axe.check("a report's case page with its map")
    axe.shot("case", "[data-testid=report-section]")
    axe.shot("case-page")
    axe.visit(f"/werkplek/zaken/{street['duplicate'].case.uuid}", "a merged duplicate")
    axe.visit(f"/werkplek/zaken/{street['tree'].case.uuid}", "a report with an extra question")

    # Merging: the chosen report into this one.
    axe.visit(f"/werkplek/zaken/{street['lamp'].case.uuid}", "before merging")
    page.get_by_label("Merge the chosen report into this one").check()
    page.get_by_label("I have checked that both reports are about the same problem").check()
    page.get_by_role("button", name="Merge").click()
    assert "was merged into" in page.content()
    axe.check("after merging")

    partner = browser_context().new_page()
    partner.set_viewport_size({"width": 1280, "height": 900})
    axe.page = partner
    _login(partner, "afval")
    axe.visit("/werkplek/openbare-ruimte", "[afval] reports")
    partner.wait_for_selector(".leaflet-interactive")
    assert partner.locator("[data-testid=report-row]").count() == 1
    axe.visit(f"/werkplek/zaken/{street['litter'].case.uuid}", "[afval] litter report")

    print("\naxe-core checked these report pages:\n  " + "\n  ".join(axe.checked))
    assert len(axe.checked) == 12
    assert axe.problems == [], "\n".join(axe.problems)
