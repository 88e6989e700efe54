"""Issue 11, defect 5: the front-office hand-over keeps the question. What the agent typed on
the resident's page goes into "Wat is gevraagd en gezegd", and the subject is the product the
agent chose, not the wegwijzer's first hit."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.urls import reverse

from loket.accounts.models import Role
from loket.catalogue.models import Product
from loket.contacts.models import Contact, ContactRequest
from loket.organisation.models import Team
from tests.factories import PersonFactory, StaffFactory

pytestmark = pytest.mark.django_db

QUESTION = "bijzondere bijstand wasmachine"


@pytest.fixture
def agent(municipality_a: Any) -> Any:
    return StaffFactory.create(
        username="kcc", role=Role.FRONT_OFFICE, municipalities=[municipality_a]
    )


@pytest.fixture
def resident(catalogue: None, municipality_a: Any) -> Any:
    return PersonFactory.create(municipality=municipality_a, surname="Wasman", phone="+31612345678")


def _textarea(page: str, name: str) -> str:
    found = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, name
    return html.unescape(found.group(1)).strip()


def _value(page: str, name: str) -> str:
    found = re.search(rf'<input type="text" name="{name}"[^>]*?value="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else ""


def test_the_question_and_the_chosen_product_go_into_the_contact_form(
    client: Any, agent: Any, resident: Any
) -> None:
    client.force_login(agent)
    page = client.get(
        reverse("workbench:person_detail", kwargs={"uuid": resident.uuid}), {"vraag": QUESTION}
    ).content.decode()
    # The form beside the answers already holds the question.
    assert _textarea(page, "text") == QUESTION
    # Every link from an answer to the full contact form carries the question along.
    links = [
        html.unescape(href)
        for href in re.findall(r'href="(/werkplek/contacten/nieuw\?[^"]*)"', page)
    ]
    assert links and all("vraag=bijzondere%20bijstand%20wasmachine" in link for link in links)

    # The agent chooses the social-assistance product, whichever product came first.
    bijstand = Product.objects.get(slug="bijstand")
    form = client.get(
        reverse("workbench:contact_new"),
        {"persoon": resident.uuid, "product": bijstand.pk, "vraag": QUESTION},
    ).content.decode()
    assert _textarea(form, "text") == QUESTION
    assert _value(form, "subject") == "Bijstandsuitkering aanvragen"
    assert "Grofvuil" not in _value(form, "subject")
    assert f'<option value="{bijstand.pk}" selected>' in form


def test_an_empty_subject_is_the_product_chosen(
    client: Any, agent: Any, resident: Any, municipality_a: Any
) -> None:
    bijstand = Product.objects.get(slug="bijstand")
    client.force_login(agent)
    response = client.post(
        reverse("workbench:contact_new"),
        {
            "persoon": resident.uuid,
            "municipality": municipality_a.pk,
            "channel": "telefoon",
            "direction": "in",
            "subject": "",
            "text": QUESTION,
            "product": bijstand.pk,
            "outcome": "handed_over",
            "receiver": f"team:{Team.objects.get(slug='werk-en-inkomen').pk}",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.subject, contact.text, contact.product) == (
        "Bijstandsuitkering aanvragen",
        QUESTION,
        bijstand,
    )
    assert ContactRequest.objects.get().question == QUESTION


def test_no_subject_and_no_product_is_refused_with_a_message(
    client: Any, agent: Any, resident: Any, municipality_a: Any
) -> None:
    client.force_login(agent)
    response = client.post(
        reverse("workbench:contact_new"),
        {
            "persoon": resident.uuid,
            "municipality": municipality_a.pk,
            "channel": "telefoon",
            "direction": "in",
            "subject": "",
            "outcome": "answered",
        },
    )
    assert response.status_code == 400
    assert "Geef een onderwerp, of kies het product waarover het gaat." in response.content.decode()
    assert Contact.objects.count() == 0
