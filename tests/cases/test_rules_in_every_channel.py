"""Every rule in one place (issue 13): a rule the case and contact services own gives the same
refusal, with the same message and nothing stored, through each channel that has it — Mijn Loket
(the portal), the workbench and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from loket.cases.errors import CaseRefused, InvalidInput
from loket.cases.models import Case
from loket.cases.services import case_create
from loket.catalogue.models import Product
from loket.contacts.errors import ContactRefused
from loket.contacts.models import Contact, Person
from loket.contacts.services import contact_register
from loket.portal import services as portal
from loket.portal.identity import Resident
from tests.factories import MunicipalityFactory, PersonFactory, StaffFactory
from tests.portal.conftest import PDF, login

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _portal(name: str, municipality: Any, **kwargs: Any) -> str:
    return reverse(f"portal:{name}", kwargs={"municipality": municipality.slug, **kwargs})


def _dutch(refusal: CaseRefused | ContactRefused) -> str:
    with translation.override("nl"):
        return str(refusal.message)


def pdf(name: str = "bijlage.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def emma(municipality_a: Any) -> Any:
    return PersonFactory(
        municipality=municipality_a,
        bsn="111222333",
        first_name="Emma",
        surname="Visser",
        email="emma@example.org",
    )


# --- "Is this product offered in this municipality?" -----------------------------------------


@pytest.fixture
def small(catalogue: None) -> Any:
    """A municipality with the standard package only: no parking permits."""
    return MunicipalityFactory(slug="klein", name="Klein")


def _nothing_stored(municipality: Any) -> None:
    assert not Case.objects.filter(municipality=municipality).exists()
    assert not Contact.objects.filter(municipality=municipality).exists()


def test_offered_is_checked_by_case_create(small: Any) -> None:
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
    client: Any, small: Any, settings: Any
) -> None:
    permit = Product.objects.get(slug="parkeervergunning")
    with pytest.raises(InvalidInput) as by_service:
        case_create(municipality=small, product=permit, subject="Parkeren")
    message = _dutch(by_service.value)

    # API: a 400 on the field "product" with the service's words.
    worker = StaffFactory(username="worker-klein", municipalities=[small])
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
    resident = PersonFactory(municipality=small, bsn="123456782")
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
    page = client.post(
        reverse("workbench:contact_new") + f"?persoon={resident.uuid}",
        {
            "persoon": str(resident.uuid),
            "municipality": small.pk,
            "channel": "telefoon",
            "direction": "inbound",
            "subject": "Parkeren",
            "outcome": "case_created",
            "product": permit.pk,
        },
    )
    assert page.status_code == 400

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
