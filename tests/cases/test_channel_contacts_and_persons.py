"""Contacts and persons, the same in every channel (issue 13, "Every rule in one place").

Resolved on first contact: only an answered contact can be, and ``contact_register`` is the one
place of that rule. The workbench's contact form, its one-click "answered" and Mijn Loket's
application store what the service decides, and the overview counts what was stored.

Persons: Mijn Loket finds and registers residents through the person services the front office
uses, so a resident is one person whichever channel met them first, a duplicate BSN is caught
either way, and a phone number is checked and normalised (+316…) in the same words."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django import Settings

from loket.accounts.models import Role, User
from loket.cases.models import Case
from loket.catalogue.models import Product
from loket.contacts.models import Contact
from loket.contacts.services import Receiver, contact_register
from loket.knowledge.models import Article
from loket.knowledge.services import article_save
from loket.lib.phone import PHONE_MESSAGE
from loket.organisation.models import Team
from loket.parties.models import Person
from loket.portal import services as portal
from loket.portal.identity import Resident
from loket.tenancy.models import Municipality
from tests.accounts.personas import moment, municipality, person, staff

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a test document\n"
# Mijn Loket's parking permit form, as a resident fills it in (the phone is added per test).
PERMIT_FORM = {"kenteken": "12-abc-3", "ingangsdatum": "2026-12-01", "email": "emma@example.org"}
NOW = moment(2026, 11, 23)  # the resident's session and the start date are counted from here


@dataclass(frozen=True)
class Setting:
    town: Municipality
    agent: User  # the front office
    team: Team


@pytest.fixture
def setting(catalogue: None, settings: Settings) -> Setting:
    settings.LOKET_DEMO_LOGIN = True
    town = municipality("aadorp")
    return Setting(
        town=town,
        agent=staff(Role.FRONT_OFFICE, town, username="kcc"),
        team=Team.objects.get(slug="vergunningen"),
    )


def dutch_phone_message() -> str:
    with translation.override("nl"):
        return str(PHONE_MESSAGE)


# --- resolved on first contact --------------------------------------------------------------


def _extra_form(setting: Setting, outcome: str) -> dict[str, str]:
    """What the workbench's contact form needs besides the common fields, per outcome."""
    if outcome in (Contact.Outcome.HANDED_OVER, Contact.Outcome.CALLBACK):
        return {"receiver": f"team:{setting.team.pk}", "callback_phone": "0612345678"}
    if outcome == Contact.Outcome.CASE_CREATED:
        return {"product": str(Product.objects.get(slug="paspoort").pk)}
    return {}


def _by_service(setting: Setting, resident: Person, outcome: str, ticked: bool) -> Contact:
    handed = outcome in (Contact.Outcome.HANDED_OVER, Contact.Outcome.CALLBACK)
    return contact_register(
        municipality=setting.town,
        actor=setting.agent,
        channel="telefoon",
        subject="Door de dienst",
        outcome=outcome,
        person=resident,
        receiver=Receiver(team=setting.team) if handed else None,
        callback_phone="0612345678" if handed else "",
        product=Product.objects.get(slug="paspoort")
        if outcome == Contact.Outcome.CASE_CREATED
        else None,
        resolved_on_first_contact=ticked,
    )


@pytest.mark.parametrize("ticked", [True, False])
@pytest.mark.parametrize("outcome", list(Contact.Outcome))
def test_the_contact_form_stores_what_the_service_decides(
    client: Client, setting: Setting, outcome: str, ticked: bool
) -> None:
    resident = person(setting.town)
    form = {
        "persoon": str(resident.uuid),
        "municipality": str(setting.town.pk),
        "channel": "telefoon",
        "direction": "in",
        "subject": "Door het formulier",
        "outcome": outcome,
        **_extra_form(setting, outcome),
    }
    if ticked:
        form["resolved_on_first_contact"] = "on"
    client.force_login(setting.agent)
    response = client.post(reverse("workbench:contact_new"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    on_page = Contact.objects.get(subject="Door het formulier")
    by_service = _by_service(setting, resident, outcome, ticked)
    assert on_page.outcome == by_service.outcome == outcome
    expected = outcome == Contact.Outcome.ANSWERED and ticked
    assert on_page.resolved_on_first_contact is by_service.resolved_on_first_contact is expected


def test_one_click_answered_and_mijn_loket_and_the_overview_agree(
    client: Client, setting: Setting
) -> None:
    resident = person(setting.town, first_name="Emma", surname="Visser")
    article = article_save(
        article=Article(
            product=Product.objects.get(slug="paspoort"),
            municipality=setting.town,
            title_nl="Paspoort verlengen",
            title_en="Renew a passport",
            answer_nl="Maak een afspraak.",
            answer_en="Make an appointment.",
            valid_from="2026-01-01",
        ),
        actor=None,
    )
    with time_machine.travel(NOW, tick=False):
        client.force_login(setting.agent)
        one_click = client.post(
            reverse("workbench:person_answer", args=[resident.uuid]),
            {"channel": "balie", "article": str(article.uuid), "vraag": "Verlengen?"},
        )
        assert one_click.status_code == 302
        case, _created = portal.application_submit(
            municipality=setting.town,
            product=Product.objects.get(slug="parkeervergunning"),
            resident=Resident(method="digid", bsn=resident.bsn, name="Emma Visser"),
            answers={"kenteken": "12-ABC-3"},
            description="",
            uploads=[],
            submission_key="a" * 32,
        )
        _by_service(setting, resident, Contact.Outcome.HANDED_OVER, True)
        overview = client.get(reverse("workbench:dashboard")).context["first_contact"]
    answered = Contact.objects.get(article=article)
    web = Contact.objects.get(case=case)
    assert (answered.outcome, answered.channel, answered.resolved_on_first_contact) == (
        Contact.Outcome.ANSWERED,
        "balie",
        True,
    )
    assert (web.outcome, web.channel, web.resolved_on_first_contact) == (
        Contact.Outcome.CASE_CREATED,
        "web",
        False,
    )
    # The overview counts what was stored: three inbound contacts, one resolved.
    figures = {row.channel: (row.contacts, row.resolved) for row in overview.rows}
    assert figures == {"balie": (1, 1), "web": (1, 0), "telefoon": (1, 0)}


# --- one person, whichever channel met them first -------------------------------------------


def _resident_login(client: Client, town: Municipality, resident: Person) -> None:
    response = client.post(
        reverse("portal:demo_login", kwargs={"municipality": town.slug}),
        {"person": str(resident.uuid), "next": ""},
    )
    assert response.status_code == 302


def _portal(name: str, town: Municipality, **kwargs: str) -> str:
    return reverse(f"portal:{name}", kwargs={"municipality": town.slug, **kwargs})


def _apply_in_mijn_loket(client: Client, town: Municipality, phone: str) -> Case | None:
    """Fills in, checks and sends the parking permit form; the case made, if any."""
    form = _portal("apply", town, product="parkeervergunning")
    upload = SimpleUploadedFile("kentekenbewijs.pdf", PDF, content_type="application/pdf")
    filled = client.post(form, {**PERMIT_FORM, "telefoon": phone, "kentekenbewijs": upload})
    if filled.status_code != 302:
        return None
    check = client.get(_portal("apply_check", town, product="parkeervergunning")).content.decode()
    found = re.search(r'name="submission_key" value="([0-9a-f]+)"', check)
    assert found is not None
    sent = client.post(
        _portal("apply_send", town, product="parkeervergunning"),
        {"submission_key": found[1]},
    )
    assert sent.status_code == 302
    return Case.objects.get(submission_key=found[1])


@dataclass(frozen=True)
class Registered:
    """What the front office's "new resident" page answered."""

    status: int
    errors: dict[str, list[str]]
    existing: Person | None  # the resident it says is already known
    html: str


def _front_office_registers(
    client: Client, setting: Setting, *, bsn: str, phone: str
) -> Registered:
    client.force_login(setting.agent)
    response = client.post(
        reverse("workbench:person_new"),
        {
            "municipality": str(setting.town.pk),
            "bsn": bsn,
            "first_name": "Emma",
            "surname": "Visser",
            "phone": phone,
            "language": "nl",
        },
    )
    if response.status_code == 302:
        return Registered(302, {}, None, "")
    errors = {name: list(found) for name, found in response.context["form"].errors.items()}
    return Registered(
        response.status_code, errors, response.context["existing"], response.content.decode()
    )


def test_the_front_office_s_resident_is_the_one_mijn_loket_applies_as(
    client: Client, setting: Setting
) -> None:
    assert (
        _front_office_registers(client, setting, bsn="111222333", phone="06 12345678").status == 302
    )
    emma = Person.objects.get(municipality=setting.town, bsn="111222333")
    assert emma.phone == "+31612345678"
    client.logout()
    with time_machine.travel(NOW, tick=False):
        _resident_login(client, setting.town, emma)
        case = _apply_in_mijn_loket(client, setting.town, phone="06-1234 5678")
    assert case is not None and case.initiator_person == emma
    assert Person.objects.filter(municipality=setting.town, bsn="111222333").count() == 1
    emma.refresh_from_db()
    assert emma.phone == "+31612345678"  # the same number, normalised the same way


def test_mijn_loket_s_resident_is_known_at_the_front_office(
    client: Client, setting: Setting
) -> None:
    with time_machine.travel(NOW, tick=False):
        case, created = portal.application_submit(
            municipality=setting.town,
            product=Product.objects.get(slug="parkeervergunning"),
            resident=Resident(method="digid", bsn="999990019", name="Nieuw Persoon"),
            answers={"kenteken": "12-ABC-3", "telefoon": "0612345678"},
            description="",
            uploads=[],
            submission_key="b" * 32,
        )
    assert created and case.initiator_person is not None
    known = case.initiator_person
    assert (known.bsn, known.phone) == ("999990019", "+31612345678")
    page = _front_office_registers(client, setting, bsn="999990019", phone="")
    assert page.status == 400 and page.existing == known
    with translation.override("nl"):  # the person service's words
        said = translation.gettext("A person with this BSN is already known: %(name)s.")
    assert page.errors["bsn"] == [said % {"name": known}]
    assert reverse("workbench:person_detail", args=[known.uuid]) in page.html
    assert Person.objects.filter(municipality=setting.town, bsn="999990019").count() == 1


def test_a_phone_number_is_refused_in_the_same_words_in_both_channels(
    client: Client, setting: Setting
) -> None:
    words = dutch_phone_message()
    page = _front_office_registers(client, setting, bsn="111222333", phone="12")
    assert page.status == 400 and page.errors["phone"] == [words]
    assert not Person.objects.filter(bsn="111222333").exists()
    emma = person(setting.town, first_name="Emma", surname="Visser")
    client.logout()
    with time_machine.travel(NOW, tick=False):
        _resident_login(client, setting.town, emma)
        response = client.post(
            _portal("apply", setting.town, product="parkeervergunning"),
            {**PERMIT_FORM, "telefoon": "12"},
        )
    assert response.status_code == 400
    assert response.context["form"].errors["telefoon"] == [words]
    emma.refresh_from_db()
    assert emma.phone == "" and not Case.objects.exists()
