"""The main paths use a fixed number of queries, however many rows they show, so an N+1 query
cannot creep back (issue: scale). Each test first builds more data than one page and then
checks the count."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from loket.accounts.models import Role
from loket.organisation.models import Team
from tests.factories import ContactFactory, PersonFactory, StaffFactory, make_case

pytestmark = pytest.mark.django_db

PRODUCTS = [
    "paspoort",
    "rijbewijs",
    "omgevingsvergunning",
    "verhuizing",
    "grofvuil",
    "kapvergunning",
]


@pytest.fixture
def busy(town: Any) -> dict[str, Any]:
    """60 cases of six products and two teams, each with a person and a contact."""
    worker = StaffFactory.create(username="queue", municipalities=[town])
    worker.teams.set(Team.objects.all())
    cases = []
    for number in range(60):
        person = PersonFactory.create(municipality=town, surname=f"Inwoner{number}")
        case = make_case(
            municipality=town, person=person, product_slug=PRODUCTS[number % len(PRODUCTS)]
        )
        ContactFactory.create(municipality=town, person=person, case=case)
        cases.append(case)
    api_user = StaffFactory.create(username="api", role=Role.ADMINISTRATOR, municipalities=[town])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=api_user).key}")
    return {"worker": worker, "cases": cases, "api": client}


def test_case_list_api(busy: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(14):
        response = busy["api"].get("/api/v1/cases", {"municipality": "stad", "pageSize": 50})
    assert len(response.json()["results"]) == 50


def test_case_detail_api(busy: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    case = busy["cases"][7]
    # One of them reads the role's rows of the role table, once per request: ``visible_to``
    # shows only municipalities where the role may ``view``.
    with django_assert_max_num_queries(5):
        response = busy["api"].get(f"/api/v1/cases/{case.uuid}")
    assert response.json()["identification"] == case.identification


def test_case_create_api(
    busy: dict[str, Any], town: Any, resident: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(21):
        response = busy["api"].post(
            "/api/v1/cases",
            {
                "municipality": "stad",
                "product": "grofvuil",
                "subject": "Bank",
                "initiator": str(resident.uuid),
                "channel": "web",
            },
            format="json",
        )
    assert response.status_code == 201


def test_team_queue_page(
    client: Any, busy: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client.force_login(busy["worker"])
    with django_assert_max_num_queries(20):
        page = client.get(reverse("workbench:case_list"), {"scope": "team"})
    team_cases = [c for c in busy["cases"] if c.team_id]  # the others are with partners
    html = page.content.decode()
    assert len(team_cases) >= 40
    assert all(str(c.uuid) in html for c in team_cases)


def test_case_page(client: Any, busy: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    client.force_login(busy["worker"])
    case = busy["cases"][3]
    with django_assert_max_num_queries(40):
        page = client.get(reverse("workbench:case_detail", kwargs={"uuid": case.uuid}))
    assert case.identification in page.content.decode()


def test_portal_home_and_wegwijzer(
    client: Any, busy: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client.get("/stad/?q=paspoort")  # the wegwijzer loads its vocabulary once per process
    with django_assert_max_num_queries(3):
        client.get("/stad/")
    with django_assert_max_num_queries(16):
        response = APIClient().get(
            "/api/v1/wegwijzer", {"q": "ik ben verhuisd", "municipality": "stad"}
        )
    assert response.json()["results"][0]["slug"] == "verhuizing"


def test_front_office_search_and_person_page(
    client: Any, busy: dict[str, Any], town: Any, django_assert_max_num_queries: Any
) -> None:
    agent = StaffFactory.create(username="kcc", role=Role.FRONT_OFFICE, municipalities=[town])
    client.force_login(agent)
    with django_assert_max_num_queries(25):
        page = client.post(reverse("workbench:front_office"), {"q": "Inwoner"})
    assert page.content.decode().count("/werkplek/personen/") >= 20
    person = busy["cases"][0].initiator_person
    with django_assert_max_num_queries(25):
        client.get(reverse("workbench:person_detail", kwargs={"uuid": person.uuid}))


def test_mijn_loket_home(
    client: Any, town: Any, resident: Any, settings: Any, django_assert_max_num_queries: Any
) -> None:
    from tests.portal.conftest import login

    settings.LOKET_DEMO_LOGIN = True
    for slug in PRODUCTS:
        make_case(municipality=town, person=resident, product_slug=slug)
    login(client, town, resident)
    with django_assert_max_num_queries(60):
        page = client.get(reverse("portal:mijn", kwargs={"municipality": town.slug}))
    assert page.content.decode().count("/stad/mijn/zaken/") >= len(PRODUCTS)
