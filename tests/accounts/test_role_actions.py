"""Roles that mean something, through the services and the page (issue 13): for each action the
case services now check, one role allowed and one refused, and nothing changes on a refusal."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from loket.accounts.models import Role, User
from loket.accounts.permissions import NotPermitted
from loket.cases.models import Case
from loket.cases.services import (
    case_assign,
    case_extend,
    case_hand_over,
    case_reopen,
    case_set_result,
    case_set_status,
)
from loket.contacts.models import Contact
from loket.contacts.services import contact_register
from loket.lib.calendar import AMSTERDAM
from loket.organisation.models import Team
from loket.tenancy.models import Municipality
from tests.accounts.personas import open_case, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(municipality_a: Municipality) -> dict[Role, User]:
    return {
        role: staff(role, municipality_a, username=f"r-{role}")
        for role in Role
        if role != Role.PARTNER_WORKER  # covered, with the partner, in test_every_role_and_action
    }


def _permit(municipality: Municipality) -> Case:
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=AMSTERDAM), tick=False):
        return open_case(municipality, "omgevingsvergunning")


def test_extend_is_the_team_lead_s(
    catalogue: None, municipality_a: Municipality, people: dict[Role, User]
) -> None:
    case = _permit(municipality_a)
    with time_machine.travel(datetime(2026, 4, 1, 10, tzinfo=AMSTERDAM), tick=False):
        with pytest.raises(NotPermitted):
            case_extend(case=case, reason="Advies", actor=people[Role.CASE_WORKER])
        case.refresh_from_db()
        assert case.extended_at is None and case.version == 1
        assert case_extend(case=case, reason="Advies", actor=people[Role.TEAM_LEAD]).extended_at


def test_reopen_is_the_team_lead_s(
    catalogue: None, municipality_a: Municipality, people: dict[Role, User]
) -> None:
    case = open_case(municipality_a, "paspoort")
    worker = people[Role.CASE_WORKER]
    case = case_set_result(
        case=case, result=case.case_type.results.get(code="ingetrokken"), actor=worker
    )
    case = case_set_status(case=case, step=case.case_type.final_step, actor=worker)
    with pytest.raises(NotPermitted):
        case_reopen(case=case, reason="Fout", actor=worker)
    case.refresh_from_db()
    assert case.closed_at is not None
    assert case_reopen(case=case, reason="Fout", actor=people[Role.TEAM_LEAD]).closed_at is None


def test_assigning_others_is_the_team_lead_s_taking_a_case_is_everyone_s(
    catalogue: None, municipality_a: Municipality, people: dict[Role, User]
) -> None:
    case = open_case(municipality_a, "paspoort")
    team = case.team
    assert team is not None  # a passport goes to a team of the municipality
    worker, lead = people[Role.CASE_WORKER], people[Role.TEAM_LEAD]
    worker.teams.add(team)
    colleague = staff(Role.CASE_WORKER, municipality_a, username="colleague")
    colleague.teams.add(team)
    with pytest.raises(NotPermitted):
        case_assign(case=case, assignee=colleague, actor=worker)
    case = case_assign(case=case, assignee=worker, actor=worker)  # taking it yourself
    assert case.assignee == worker
    with pytest.raises(NotPermitted):  # nor taking it away from someone else
        case_assign(case=case, assignee=None, actor=colleague)
    assert case_assign(case=case, assignee=colleague, actor=lead).assignee == colleague


def test_contacts_are_registered_by_the_front_office_not_the_administrator(
    catalogue: None, municipality_a: Municipality, people: dict[Role, User]
) -> None:
    def register(actor: User) -> Contact:
        return contact_register(
            municipality=municipality_a,
            actor=actor,
            channel="telefoon",
            subject="Vraag",
            outcome=Contact.Outcome.ANSWERED,
        )

    with pytest.raises(NotPermitted):
        register(people[Role.ADMINISTRATOR])
    assert Contact.objects.count() == 0
    assert register(people[Role.FRONT_OFFICE]).registered_by == people[Role.FRONT_OFFICE]


def test_hand_over_is_refused_to_the_administrator(
    catalogue: None, municipality_a: Municipality, people: dict[Role, User]
) -> None:
    case = open_case(municipality_a, "paspoort")
    other = Team.objects.exclude(pk=case.team_id or 0).order_by("pk")[0]
    with pytest.raises(NotPermitted):
        case_hand_over(
            case=case, reason="Hoort elders", actor=people[Role.ADMINISTRATOR], team=other
        )
    moved = case_hand_over(
        case=case, reason="Hoort elders", actor=people[Role.CASE_WORKER], team=other
    )
    assert moved.team == other


def test_the_page_offers_extend_and_hand_over_only_to_who_may(
    client: Client, catalogue: None, municipality_a: Municipality, people: dict[Role, User]
) -> None:
    case = _permit(municipality_a)
    url = reverse("workbench:case_detail", args=[case.uuid])
    with time_machine.travel(datetime(2026, 4, 1, 10, tzinfo=AMSTERDAM), tick=False):
        client.force_login(people[Role.TEAM_LEAD])
        lead_page = client.get(url).content.decode()
        client.force_login(people[Role.CASE_WORKER])
        worker_page = client.get(url).content.decode()
        refused = client.post(
            reverse("workbench:case_action", args=[case.uuid, "extend"]),
            {"extend-version": case.version, "extend-reason": "Advies"},
        )
    assert 'action="/werkplek/zaken/' in lead_page
    extend_action = reverse("workbench:case_action", args=[case.uuid, "extend"])
    assert extend_action in lead_page and extend_action not in worker_page
    assert refused.status_code == 403
    assert "Uw rol staat dit niet toe" in refused.content.decode()
    case.refresh_from_db()
    assert case.extended_at is None
