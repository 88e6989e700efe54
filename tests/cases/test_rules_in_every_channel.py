"""Every rule in one place (issue 13): a rule the case and contact services own gives the same
refusal, with the same message and nothing stored, through each channel that has it — Mijn Loket
(the portal), the workbench and the API.

More of the same, per rule: ``test_channel_due_state`` (one due state in the queue, the case
page, the overview and the API), ``test_channel_workflow_moves`` (withdrawing and reopening as
rows of the workflow table) and ``test_channel_contacts_and_persons`` (resolved on first
contact, one person per resident, one phone check)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django import Settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from loket.accounts.models import Role, User
from loket.cases.errors import CaseClosed, CaseRefused, CaseSuspended, InvalidInput
from loket.cases.models import Case, CaseDocument, CaseMessage, CaseNote
from loket.cases.services import (
    case_add_document,
    case_create,
    case_extend,
    case_send_message,
    case_suspend,
    case_withdraw,
    extension_possible,
)
from loket.catalogue.models import Product
from loket.contacts.errors import ContactRefused
from loket.contacts.models import Contact
from loket.contacts.services import contact_register
from loket.history.models import ChangeRecord
from loket.lib.calendar import AMSTERDAM
from loket.parties.models import Person
from loket.portal import services as portal
from loket.portal.identity import Resident
from loket.tenancy.models import Municipality
from tests.accounts.personas import municipality, open_case, person, staff
from tests.portal.conftest import PDF, login

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _api(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _portal(name: str, town: Municipality, **kwargs: object) -> str:
    return reverse(f"portal:{name}", kwargs={"municipality": town.slug, **kwargs})


def _dutch(refusal: CaseRefused | ContactRefused) -> str:
    with translation.override("nl"):
        return str(refusal.message)


def pdf(name: str = "bijlage.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def emma(municipality_a: Municipality) -> Person:
    return person(
        municipality_a,
        bsn="111222333",
        first_name="Emma",
        surname="Visser",
        email="emma@example.org",
    )


# --- "Is this product offered in this municipality?" -----------------------------------------


@pytest.fixture
def small(catalogue: None) -> Municipality:
    """A municipality with the standard package only: no parking permits."""
    return municipality("klein", everything=False)


def _nothing_stored(town: Municipality) -> None:
    assert not Case.objects.filter(municipality=town).exists()
    assert not Contact.objects.filter(municipality=town).exists()


def test_offered_is_checked_by_case_create(small: Municipality) -> None:
    permit = Product.objects.get(slug="parkeervergunning")
    assert not Product.objects.offered_in(small).filter(pk=permit.pk).exists()
    with pytest.raises(InvalidInput) as refused:
        case_create(municipality=small, product=permit, subject="Parkeren")
    assert refused.value.field == "product"
    assert _dutch(refused.value) == "Deze gemeente biedt dit product niet aan."
    _nothing_stored(small)
    # The standard package is offered.
    case_create(municipality=small, product=Product.objects.get(slug="paspoort"), subject="P")


def test_not_offered_is_the_same_refusal_in_api_contacts_and_portal(
    client: Client, small: Municipality, settings: Settings
) -> None:
    permit = Product.objects.get(slug="parkeervergunning")
    with pytest.raises(InvalidInput) as by_service:
        case_create(municipality=small, product=permit, subject="Parkeren")
    message = _dutch(by_service.value)

    # API: a 400 on the field "product" with the service's words.
    worker = staff(Role.CASE_WORKER, small, username="worker-klein")
    response = _api(worker).post(
        "/api/v1/cases",
        {"municipality": "klein", "product": "parkeervergunning", "subject": "Parkeren"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert response.json()["invalidParams"] == [
        {"name": "product", "code": "invalid", "reason": message}
    ]

    # The front office (contact service): the same words on the same field, no contact either.
    resident = person(small, bsn="123456782")
    with pytest.raises(ContactRefused) as by_contact:
        contact_register(
            municipality=small,
            actor=worker,
            channel="telefoon",
            subject="Parkeren",
            outcome=Contact.Outcome.CASE_CREATED,
            person=resident,
            product=permit,
        )
    assert (by_contact.value.field, _dutch(by_contact.value)) == ("product", message)
    # The workbench form only lists what the municipality offers; a forged choice stores nothing.
    client.force_login(worker)
    form_page = client.get(reverse("workbench:contact_new"), {"persoon": str(resident.uuid)})
    offered = form_page.context["form"].fields["product"].queryset
    assert offered.filter(slug="paspoort").exists()
    assert not offered.filter(pk=permit.pk).exists()
    page = client.post(
        reverse("workbench:contact_new"),
        {
            "persoon": str(resident.uuid),
            "municipality": str(small.pk),
            "channel": "telefoon",
            "direction": "in",
            "subject": "Parkeren",
            "outcome": "case_created",
            "product": str(permit.pk),
        },
    )
    assert page.status_code == 400
    assert list(page.context["form"].errors) == ["product"]  # refused for the product alone

    # Mijn Loket: the form's page is a 404 (one selector, ``offered_in``); the submission
    # itself is refused by ``case_create`` with the same words, and no person is made either.
    settings.LOKET_DEMO_LOGIN = True
    login(client, small, resident)
    assert client.get(_portal("apply", small, product="parkeervergunning")).status_code == 404
    newcomer = Resident(method="digid", bsn="999990019", name="Nieuw Persoon")
    with pytest.raises(CaseRefused) as by_portal:
        portal.application_submit(
            municipality=small,
            product=permit,
            resident=newcomer,
            answers={"kenteken": "12-ABC-3"},
            description="",
            uploads=[],
            submission_key="a" * 32,
        )
    assert (by_portal.value.field, _dutch(by_portal.value)) == ("product", message)
    assert not Person.objects.filter(bsn="999990019").exists()
    _nothing_stored(small)


# --- "Can this case be extended?" ------------------------------------------------------------


@pytest.fixture
def permit_case(catalogue: None, municipality_a: Municipality, emma: Person) -> Case:
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM), tick=False):
        return open_case(municipality_a, "omgevingsvergunning", initiator=emma)


def _page_offers_extension(client: Client, case: Case) -> bool:
    page = client.get(reverse("workbench:case_detail", args=[case.uuid]))
    assert page.status_code == 200
    return bool(page.context["can_extend"])


@pytest.mark.parametrize("why", ["suspended", "overdue"])
def test_page_offers_an_extension_only_when_the_service_accepts_it(
    client: Client, staff_a: User, permit_case: Case, why: str
) -> None:
    client.force_login(staff_a)
    start = dt.datetime(2026, 11, 24, 10, 0, tzinfo=AMSTERDAM)
    with time_machine.travel(start, tick=False):
        assert extension_possible(permit_case)
        assert _page_offers_extension(client, permit_case)
        if why == "suspended":
            case_suspend(case=permit_case, reason="Tekening ontbreekt", actor=staff_a)
    permit_case.refresh_from_db()
    moment = start if why == "suspended" else permit_case.expires_at + dt.timedelta(days=1)
    with time_machine.travel(moment, tick=False):
        client.force_login(staff_a)  # a login does not last the weeks travelled
        assert not extension_possible(permit_case)
        assert not _page_offers_extension(client, permit_case)
        version = permit_case.version
        with pytest.raises(CaseRefused) as by_service:
            case_extend(case=permit_case, reason="Advies nodig", actor=staff_a)
        if why == "suspended":
            assert isinstance(by_service.value, CaseSuspended)
        message = _dutch(by_service.value)
        # The workbench action and the API refuse with the same words.
        page = client.post(
            reverse("workbench:case_action", args=[permit_case.uuid, "extend"]),
            {"extend-version": version, "extend-reason": "Advies nodig"},
            HTTP_ACCEPT_LANGUAGE="nl",
        )
        assert page.status_code == 409 and message in page.content.decode()
        response = _api(staff_a).post(
            f"/api/v1/cases/{permit_case.uuid}/extend",
            {"reason": "Advies nodig"},
            format="json",
            HTTP_ACCEPT_LANGUAGE="nl",
        )
        assert response.status_code == 409 and response.json()["detail"] == message
    permit_case.refresh_from_db()
    assert permit_case.extended_at is None and permit_case.version == version


def test_once_extended_the_page_offers_no_second_extension(
    client: Client, staff_a: User, permit_case: Case
) -> None:
    client.force_login(staff_a)
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=AMSTERDAM), tick=False):
        case_extend(case=permit_case, reason="Advies nodig", actor=staff_a)
        permit_case.refresh_from_db()
        assert not extension_possible(permit_case)
        assert not _page_offers_extension(client, permit_case)


# --- "No documents or messages on a closed case" --------------------------------------------


@pytest.fixture
def closed_case(permit_case: Case) -> Case:
    return case_withdraw(case=permit_case, reason="Verhuisd")


def _nothing_added(case: Case) -> None:
    assert not CaseDocument.objects.filter(case=case).exists()
    assert not CaseMessage.objects.filter(case=case).exists()


def test_closed_case_takes_no_document_or_message_in_any_channel(
    client: Client,
    staff_a: User,
    emma: Person,
    municipality_a: Municipality,
    closed_case: Case,
    settings: Settings,
) -> None:
    with pytest.raises(CaseClosed) as document_refused:
        case_add_document(case=closed_case, upload=pdf(), actor=staff_a)
    with pytest.raises(CaseClosed) as message_refused:
        case_send_message(case=closed_case, text="Nog een vraag", actor=staff_a)
    on_document, on_message = _dutch(document_refused.value), _dutch(message_refused.value)

    # Workbench.
    client.force_login(staff_a)
    action = reverse("workbench:case_action", args=[closed_case.uuid, "document"])
    page = client.post(action, {"file": pdf()}, HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 409 and on_document in page.content.decode()
    action = reverse("workbench:case_action", args=[closed_case.uuid, "message"])
    page = client.post(action, {"message-text": "Nog iets"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 409 and on_message in page.content.decode()

    # API (documents; the API sends no messages).
    response = _api(staff_a).post(
        f"/api/v1/cases/{closed_case.uuid}/documents",
        {"file": pdf()},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 409 and response.json()["detail"] == on_document

    # Mijn Loket: the same words, from the same service (the portal has no check of its own).
    settings.LOKET_DEMO_LOGIN = True
    client.logout()
    login(client, municipality_a, emma)
    page = client.post(
        _portal("mijn_case_upload", municipality_a, uuid=closed_case.uuid), {"file": pdf()}
    )
    assert page.status_code == 400 and on_document in page.content.decode()
    page = client.post(
        _portal("mijn_case_message", municipality_a, uuid=closed_case.uuid), {"text": "Nog iets"}
    )
    assert page.status_code == 400 and on_message in page.content.decode()
    _nothing_added(closed_case)


def test_staff_may_still_note_on_a_closed_case(
    client: Client, staff_a: User, closed_case: Case
) -> None:
    client.force_login(staff_a)
    response = client.post(
        reverse("workbench:case_action", args=[closed_case.uuid, "note"]),
        {"text": "Inwoner belde nog na"},
    )
    assert response.status_code == 302
    assert CaseNote.objects.filter(case=closed_case, text="Inwoner belde nog na").exists()


# --- the portal's persons and contacts go through the contact services ----------------------


def test_an_application_finds_the_person_by_bsn_and_normalises_the_phone(
    municipality_a: Municipality, emma: Person
) -> None:
    resident = Resident(method="digid", bsn=emma.bsn, name="Emma Visser")
    case, created = portal.application_submit(
        municipality=municipality_a,
        product=Product.objects.get(slug="parkeervergunning"),
        resident=resident,
        answers={"kenteken": "12-ABC-3", "telefoon": "06 12345678"},
        description="",
        uploads=[],
        submission_key="b" * 32,
    )
    assert created
    assert Person.objects.filter(municipality=municipality_a, bsn=emma.bsn).count() == 1
    emma.refresh_from_db()
    assert case.initiator_person == emma and emma.phone == "+31612345678"
    assert ChangeRecord.objects.for_object(emma).filter(reason="Mijn Loket").exists()
    contact = Contact.objects.get(case=case)
    assert (contact.outcome, contact.channel, contact.person) == ("case_created", "web", emma)
    assert contact.resolved_on_first_contact is False
    assert Case.objects.filter(initiator_person=emma).count() == 1  # the contact opened no case


def test_a_new_resident_is_registered_once_with_a_normalised_phone(
    municipality_a: Municipality,
) -> None:
    resident = Resident(method="digid", bsn="999990019", name="Nieuw Persoon")
    for key in ("c", "d"):
        portal.application_submit(
            municipality=municipality_a,
            product=Product.objects.get(slug="parkeervergunning"),
            resident=resident,
            answers={"kenteken": "12-ABC-3", "telefoon": "06 12345678"},
            description="",
            uploads=[],
            submission_key=key * 32,
        )
    person = Person.objects.get(municipality=municipality_a, bsn="999990019")
    assert (person.first_name, person.surname, person.phone) == ("Nieuw", "Persoon", "+31612345678")


def test_a_phone_the_contact_services_refuse_stores_nothing(
    municipality_a: Municipality, emma: Person
) -> None:
    resident = Resident(method="digid", bsn=emma.bsn, name="Emma Visser")
    with pytest.raises(CaseRefused) as refused:
        portal.application_submit(
            municipality=municipality_a,
            product=Product.objects.get(slug="parkeervergunning"),
            resident=resident,
            answers={"kenteken": "12-ABC-3", "telefoon": "12"},
            description="",
            uploads=[],
            submission_key="e" * 32,
        )
    assert refused.value.field == "phone"
    emma.refresh_from_db()
    assert emma.phone == "" and not Case.objects.exists() and not Contact.objects.exists()
