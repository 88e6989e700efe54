"""Malformed ids in addresses and forms that used to crash the server (HTTP 500): each is now a
400 that names the parameter, or a form error, and nothing is stored."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from loket.accounts.models import Role
from loket.cases.models import Case
from loket.lib.params import BadParameter, choice_param, id_param, parse_id, uuid_param
from loket.parties.models import Organisation, Person
from tests.factories import StaffFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(municipality_a: Any, municipality_b: Any) -> Client:
    """A front-office agent of two municipalities (so the municipality must be chosen)."""
    agent = StaffFactory.create(
        username="kcc", role=Role.FRONT_OFFICE, municipalities=[municipality_a, municipality_b]
    )
    client = Client(raise_request_exception=False)
    client.force_login(agent)
    return client


@pytest.mark.parametrize("parameter", ["persoon", "organisatie", "artikel", "municipality"])
def test_a_malformed_id_in_the_contact_form_address_is_a_400_naming_it(
    agent_client: Client, parameter: str
) -> None:
    response = agent_client.get(reverse("workbench:contact_new"), {parameter: "xxx"})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"“{parameter}”" in page and "xxx" in page
    assert "Dit verzoek kunnen we niet lezen" in page


def test_an_unknown_person_in_the_contact_form_address_is_a_404(agent_client: Client) -> None:
    response = agent_client.get(reverse("workbench:contact_new"), {"persoon": str(uuid.uuid4())})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("url", "model"),
    [("workbench:person_new", Person), ("workbench:organisation_new", Organisation)],
)
def test_a_malformed_municipality_in_a_party_form_is_a_form_error(
    agent_client: Client, url: str, model: Any
) -> None:
    data = {"surname": "Jansen", "name": "Bakkerij", "kvk_number": "12345678"}
    response = agent_client.post(reverse(url), {**data, "municipality": "xxx"})
    assert response.status_code == 400
    assert "Kies de gemeente" in response.content.decode()
    assert not model.objects.exists()


def test_bulk_assign_with_a_malformed_case_id_is_a_400(
    agent_client: Client, catalogue: None, municipality_a: Any
) -> None:
    case = make_case(municipality=municipality_a)
    colleague = StaffFactory.create(username="collega", municipalities=[municipality_a])
    response = agent_client.post(
        reverse("workbench:bulk_assign"),
        {"cases": "selected", "case": [str(case.uuid), "not-a-uuid"], "assignee": colleague.pk},
    )
    assert response.status_code == 400
    assert "geen zaak-id" in response.content.decode()
    assert Case.objects.get(pk=case.pk).assignee is None


def test_a_bad_parameter_under_the_api_is_a_problem_document(agent_client: Client) -> None:
    from django.http import HttpRequest

    from loket.web.views import bad_request

    request = HttpRequest()
    request.path = "/api/v1/cases"
    response = bad_request(request, BadParameter("after", "“after” is wrong."))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert b"after" in response.content


def test_the_parameter_helpers() -> None:
    value = uuid.uuid4()
    assert uuid_param({"a": str(value)}, "a") == value
    assert uuid_param({"a": " "}, "a") is None and uuid_param({}, "a") is None
    assert id_param({"a": "12"}, "a") == 12
    assert choice_param({"a": ""}, "a", ["x", "y"], "x") == "x"
    for bad in ("xxx", "1" * 40, "²", "-1", "0", "1.5", "9" * 19):
        assert parse_id(bad) is None, bad
    for call in (
        lambda: uuid_param({"a": "xxx"}, "a"),
        lambda: uuid_param({"a": "\x00"}, "a"),
        lambda: id_param({"a": "²"}, "a"),
        lambda: choice_param({"a": "z"}, "a", ["x", "y"], "x"),
    ):
        with pytest.raises(BadParameter):
            call()


# Found by the walk of every URL (tests/core/test_malformed_input.py).


@pytest.mark.parametrize("value", ["²", "9" * 30])
def test_a_malformed_assignee_filter_is_a_400_in_the_queue_and_the_api(
    agent_client: Client, value: str
) -> None:
    response = agent_client.get(reverse("workbench:case_list"), {"assignee": value})
    assert response.status_code == 400
    assert "“assignee” moet het nummer van een collega zijn" in response.content.decode()
    api = agent_client.get("/api/v1/cases", {"assignee": value})
    assert api.status_code == 400
    assert api.json()["invalidParams"][0]["name"] == "assignee"


def test_an_unknown_queue_scope_or_state_is_a_400(agent_client: Client) -> None:
    for parameter in ("scope", "state"):
        response = agent_client.get(reverse("workbench:case_list"), {parameter: "soon"})
        assert response.status_code == 400
        assert f"“{parameter}” moet een van deze waarden zijn" in response.content.decode()


def test_a_malformed_person_in_the_demo_login_is_a_400(
    client: Client, municipality_a: Any, settings: Any
) -> None:
    settings.LOKET_DEMO_LOGIN = True
    client.raise_request_exception = False
    response = client.post(
        reverse("portal:demo_login", kwargs={"municipality": municipality_a.slug}),
        {"person": "xxx"},
    )
    assert response.status_code == 400


def test_an_empty_organisation_form_is_a_form_error(agent_client: Client) -> None:
    response = agent_client.post(reverse("workbench:organisation_new"), {})
    assert response.status_code == 400
    assert "Kies de gemeente" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/cases", "municipality"),
        ("/api/v1/cases", "product"),
        ("/api/v1/cases", "status"),
        ("/api/v1/wegwijzer", "municipality"),
    ],
)
def test_a_nul_character_in_an_api_parameter_is_a_400(
    agent_client: Client, url: str, parameter: str
) -> None:
    """PostgreSQL cannot compare text with NUL in it: this was a 500 on PostgreSQL."""
    response = agent_client.get(url, {"q": "huis", parameter: "a\x00b"})
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == parameter


@pytest.mark.parametrize(
    ("url", "method"),
    # The front-office search is a POST (no BSN in a URL); the knowledge base search a GET.
    [("workbench:front_office", "post"), ("workbench:knowledge", "get")],
)
def test_a_nul_character_in_a_search_box_is_a_400(
    agent_client: Client, url: str, method: str
) -> None:
    response = getattr(agent_client, method)(reverse(url), {"q": "a\x00b"})
    assert response.status_code == 400
    assert "“q” bevat een teken dat niet is toegestaan" in response.content.decode()
