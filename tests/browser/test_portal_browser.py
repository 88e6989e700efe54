"""Mijn Loket in headless Chromium: the whole parking-permit journey, and axe-core on every
portal page."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.base import ContentFile

from loket.accounts.models import Role
from loket.catalogue.services import catalogue_load
from loket.demo.faces import emblem_png
from loket.lib.calendar import AMSTERDAM
from loket.organisation.models import Team
from loket.tenancy.models import Package
from tests.browser.conftest import MARKUP_ONLY
from tests.factories import MunicipalityFactory, PersonFactory, StaffFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed"),
]

PDF = b"%PDF-1.4\n% kentekenbewijs\n"


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
        postal_address="Postbus 1\n3310 AA Stad",
        counter_by_appointment=True,
        opening_hours={
            "telefoon": {day: ["08:30-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
            "balie": {"mon": ["09:00-12:30"], "thu": ["09:00-12:30", "18:00-20:00"]},
        },
        contact_text_nl="Heeft u een vraag? Bel of mail ons.",
    )
    town.logo.save("stad.png", ContentFile(emblem_png("waterdal")))
    town.additional_packages.set(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    return town


@pytest.fixture
def emma(town: Any) -> Any:
    return PersonFactory.create(
        municipality=town,
        bsn="111222333",
        first_name="Emma",
        surname="Visser",
        street="Lindelaan",
        house_number="3",
        postcode="3311 AB",
        city="Stad",
        email="emma@example.org",
        phone="+31612345678",
    )


def _demo_login(page: Any, name: str) -> None:
    page.get_by_role("button", name=f"Inloggen als {name}").click()


def test_resident_applies_worker_asks_resident_sends_and_the_date_moves(
    page: Any, browser_context: Any, town: Any, emma: Any, tmp_path: Path
) -> None:
    worker = StaffFactory.create(username="parkeren", role=Role.CASE_WORKER, municipalities=[town])
    worker.teams.set(Team.objects.filter(slug="parkeren"))
    document = tmp_path / "kentekenbewijs.pdf"
    document.write_bytes(PDF)

    # Monday 30 November 2026, 10:00: the resident applies.
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=AMSTERDAM), tick=True):
        page.goto("/stad/producten/parkeervergunning")
        page.get_by_role("link", name="Aanvragen").click()
        _demo_login(page, "Emma Visser")
        assert page.get_by_label("Uw e-mailadres").input_value() == "emma@example.org"  # prefilled
        assert page.get_by_label("Uw telefoonnummer").input_value() == "06 12345678"
        page.get_by_label("Kenteken van uw auto").fill("12-abc-3")
        page.get_by_label("Vanaf wanneer wilt u de vergunning?").fill("2026-12-15")
        page.get_by_label("Foto of scan van uw kentekenbewijs").set_input_files(str(document))
        # Progressive enhancement: the employer's statement only appears for a lease car.
        statement = page.get_by_label("Verklaring van uw werkgever of leasemaatschappij")
        assert not statement.is_visible()
        page.get_by_label("Het is een auto van de zaak of een leaseauto").check()
        assert statement.is_visible()
        page.get_by_label("Het is een auto van de zaak of een leaseauto").uncheck()
        page.get_by_role("button", name="Volgende: controleer uw antwoorden").click()

        summary = page.get_by_test_id("summary").inner_text()
        assert "12-ABC-3" in summary and "kentekenbewijs.pdf" in summary
        page.get_by_role("button", name="Aanvraag versturen").click()
        reference = page.get_by_test_id("reference").inner_text()
        assert reference.startswith("ZAAK-2026-")
        # 10 working days from Monday 30 November: Monday 14 December.
        assert "We beslissen uiterlijk op 14 december" in page.content()
        page.get_by_role("link", name="Uw aanvraag volgen").click()
        assert "Inhoudelijke beoordeling" in page.get_by_test_id("progress").inner_text()
        case_url = page.url

        # The case worker asks for information: the case is suspended.
        staff = browser_context().new_page()
        staff.goto("/werkplek/inloggen")
        staff.fill("#id_username", "parkeren")
        staff.fill("#id_password", "secret-pass")
        staff.click("form.form button[type=submit]")
        staff.goto("/werkplek/zaken")
        staff.get_by_role("link", name=reference).click()
        staff.get_by_text("Informatie opvragen (opschorten)").click()
        staff.get_by_label("Wat moet de aanvrager sturen?").fill(
            "Stuur ons een leesbare foto van de voorkant van uw kentekenbewijs."
        )
        staff.get_by_role("button", name="Opschorten").click()
        assert "de klok staat stil" in staff.get_by_role("status").first.inner_text()

        page.reload()
        progress = page.get_by_test_id("progress").inner_text()
        assert "Stuur ons een leesbare foto" in progress
        assert "Stuur het ons uiterlijk 14 december" in progress  # Awb 4:5: two weeks

    # A week later (Monday 7 December): the login has expired; the resident logs in again,
    # lands on the same page and sends the document.
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 30, tzinfo=AMSTERDAM), tick=True):
        page.goto(case_url)
        assert "U bent uitgelogd omdat u een tijd niets heeft gedaan" in page.content()
        _demo_login(page, "Emma Visser")
        assert page.url == case_url
        page.get_by_label("Document", exact=True).set_input_files(str(document))
        page.get_by_role("button", name="Document versturen").click()
        assert "We hebben uw document ontvangen en gaan verder" in page.content()
        # The clock stood still on the working days 1-4 December (Awb 4:15): 14 working days
        # from 30 November instead of 10, so Friday 18 December.
        assert (
            "We beslissen uiterlijk op 18 december" in page.get_by_test_id("progress").inner_text()
        )
        assert "We hebben uw informatie ontvangen" in page.get_by_test_id("timeline").inner_text()


@MARKUP_ONLY
def test_every_portal_page_has_no_axe_violations(
    page: Any, town: Any, emma: Any, tmp_path: Path
) -> None:
    """axe-core (WCAG 2.0/2.1 A and AA plus best practices) on every page of the resident side,
    logged out and logged in, including a form with errors and a case waiting for the
    resident. The list of pages is printed with the result."""
    from axe_playwright_python.sync_playwright import Axe

    from loket.cases.services import case_add_document, case_send_message, case_suspend
    from tests.factories import make_case

    case = make_case(municipality=town, person=emma, product_slug="parkeervergunning")
    case_send_message(case=case, text="Wij hebben uw aanvraag in behandeling genomen.")
    case_suspend(case=case, reason="Stuur ons een foto van uw kentekenbewijs.", actor=None)
    from django.core.files.uploadedfile import SimpleUploadedFile

    case_add_document(
        case=case,
        upload=SimpleUploadedFile("besluit.pdf", PDF),
        actor=None,
        shared_with_applicant=True,
    )
    report = make_case(municipality=town, person=emma, product_slug="melding-openbare-ruimte")
    closed = make_case(municipality=town, person=emma, product_slug="verhuizing")
    from loket.cases.services import case_withdraw

    case_withdraw(case=closed)
    axe = Axe()
    checked: list[str] = []
    problems: list[str] = []

    def check(label: str) -> None:
        results = axe.run(page)
        checked.append(f"{label} ({page.url.split(page.url.split('/')[2])[-1]})")
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            problems.append(f"{label}: {violation['id']} ({violation['impact']}) {targets}")

    def visit(path: str, label: str) -> None:
        page.goto(path)
        check(label)

    visit("/", "Loket home")
    visit("/stad/", "municipality home with top tasks")
    visit("/stad/contact", "contact page")
    visit("/stad/?q=ik+ben+verhuisd", "search results (wegwijzer)")
    visit("/stad/?q=qqqq", "search without results")
    visit("/stad/producten/parkeervergunning", "product page with Aanvragen")
    visit("/stad/producten/paspoort", "product page without online request")
    visit("/stad/producten/melding-openbare-ruimte", "report product page (Melden)")
    visit("/stad/bestaat-niet/", "unknown municipality (404)")
    visit("/stad/mijn/inloggen", "login")
    page.get_by_label("Uw e-mailadres").fill("geen-adres")
    page.get_by_role("button", name="Stuur mij een inloglink").click()
    check("login with an invalid e-mail address")
    page.get_by_label("Uw e-mailadres").fill("iemand@example.org")
    page.get_by_role("button", name="Stuur mij een inloglink").click()
    check("login link sent")
    visit("/stad/mijn/inloggen/link/ongeldig", "login link confirmation")
    visit("/stad/mijn/inloggen", "login (again)")
    _demo_login(page, "Emma Visser")
    check("Mijn Loket home")
    visit(f"/stad/mijn/zaken/{case.uuid}", "case waiting for the resident")
    page.get_by_role("button", name="Document versturen").click()
    check("case with an upload error")
    visit(f"/stad/mijn/zaken/{report.uuid}", "report case (Document toevoegen at the end)")
    page.get_by_text("Stuur ons een document voor uw melding").click()
    check("report case with the document section opened")
    visit(f"/stad/mijn/zaken/{closed.uuid}", "closed case")
    visit(f"/stad/mijn/zaken/{case.uuid}/ontvangen", "request received")
    visit(f"/stad/mijn/zaken/{case.uuid}/intrekken", "withdraw")
    visit("/stad/mijn/voorkeuren", "preferences")
    page.get_by_role("radio", name="sms").check()
    page.get_by_label("Mobiel nummer voor sms-berichten").fill("")
    page.get_by_role("button", name="Opslaan").click()
    check("preferences with an error")
    visit("/stad/mijn/aanvragen/parkeervergunning", "application form")
    page.get_by_role("button", name="Volgende: controleer uw antwoorden").click()
    check("application form with errors")
    document = tmp_path / "kentekenbewijs.pdf"
    document.write_bytes(PDF)
    page.get_by_label("Kenteken van uw auto").fill("12-ABC-3")
    page.get_by_label("Vanaf wanneer wilt u de vergunning?").fill("2026-12-15")
    page.get_by_label("Foto of scan van uw kentekenbewijs").set_input_files(str(document))
    page.get_by_role("button", name="Volgende: controleer uw antwoorden").click()
    check("check your answers")
    visit("/stad/mijn/aanvragen/melding-openbare-ruimte", "report form (choices)")
    page.get_by_role("button", name="English").click()
    check("report form in English")

    print("\naxe-core checked these pages:\n  " + "\n  ".join(checked))
    assert len(checked) == 29
    assert problems == []


def test_keyboard_only_without_javascript(
    chromium: Any, live_server: Any, town: Any, emma: Any, tmp_path: Path
) -> None:
    """The core flow (log in, apply, check, send) with JavaScript switched off and only the
    keyboard: every control is reached with Tab and used with Enter, Space or typing."""
    from loket.cases.models import Case

    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    # Listening for the file chooser from the start: Playwright switches on Chromium's
    # interception when the first listener is added, and a Space pressed before that switch
    # has landed opens a native dialog headless Chromium never shows (seen once in CI).
    page.on("filechooser", lambda chooser: None)
    document = tmp_path / "kentekenbewijs.pdf"
    document.write_bytes(PDF)

    def tab_to(locator: Any, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if locator.evaluate("element => element === document.activeElement"):
                return
        raise AssertionError(f"not reachable with Tab: {locator}")

    page.goto("/stad/producten/parkeervergunning")
    tab_to(page.get_by_role("link", name="Aanvragen"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/mijn/inloggen**")
    tab_to(page.get_by_role("button", name="Inloggen als Emma Visser"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/mijn/aanvragen/parkeervergunning")

    tab_to(page.get_by_label("Kenteken van uw auto"))
    page.keyboard.type("12-abc-3")
    tab_to(page.get_by_label("Vanaf wanneer wilt u de vergunning?"))
    page.keyboard.type("15122026")
    # Without JavaScript the conditional field is shown, with a hint when it applies.
    assert page.get_by_text("Alleen als u het vakje hierboven heeft aangevinkt.").is_visible()
    tab_to(page.get_by_label("Foto of scan van uw kentekenbewijs"))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(document))
    tab_to(page.get_by_role("button", name="Volgende: controleer uw antwoorden"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/controleren")
    assert "12-ABC-3" in page.get_by_test_id("summary").inner_text()
    tab_to(page.get_by_role("button", name="Aanvraag versturen"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/ontvangen")
    case = Case.objects.get()
    assert case.identification in page.get_by_test_id("reference").inner_text()
    assert case.documents.get().name == "kentekenbewijs.pdf"
    context.close()
