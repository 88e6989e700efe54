"""One due state (issue 13, "Every rule in one place"): where a case stands against its terms is
decided by ``Case.due_state`` for one case and ``due_filter`` for a queryset, and every channel
that shows it agrees: the workbench queue (its state filter and its badges), the case page, the
overview's counts per municipality, and the API (its ``dueState`` field and filter).

The cases are spread over every state and the comparison is made at ordinary moments and at the
exact boundaries (the moment a case becomes at risk, its promised date, its statutory term),
where two definitions written separately would first disagree."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from loket.accounts.models import Role, User
from loket.cases.models import Case, DueState
from loket.cases.services import case_suspend, case_withdraw
from loket.tenancy.models import Municipality
from tests.accounts.personas import moment, municipality, open_case, staff

pytestmark = pytest.mark.django_db

# What each channel can be asked for: the queue offers every open state; the API documents four.
QUEUE_STATES = (
    DueState.OVERDUE,
    DueState.NORM_EXCEEDED,
    DueState.AT_RISK,
    DueState.ON_TRACK,
    DueState.SUSPENDED,
)
API_STATES = (DueState.ON_TRACK, DueState.AT_RISK, DueState.OVERDUE, DueState.SUSPENDED)


@dataclass(frozen=True)
class Setting:
    town: Municipality
    lead: User
    cases: list[Case]
    probe: Case  # a parking permit received on 23 March, whose boundaries are tried exactly


# Parking permits (service norm 10 working days, statutory term 8 weeks) and reports (norm
# 5 working days, no statutory term) received on these days, so at the moments below some are
# on track, some at risk, past the promised date or overdue.
RECEIVED = {
    "parkeervergunning": [(2026, 1, 5), (2026, 2, 23), (2026, 3, 9), (2026, 3, 16), (2026, 3, 23)],
    "melding-openbare-ruimte": [(2026, 3, 2), (2026, 3, 16), (2026, 3, 20)],
}


@pytest.fixture
def setting(catalogue: None) -> Setting:
    town = municipality("aadorp")
    lead = staff(Role.TEAM_LEAD, town, username="teamleider")
    for slug, days in RECEIVED.items():
        for day in days:
            open_case(town, slug, at=moment(*day))
    waiting = open_case(town, "omgevingsvergunning", at=moment(2026, 3, 2))
    with time_machine.travel(moment(2026, 3, 4), tick=False):
        case_suspend(case=waiting, reason="Tekening ontbreekt", actor=lead)
    gone = open_case(town, "paspoort", at=moment(2026, 3, 2))
    with time_machine.travel(moment(2026, 3, 3), tick=False):
        case_withdraw(case=gone, reason="Verhuisd")
    every = list(Case.objects.filter(municipality=town).order_by("pk"))
    probe = next(c for c in every if c.received_on.isoformat() == "2026-03-23")
    return Setting(town=town, lead=lead, cases=every, probe=probe)


def _moments(probe: Case) -> Iterator[tuple[str, datetime]]:
    yield "ordinary-march", moment(2026, 3, 25)
    yield "ordinary-april", moment(2026, 4, 10)
    for name in ("at_risk_at", "due_at", "expires_at"):
        boundary: datetime = getattr(probe, name)
        yield f"{name}-just-before", boundary - timedelta(microseconds=1)
        yield f"{name}-exactly", boundary
        yield f"{name}-just-after", boundary + timedelta(microseconds=1)


MOMENT_NAMES = [
    "ordinary-march",
    "ordinary-april",
    *(
        f"{name}-{when}"
        for name in ("at_risk_at", "due_at", "expires_at")
        for when in ("just-before", "exactly", "just-after")
    ),
]


def _api(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _queue(client: Client, state: str) -> set[str]:
    response = client.get(reverse("workbench:case_list"), {"scope": "all", "state": state})
    assert response.status_code == 200
    page = response.context["page"]
    assert not page.next_cursor  # everything on one page
    html = response.content.decode()
    for case in page.cases:  # each row's badge says the state it was filtered by
        row = html.split(case.identification, 1)[1].split("</tr>", 1)[0]
        assert f'class="badge badge--{state}"' in row
    return {case.identification for case in page.cases}


def _api_list(api: APIClient, state: str) -> set[str]:
    response = api.get("/api/v1/cases", {"dueState": state, "pageSize": "100"})
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert all(row["dueState"] == state for row in rows)
    return {row["identification"] for row in rows}


@pytest.mark.parametrize("when", MOMENT_NAMES)
def test_queue_api_case_page_and_overview_agree(
    client: Client, setting: Setting, when: str
) -> None:
    now = dict(_moments(setting.probe))[when]
    with time_machine.travel(now, tick=False):
        expected = {case.identification: case.due_state(now) for case in setting.cases}
        client.force_login(setting.lead)
        api = _api(setting.lead)
        for state in QUEUE_STATES:
            wanted = {ref for ref, s in expected.items() if s == state}
            assert _queue(client, state) == wanted, state
            if state in API_STATES:
                assert _api_list(api, state) == wanted, state
        # The API's field and the case page, case by case.
        listed = api.get("/api/v1/cases", {"pageSize": "100"}).json()["results"]
        closed = api.get("/api/v1/cases", {"pageSize": "100", "closed": "true"}).json()["results"]
        assert {row["identification"]: row["dueState"] for row in listed + closed} == {
            ref: str(state) for ref, state in expected.items()
        }
        for case in setting.cases:
            page = client.get(reverse("workbench:case_detail", args=[case.uuid]))
            assert page.context["due_state"] == expected[case.identification]
            assert f'class="badge badge--{expected[case.identification]}"' in page.content.decode()
        # The overview's counts for the municipality.
        overview = client.get(reverse("workbench:dashboard")).context["per_municipality"]
        (row,) = [r for r in overview if r["municipality__slug"] == setting.town.slug]
        counted = list(expected.values())
        assert row["open"] == len(counted) - counted.count(DueState.CLOSED)
        for state in (DueState.OVERDUE, DueState.NORM_EXCEEDED, DueState.AT_RISK):
            assert row[str(state)] == counted.count(state), state


def test_the_moments_reach_every_state(setting: Setting) -> None:
    """Guards the test above against agreeing on nothing: over its moments every state occurs,
    and at the probe's boundaries the probe itself changes state."""
    seen = {case.due_state(now) for _name, now in _moments(setting.probe) for case in setting.cases}
    assert seen == set(DueState)
    probe = setting.probe
    assert probe.at_risk_at < probe.due_at < probe.expires_at
    steps = [
        (probe.at_risk_at, DueState.ON_TRACK, DueState.AT_RISK),
        (probe.due_at, DueState.AT_RISK, DueState.NORM_EXCEEDED),
        (probe.expires_at, DueState.NORM_EXCEEDED, DueState.OVERDUE),
    ]
    for boundary, before, after in steps:
        assert probe.due_state(boundary - timedelta(microseconds=1)) == before
        assert probe.due_state(boundary + timedelta(microseconds=1)) == after


def test_the_api_filters_on_every_state_the_queue_does(setting: Setting, client: Client) -> None:
    now = moment(2026, 4, 10)
    with time_machine.travel(now, tick=False):
        wanted = {
            c.identification for c in setting.cases if c.due_state(now) == DueState.NORM_EXCEEDED
        }
        assert wanted  # there is such a case at this moment
        client.force_login(setting.lead)
        assert _queue(client, DueState.NORM_EXCEEDED) == wanted
        assert _api_list(_api(setting.lead), DueState.NORM_EXCEEDED) == wanted
