"""Parties: field-level validation, no person twice by BSN, no organisation twice by KvK."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from loket.accounts.models import Role
from loket.parties.errors import PartyExists
from loket.parties.models import Organisation, Person
from loket.parties.services import organisation_create, person_create
from tests.factories import PersonFactory, StaffFactory

pytestmark = pytest.mark.django_db

VALID = {
    "bsn": "111222333",
    "first_name": "Lotte",
    "surname": "de Vries",
    "postcode": "3311ab",
    "house_number": "8",
    "email": "Lotte@Example.org",
    "phone": "06-12345678",
    "language": "nl",
}


@pytest.fixture
def agent(municipality_a: Any) -> Any:
    return StaffFactory.create(
        username="kcc-a", role=Role.FRONT_OFFICE, municipalities=[municipality_a]
    )


def test_person_is_stored_normalised(municipality_a: Any, agent: Any) -> None:
    person = person_create(municipality=municipality_a, data=VALID, actor=agent)
    assert (person.postcode, person.phone, person.email) == (
        "3311 AB",
        "+31612345678",
        "lotte@example.org",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bsn", "123456789", "11-test"),
        ("bsn", "12345", "9 digits"),
        ("phone", "12345", "phone number we can call"),
        ("email", "lotte@", "valid email"),
        ("postcode", "33111", "four digits and two letters"),
    ],
)
def test_invalid_input_gets_a_field_message_and_saves_nothing(
    client: Any, agent: Any, field: str, value: str, message: str
) -> None:
    client.force_login(agent)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("workbench:person_new"), {**VALID, field: value})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message.lower() in " ".join(errors[field]).lower()
    assert Person.objects.count() == 0
    # What was typed is still there.
    assert 'value="Lotte"' in response.content.decode()


def test_dutch_messages_by_default(client: Any, agent: Any) -> None:
    client.force_login(agent)
    response = client.post(reverse("workbench:person_new"), {**VALID, "phone": "12345"})
    assert "Dit is geen telefoonnummer" in response.content.decode()


def test_second_person_with_known_bsn_is_refused_with_a_link(
    client: Any, agent: Any, municipality_a: Any
) -> None:
    existing = PersonFactory.create(
        municipality=municipality_a, bsn="111222333", surname="Bestaand"
    )
    client.force_login(agent)
    response = client.post(reverse("workbench:person_new"), VALID)
    assert response.status_code == 400
    page = response.content.decode()
    assert reverse("workbench:person_detail", kwargs={"uuid": existing.uuid}) in page
    assert "Bestaand" in page
    assert Person.objects.filter(bsn="111222333").count() == 1
    with pytest.raises(PartyExists) as refused:
        person_create(municipality=municipality_a, data=VALID, actor=agent)
    assert refused.value.existing == existing


def test_same_bsn_in_another_municipality_is_another_record(
    municipality_a: Any, municipality_b: Any
) -> None:
    person_create(municipality=municipality_a, data=VALID, actor=None)
    person_create(municipality=municipality_b, data=VALID, actor=None)
    assert Person.objects.filter(bsn="111222333").count() == 2


def test_changing_bsn_to_another_persons_is_refused(
    client: Any, agent: Any, municipality_a: Any
) -> None:
    PersonFactory.create(municipality=municipality_a, bsn="111222333")
    other = PersonFactory.create(municipality=municipality_a, surname="Ander")
    client.force_login(agent)
    response = client.post(
        reverse("workbench:person_edit", kwargs={"uuid": other.uuid}),
        {**VALID, "surname": "Ander"},
    )
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.bsn != "111222333"


def test_organisation_kvk_checked_and_not_twice(
    client: Any, agent: Any, municipality_a: Any
) -> None:
    client.force_login(agent)
    client.cookies["django_language"] = "en"
    url = reverse("workbench:organisation_new")
    bad = client.post(url, {"kvk_number": "1234", "name": "Bakkerij"})
    assert bad.status_code == 400
    assert "8 digits" in " ".join(bad.context["form"].errors["kvk_number"])
    ok = client.post(url, {"kvk_number": "1234 5678", "name": "Bakkerij", "phone": "0201234567"})
    assert ok.status_code == 302
    organisation = Organisation.objects.get()
    assert (organisation.kvk_number, organisation.phone) == ("12345678", "+31201234567")
    again = client.post(url, {"kvk_number": "12345678", "name": "Bakkerij twee"})
    assert again.status_code == 400
    assert reverse("workbench:organisation_detail", kwargs={"uuid": organisation.uuid}) in (
        again.content.decode()
    )
    with pytest.raises(PartyExists):
        organisation_create(
            municipality=municipality_a, data={"kvk_number": "12345678", "name": "X"}, actor=None
        )
    assert Organisation.objects.count() == 1


def test_contact_persons_of_an_organisation(client: Any, agent: Any, municipality_a: Any) -> None:
    organisation = Organisation.objects.create(
        municipality=municipality_a, kvk_number="12345678", name="Café Het Wapen"
    )
    client.force_login(agent)
    url = reverse("workbench:organisation_detail", kwargs={"uuid": organisation.uuid})
    bad = client.post(url, {"name": "Mirjam", "phone": "abc"})
    assert bad.status_code == 400
    assert organisation.contact_persons.count() == 0
    client.post(
        url, {"name": "Mirjam de Boer", "function": "bedrijfsleider", "phone": "0612345678"}
    )
    assert "Mirjam de Boer" in client.get(url).content.decode()
