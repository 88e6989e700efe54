"""Every free text has a limit (``loket.lib.limits``), enforced by the service, so that no entry
point can store 100,000 characters; the forms and the API show it as a field error."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from loket.accounts.models import Role, User
from loket.cases import services as case_services
from loket.cases.errors import InvalidInput
from loket.cases.models import Case, CaseEvent, CaseMessage, CaseNote
from loket.catalogue.models import Product
from loket.contacts import services as contact_services
from loket.contacts.errors import InvalidContactInput
from loket.contacts.models import Contact, ContactRequest
from loket.contacts.services import Receiver
from loket.knowledge.models import Article
from loket.knowledge.services import article_save
from loket.lib import limits
from loket.organisation.models import Team
from loket.parties import services as party_services
from loket.parties.errors import InvalidPartyInput
from loket.parties.models import Organisation, Person
from loket.portal import services as portal_services
from tests.factories import PersonFactory, StaffFactory, make_case
from tests.portal.conftest import login

pytestmark = pytest.mark.django_db
HUGE = "x" * 100_000


@pytest.fixture
def case(catalogue: None, municipality_a: Any) -> Case:
    return make_case(municipality=municipality_a, product_slug="omgevingsvergunning")


@pytest.fixture
def staff_client(staff_a: Any) -> Client:
    client = Client()
    client.force_login(staff_a)
    return client


def test_a_huge_workbench_note_is_a_field_error_and_nothing_is_stored(
    staff_client: Client, case: Case, staff_a: User
) -> None:
    url = reverse("workbench:case_action", kwargs={"uuid": case.uuid, "action": "note"})
    response = staff_client.post(url, {"text": HUGE})
    assert response.status_code == 400
    assert "niet meer dan 5000 tekens bevat (het zijn er nu 100000)" in response.content.decode()
    assert not CaseNote.objects.exists()
    with pytest.raises(InvalidInput) as refused:
        case_services.case_add_note(case=case, text=HUGE, actor=staff_a)
    assert refused.value.field == "text" and "100.000" in str(refused.value.message)
    assert not CaseNote.objects.exists()


def test_a_huge_workbench_message_is_refused_not_cut_off(staff_client: Client, case: Case) -> None:
    url = reverse("workbench:case_action", kwargs={"uuid": case.uuid, "action": "message"})
    response = staff_client.post(url, {"message-text": HUGE})
    assert response.status_code == 400
    assert not CaseMessage.objects.exists()
    # Before, the service cut a long message at 5,000 characters without saying so.
    with pytest.raises(InvalidInput):
        case_services.case_send_message(case=case, text="y" * (limits.TEXT + 1), actor=None)
    assert not CaseMessage.objects.exists()
    message = case_services.case_send_message(case=case, text="y" * limits.TEXT, actor=None)
    assert len(message.text) == limits.TEXT


def test_a_huge_suspend_reason_through_the_api_is_a_400_with_invalid_params(
    staff_a: Any, case: Case
) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_a).key}")
    response = api.post(
        f"/api/v1/cases/{case.uuid}/suspend",
        {"reason": HUGE},
        format="json",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert [param["name"] for param in body["invalidParams"]] == ["reason"]
    assert "2000" in body["invalidParams"][0]["reason"]
    case.refresh_from_db()
    assert case.suspended_at is None and case.version == 1
    assert not CaseEvent.objects.filter(case=case).exists()


def test_the_service_refusal_reaches_the_api_as_invalid_params(rf: Any, case: Case) -> None:
    from loket.api.problems import exception_handler

    with pytest.raises(InvalidInput) as refused:
        case_services.case_suspend(case=case, reason=HUGE, actor=None)
    response = exception_handler(refused.value, {"request": None})
    assert response is not None and response.status_code == 400
    assert response.data["invalidParams"][0]["name"] == "reason"
    assert response.data["code"] == "invalid"


@pytest.mark.parametrize(
    "call",
    [
        lambda c: case_services.case_suspend(case=c, reason=HUGE, actor=None),
        lambda c: case_services.case_extend(case=c, reason=HUGE, actor=None),
        lambda c: case_services.case_mark_custom(case=c, reason=HUGE, actor=None),
        lambda c: case_services.case_resume(case=c, reason=HUGE, actor=None),
        lambda c: case_services.case_withdraw(case=c, reason=HUGE),
        lambda c: case_services.case_set_status(
            case=c, step=c.case_type.ordered_steps[1], note=HUGE, actor=None
        ),
        lambda c: case_services.case_hand_over(
            case=c, reason=HUGE, team=Team.objects.first(), actor=None
        ),
    ],
)
def test_every_case_text_is_limited_in_the_service(case: Case, call: Any) -> None:
    with pytest.raises(InvalidInput):
        call(case)
    case.refresh_from_db()
    assert case.version == 1 and case.closed_at is None


def test_a_case_cannot_be_opened_with_a_huge_description(
    catalogue: None, municipality_a: Any
) -> None:
    product = Product.objects.get(slug="paspoort")
    with pytest.raises(InvalidInput) as refused:
        case_services.case_create(
            municipality=municipality_a, product=product, subject="Paspoort", description=HUGE
        )
    assert refused.value.field == "description"
    with pytest.raises(InvalidInput):
        case_services.case_create(municipality=municipality_a, product=product, subject=HUGE)
    assert not Case.objects.exists()


def test_a_huge_portal_message_is_a_field_error_and_nothing_is_stored(
    client: Client, town: Any, resident: Any, demo_login_on: None
) -> None:
    case = make_case(municipality=town, product_slug="parkeervergunning", person=resident)
    login(client, town, resident)
    url = reverse("portal:mijn_case_message", kwargs={"municipality": town.slug, "uuid": case.uuid})
    response = client.post(url, {"text": HUGE})
    assert response.status_code == 400
    assert "niet meer dan 5000 tekens" in response.content.decode()
    assert not CaseMessage.objects.exists()
    with pytest.raises(InvalidInput):
        portal_services.send_message(case=case, text=HUGE)
    with pytest.raises(InvalidInput):
        portal_services.withdraw(case=case, reason=HUGE)
    assert not CaseMessage.objects.exists()
    assert Case.objects.get(pk=case.pk).closed_at is None


def test_application_answers_are_limited_in_the_service(town: Any, resident: Any) -> None:
    from loket.portal.identity import Resident

    product = Product.objects.get(slug="parkeervergunning")
    with pytest.raises(InvalidInput) as refused:
        portal_services.application_submit(
            municipality=town,
            product=product,
            resident=Resident(method="demo", bsn=resident.bsn, name="Emma"),
            answers={"kenteken": HUGE},
            description="",
            uploads=[],
            submission_key="k1",
        )
    assert refused.value.field == "kenteken"
    assert not Case.objects.exists()


def test_contact_texts_and_party_fields_are_limited_in_the_service(
    catalogue: None, municipality_a: Any
) -> None:
    agent = StaffFactory.create(
        username="kcc", role=Role.FRONT_OFFICE, municipalities=[municipality_a]
    )
    person = PersonFactory.create(municipality=municipality_a)
    register: dict[str, Any] = {
        "municipality": municipality_a,
        "actor": agent,
        "channel": "telefoon",
        "outcome": Contact.Outcome.HANDED_OVER,
        "receiver": Receiver(team=Team.objects.first()),
        "person": person,
    }
    too_long: list[dict[str, Any]] = [{"subject": "Vraag", "text": HUGE}, {"subject": HUGE}]
    for extra in too_long:
        with pytest.raises(InvalidContactInput) as refused:
            contact_services.contact_register(**register, **extra)
        assert refused.value.status == 400
    assert not Contact.objects.exists() and not ContactRequest.objects.exists()
    contact = contact_services.contact_register(**register, subject="Vraag")
    request = contact.requests.get()
    with pytest.raises(InvalidContactInput):
        contact_services.request_close(request=request, outcome="answered", note=HUGE, actor=agent)
    request.refresh_from_db()
    assert request.closed_at is None
    for data, field in (({"surname": HUGE}, "surname"), ({"surname": "A\x00"}, "surname")):
        with pytest.raises(InvalidPartyInput) as party_refused:
            party_services.person_create(municipality=municipality_a, data=data, actor=agent)
        assert party_refused.value.field == field
    with pytest.raises(InvalidPartyInput) as party_refused:
        party_services.organisation_create(
            municipality=municipality_a, data={"kvk_number": "12345678", "name": HUGE}, actor=agent
        )
    assert party_refused.value.field == "name"
    assert Person.objects.count() == 1 and not Organisation.objects.exists()


def test_a_huge_knowledge_answer_is_refused_by_the_service_and_the_form(
    catalogue: None, municipality_a: Any
) -> None:
    product = Product.objects.get(slug="paspoort")
    article = Article(
        product=product,
        title_nl="Paspoort",
        title_en="Passport",
        answer_nl=HUGE,
        answer_en="Apply.",
        valid_from=dt.date(2026, 1, 1),
    )
    with pytest.raises(ValidationError) as refused:
        article_save(article=article, actor=None)
    assert "answer_nl" in refused.value.message_dict
    # An administrator may edit the knowledge base (loket.accounts.permissions).
    editor = StaffFactory.create(
        username="beheer", role=Role.ADMINISTRATOR, municipalities=[municipality_a]
    )
    client = Client()
    client.force_login(editor)
    response = client.post(
        reverse("workbench:article_new"),
        {
            "product": product.pk,
            "title_nl": "Paspoort",
            "title_en": "Passport",
            "answer_nl": HUGE,
            "answer_en": "Apply.",
            "valid_from": "2026-01-01",
        },
    )
    assert response.status_code == 400
    assert "niet meer dan 20000 tekens" in response.content.decode()
    assert not Article.objects.exists()
