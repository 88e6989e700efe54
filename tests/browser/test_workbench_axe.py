"""axe-core on the workbench, as on the portal (issue 11): every staff page a case worker, a
team lead and a partner worker use, plus the login and the administrator's audit page and
article form, with zero violations (WCAG 2.0/2.1 A and AA plus best practices). The list of
pages checked is printed; a deliberately broken page proves the check can fail."""

from __future__ import annotations

import datetime as dt
import shutil
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from loket.accounts.models import Role
from loket.catalogue.models import Product
from loket.catalogue.services import catalogue_load
from loket.contacts.models import Contact
from loket.contacts.services import Receiver, contact_register
from loket.knowledge.models import Article
from loket.organisation.models import Partner, Team
from loket.parties.models import Organisation
from loket.tenancy.models import Package
from tests.browser.conftest import MARKUP_ONLY
from tests.factories import MunicipalityFactory, PersonFactory, StaffFactory, make_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed"),
    MARKUP_ONLY,
]

PDF = b"%PDF-1.4\n% tekening\n"


@pytest.fixture
def office() -> dict[str, Any]:
    """A municipality with a busy case for the permits team, one handed to the Sociaal Team,
    hand-overs to both, a knowledge article, an organisation, and the four staff members."""
    from loket.cases.services import (
        case_add_document,
        case_add_note,
        case_assign,
        case_hand_over,
        case_resume,
        case_send_message,
        case_suspend,
    )
    from loket.portal.services import send_message

    catalogue_load()
    town = MunicipalityFactory.create(slug="axedorp", name="Axedorp")
    town.additional_packages.set(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    permits, social = (
        Team.objects.get(slug="vergunningen"),
        Partner.objects.get(slug="sociaal-team"),
    )

    def staff(username: str, role: str, **kwargs: Any) -> Any:
        return StaffFactory.create(
            username=username,
            first_name=username.title(),
            role=role,
            municipalities=[town],
            **kwargs,
        )

    worker = staff("behandelaar", Role.CASE_WORKER)
    lead = staff("teamleider", Role.TEAM_LEAD)
    for user in (worker, lead):
        user.teams.set([permits])
    partner = staff("sociaalteam", Role.PARTNER_WORKER, partner=social)
    admin = staff("beheerder", Role.ADMINISTRATOR)
    kcc = staff("balie", Role.FRONT_OFFICE)

    resident = PersonFactory.create(
        municipality=town,
        bsn="111222333",
        first_name="Mila",
        surname="Koster",
        birth_date=dt.date(1988, 4, 9),
        street="Lindelaan",
        house_number="14",
        postcode="3311 AB",
        city="Axedorp",
        phone="+31612345678",
    )
    company = Organisation.objects.create(
        municipality=town, kvk_number="12345678", name="Bakkerij Bol", postcode="3311 AB"
    )
    case = make_case(municipality=town, product_slug="kapvergunning", person=resident)
    case = case_assign(case=case, assignee=worker, actor=lead)
    case_add_note(case=case, text="Boom staat op de erfgrens.", actor=worker)
    case_send_message(case=case, text="Wij bekijken uw aanvraag.", actor=worker)
    case = case_suspend(case=case, reason="Stuur een foto van de boom.", actor=worker)
    case_add_document(
        case=case, upload=SimpleUploadedFile("foto.pdf", PDF), actor=None, from_applicant=True
    )
    case = case_resume(case=case, actor=worker, reason="Foto ontvangen")
    send_message(case=case, text="Is er al nieuws?")  # a notification and a queue mark
    for person, organisation in ((resident, None), (None, company)):
        handed = make_case(
            municipality=town,
            product_slug="kapvergunning",
            person=person,
            organisation=organisation,
        )
        case_hand_over(case=handed, reason="Zorgvraag", actor=lead, partner=social)
    contact_register(
        municipality=town,
        actor=kcc,
        channel="telefoon",
        subject="Vraag over de boom",
        text="Mevrouw wil weten wanneer de boom weg mag.",
        outcome=Contact.Outcome.HANDED_OVER,
        person=resident,
        receiver=Receiver(team=permits),
    )
    contact_register(
        municipality=town,
        actor=kcc,
        channel="balie",
        subject="Hulp bij het huishouden",
        text="Mevrouw redt het niet meer alleen.",
        outcome=Contact.Outcome.CALLBACK,
        person=resident,
        receiver=Receiver(partner=social),
    )
    contact_register(
        municipality=town,
        actor=worker,
        channel="telefoon",
        subject="Vraag over grofvuil",
        outcome=Contact.Outcome.ANSWERED,
        person=resident,
    )
    Article.objects.create(
        product=Product.objects.get(slug="grofvuil"),
        title_nl="Grofvuil laten ophalen",
        title_en="Bulky waste collection",
        answer_nl="Maak online een afspraak.",
        answer_en="Book online.",
        instructions_nl="Vier keer per jaar gratis.",
        valid_from=dt.date(2020, 1, 1),
    )
    return {
        "worker": worker,
        "lead": lead,
        "partner": partner,
        "admin": admin,
        "resident": resident,
        "company": company,
        "case": case,
        "handed": handed,
    }


class Checker:
    def __init__(self, page: Any) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.page = page
        self.checked: list[str] = []
        self.problems: list[str] = []

    def check(self, label: str) -> list[str]:
        results = self.axe.run(self.page)
        path = "/" + self.page.url.split("/", 3)[-1]
        self.checked.append(f"{label} ({path})")
        # axe leaves the contrast of very short texts (a count such as "2") "to review"
        # instead of failing it; those are checked too: the unread count in the header was one.
        unsure = [v for v in results.response["incomplete"] if v["id"] == "color-contrast"]
        found = [
            f"{label}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}"
            for v in [*results.response["violations"], *unsure]
        ]
        self.problems.extend(found)
        return found

    def visit(self, path: str, label: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        self.check(label)


def _login(page: Any, username: str) -> None:
    page.goto("/werkplek/inloggen")
    page.fill("#id_username", username)
    page.fill("#id_password", "secret-pass")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/werkplek/")


def test_every_workbench_page_has_no_axe_violations(
    browser_context: Any, office: dict[str, Any]
) -> None:
    page = browser_context().new_page()
    axe = Checker(page)
    resident, company = office["resident"], office["company"]

    axe.visit("/werkplek/inloggen", "staff login")
    page.fill("#id_username", "behandelaar")
    page.fill("#id_password", "fout")
    page.click("form.form button[type=submit]")
    axe.check("staff login with an error")

    requests = {
        "behandelaar": office["case"],
        "teamleider": office["case"],
        "sociaalteam": office["handed"],
    }
    for username, case in requests.items():
        page = browser_context().new_page()
        axe.page = page
        _login(page, username)
        who = f"[{username}]"
        axe.check(f"{who} dashboard")
        for scope in ("mine", "team", "all"):
            axe.visit(f"/werkplek/zaken?scope={scope}", f"{who} case queue, {scope}")
        axe.visit(f"/werkplek/zaken/{case.uuid}", f"{who} case with timeline and forms")
        axe.visit("/werkplek/meldingen", f"{who} notifications")
        axe.visit("/werkplek/loket", f"{who} front office")
        page.fill("#q", "Koster")
        page.get_by_role("button", name="Zoeken").click()
        axe.check(f"{who} front office search with results")
        axe.visit(
            f"/werkplek/personen/{resident.uuid}?vraag=grofvuil+ophalen",
            f"{who} person with answers",
        )
        axe.visit("/werkplek/personen/nieuw", f"{who} new person form")
        page.get_by_role("button", name="Opslaan").click()
        axe.check(f"{who} new person form with errors")
        org_uuid = company.uuid
        axe.visit(f"/werkplek/organisaties/{org_uuid}", f"{who} organisation")
        axe.visit(f"/werkplek/contacten/nieuw?persoon={resident.uuid}", f"{who} contact form")
        page.get_by_role("button", name="Registreren").click()
        axe.check(f"{who} contact form with errors")
        axe.visit("/werkplek/kennisbank", f"{who} knowledge base")
        page.get_by_role("link", name="Grofvuil laten ophalen").first.click()
        axe.check(f"{who} article")
        axe.visit("/werkplek/verzoeken?scope=team", f"{who} requests")
        page.locator("table a[href*='/werkplek/verzoeken/']").first.click()
        axe.check(f"{who} request")

    page = browser_context().new_page()
    axe.page = page
    _login(page, "beheerder")
    axe.visit(f"/werkplek/zaken/{office['case'].uuid}/audit", "[beheerder] case audit")
    # The article form: an administrator edits the knowledge base (loket.accounts.permissions).
    axe.visit("/werkplek/kennisbank/nieuw", "[beheerder] article form")
    page.get_by_role("button", name="Opslaan").click()
    axe.check("[beheerder] article form with errors")

    print("\naxe-core checked these workbench pages:\n  " + "\n  ".join(axe.checked))
    assert len(axe.checked) == 2 + 3 * 18 + 2 + 1
    assert axe.problems == [], "\n".join(axe.problems)


def test_the_check_fails_on_a_broken_page(page: Any) -> None:
    """The axe run is not a rubber stamp: an unlabelled field and white-on-white text are
    reported."""
    page.set_content(
        '<!doctype html><html lang="nl"><head><title>Kapot</title></head><body><main>'
        '<h1>Kapot</h1><input type="text"><p style="color:#aaa;background:#fff">Onleesbaar</p>'
        "</main></body></html>"
    )
    found = Checker(page).check("deliberately broken page")
    assert any("label" in problem for problem in found), found
    assert any("color-contrast" in problem for problem in found), found
