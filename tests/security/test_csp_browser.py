"""The Content-Security-Policy in a real browser: headless Chromium reports no violation on a
portal page, a workbench page, the admin and the API documentation, and those pages still work
(the admin's login form, Swagger UI showing the operations)."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from loket.catalogue.services import catalogue_load
from loket.tenancy.models import Package
from tests.factories import MunicipalityFactory, PersonFactory, StaffFactory, make_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed"),
]

# Collects every violation the page reports; added before any script of the page runs.
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _violations(page: Any, console: list[str]) -> list[str]:
    reported: list[str] = page.evaluate("window.__csp")
    return reported + [line for line in console if "Content Security Policy" in line]


def test_no_csp_violation_on_portal_workbench_admin_and_api_docs(
    page: Any, live_server: Any, settings: Any
) -> None:
    settings.LOKET_DEMO_LOGIN = True
    catalogue_load()
    town = MunicipalityFactory.create(slug="stad", name="Stad")
    town.additional_packages.set(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    emma = PersonFactory.create(
        municipality=town, bsn="111222333", first_name="Emma", surname="Visser"
    )
    case = make_case(municipality=town, person=emma, product_slug="parkeervergunning")
    staff = StaffFactory.create(
        username="beheer", municipalities=[town], is_staff=True, is_superuser=True
    )
    staff.set_password("een-goed-wachtwoord")
    staff.save()

    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(LISTEN)

    def visit(path: str) -> None:
        response = page.goto(live_server.url + path)
        assert response.status < 400, path
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        assert _violations(page, console) == [], path

    # Portal: a public page, then Mijn Loket with a case (the application form has a script).
    visit("/stad/")
    visit("/stad/producten/parkeervergunning")
    visit("/stad/mijn/inloggen")
    page.get_by_role("button", name="Inloggen als Emma Visser").click()
    visit(f"/stad/mijn/zaken/{case.uuid}")
    visit("/stad/mijn/aanvragen/parkeervergunning")
    # Workbench: log in with the form, then the queue and the case.
    visit("/werkplek/inloggen")
    page.fill("#id_username", "beheer")
    page.fill("#id_password", "een-goed-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    visit("/werkplek/zaken")
    visit(f"/werkplek/zaken/{case.uuid}")
    # The Django admin (its own scripts and styles) works under the policy.
    visit("/admin/")
    assert "Websitebeheer" in page.title()
    visit("/admin/catalogue/product/")
    visit(f"/admin/accounts/user/{staff.pk}/change/")  # select boxes, date widgets
    visit("/admin/login/")
    # The API documentation: Swagger UI starts from a script file and shows the operations.
    visit("/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path[data-path='/api/v1/cases']", timeout=15_000)
    assert _violations(page, console) == []
