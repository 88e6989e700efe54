"""A hand-over's "Assign" offers what ``request_assign`` accepts: colleagues to a role that may
assign (``Action.ASSIGN``); to a role that may not, only taking the request oneself and, once it
is one's own, giving it back; nothing at all to such a role outside the request's receivers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from loket.accounts.models import Role, User
from loket.contacts.models import Contact, ContactRequest
from loket.contacts.services import Receiver, contact_register
from loket.organisation.models import Team
from loket.tenancy.models import Municipality
from tests.factories import PersonFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _member(username: str, role: Role, town: Municipality, team: Team) -> User:
    user = StaffFactory.create(username=username, role=role, municipalities=[town])
    user.teams.add(team)
    return user


@pytest.fixture
def team(catalogue: None) -> Team:
    return Team.objects.get(slug="werk-en-inkomen")


@pytest.fixture
def item(municipality_a: Municipality, team: Team) -> ContactRequest:
    contact = contact_register(
        municipality=municipality_a,
        actor=None,
        channel="telefoon",
        subject="Bijstand",
        outcome=Contact.Outcome.HANDED_OVER,
        person=PersonFactory.create(municipality=municipality_a),
        receiver=Receiver(team=team),
    )
    found: ContactRequest = contact.requests.get()
    return found


NOBODY = '<option value=""'  # "nobody", selected or not


def _option(user: User) -> str:
    return f'<option value="{user.pk}"'


def _page(client: Client, item: ContactRequest) -> str:
    return client.get(reverse("workbench:request_detail", args=[item.uuid])).content.decode()


def _assign(client: Client, item: ContactRequest, assignee: str) -> Any:
    fresh = ContactRequest.objects.get(pk=item.pk)
    return client.post(
        reverse("workbench:request_action", args=[item.uuid, "toewijzen"]),
        {"version": str(fresh.version), "assignee": assignee},
    )


def test_a_role_that_may_not_assign_takes_the_request_and_gives_it_back(
    client: Client, municipality_a: Municipality, team: Team, item: ContactRequest
) -> None:
    worker = _member("behandelaar", Role.CASE_WORKER, municipality_a, team)
    colleague = _member("collega", Role.CASE_WORKER, municipality_a, team)
    client.force_login(worker)
    page = _page(client, item)
    assert _option(worker) in page and _option(colleague) not in page
    assert NOBODY not in page  # "nobody": it is nobody's already

    assert _assign(client, item, str(worker.pk)).status_code == 302
    assert ContactRequest.objects.get(pk=item.pk).assignee == worker
    assert NOBODY in _page(client, item)  # now theirs to give back
    assert _assign(client, item, "").status_code == 302
    assert ContactRequest.objects.get(pk=item.pk).assignee is None

    # A forged colleague reaches the service, which refuses; nothing changes.
    assert _assign(client, item, str(colleague.pk)).status_code == 403
    assert ContactRequest.objects.get(pk=item.pk).assignee is None


def test_a_role_that_may_assign_is_offered_the_colleagues(
    client: Client, municipality_a: Municipality, team: Team, item: ContactRequest
) -> None:
    lead = _member("teamleider", Role.TEAM_LEAD, municipality_a, team)
    colleague = _member("collega", Role.CASE_WORKER, municipality_a, team)
    client.force_login(lead)
    page = _page(client, item)
    assert _option(colleague) in page and NOBODY in page
    assert _assign(client, item, str(colleague.pk)).status_code == 302
    assert ContactRequest.objects.get(pk=item.pk).assignee == colleague


def test_outside_the_receivers_a_role_that_may_not_assign_gets_no_assign_form(
    client: Client, municipality_a: Municipality, item: ContactRequest
) -> None:
    outsider = StaffFactory.create(
        username="balie", role=Role.FRONT_OFFICE, municipalities=[municipality_a]
    )
    client.force_login(outsider)
    page = _page(client, item)
    assert reverse("workbench:request_action", args=[item.uuid, "afsluiten"]) in page
    assert reverse("workbench:request_action", args=[item.uuid, "toewijzen"]) not in page
