"""Withdrawing and reopening are rows of the workflow table (issue 13, "Every rule in one
place"): ``Transition`` rows of kind *withdraw* and *reopen*, consulted by ``case_withdraw`` and
``case_reopen``, and no ordinary step. Each channel that has the move follows the rows: Mijn
Loket withdraws (the applicant's move), the workbench reopens (the team lead's), and neither the
workbench's step form nor the API's status change treats those rows as steps.

``tests/cases/test_workflow.py`` covers the services for every case type; this file covers the
channels."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django import Settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from loket.accounts.models import Role, User
from loket.cases.errors import CaseRefused, TransitionNotAllowed
from loket.cases.models import Case, CaseStatus
from loket.cases.services import case_reopen, case_set_status, case_withdraw
from loket.catalogue.models import StatusStep, Transition
from loket.parties.models import Person
from loket.tenancy.models import Municipality
from tests.accounts.personas import municipality, open_case, person, staff

pytestmark = pytest.mark.django_db

W, R, S = Transition.Kind.WITHDRAW, Transition.Kind.REOPEN, Transition.Kind.STEP


@dataclass(frozen=True)
class Setting:
    town: Municipality
    lead: User
    resident: Person
    case: Case  # a parking permit of the resident (case type "vergunning"), at its first step


@pytest.fixture
def setting(catalogue: None, settings: Settings) -> Setting:
    settings.LOKET_DEMO_LOGIN = True
    town = municipality("aadorp")
    resident = person(town, first_name="Emma", surname="Visser", email="emma@example.org")
    return Setting(
        town=town,
        lead=staff(Role.TEAM_LEAD, town, username="teamleider"),
        resident=resident,
        case=open_case(town, "parkeervergunning", initiator=resident),
    )


def fresh(case: Case) -> Case:
    found: Case = Case.objects.select_related("status", "result").get(pk=case.pk)
    return found


def rows(case: Case, kind: str) -> list[Transition]:
    return list(
        Transition.objects.filter(case_type=case.case_type, from_step=case.status, kind=kind)
    )


def dutch(refusal: CaseRefused) -> str:
    with translation.override("nl"):
        return str(refusal.message)


def step(case: Case, code: str) -> StatusStep:
    return case.case_type.steps.get(code=code)


# --- Mijn Loket withdraws ---------------------------------------------------------------------


def _portal(name: str, setting: Setting) -> str:
    return reverse(
        f"portal:{name}", kwargs={"municipality": setting.town.slug, "uuid": setting.case.uuid}
    )


def _resident(client: Client, setting: Setting) -> None:
    login = client.post(
        reverse("portal:demo_login", kwargs={"municipality": setting.town.slug}),
        {"person": str(setting.resident.uuid), "next": ""},
    )
    assert login.status_code == 302


def _withdraw_in_mijn_loket(client: Client, setting: Setting) -> str:
    """Posts the withdrawal form as the resident; the page they land on."""
    _resident(client, setting)
    response = client.post(_portal("mijn_case_withdraw", setting), {"reason": "Verhuisd"})
    assert response.status_code == 302 and response["Location"] == _portal("mijn_case", setting)
    return client.get(response["Location"]).content.decode()


def test_mijn_loket_withdraws_along_the_withdrawal_row(client: Client, setting: Setting) -> None:
    (row,) = rows(setting.case, W)
    _resident(client, setting)
    assert (
        _portal("mijn_case_withdraw", setting)
        in client.get(_portal("mijn_case", setting)).content.decode()
    )
    _withdraw_in_mijn_loket(client, setting)
    case = fresh(setting.case)
    assert case.closed_at is not None and case.status == row.to_step
    assert case.result is not None and case.result.code == "ingetrokken"
    latest = CaseStatus.objects.filter(case=case).order_by("-set_at", "-pk").first()
    assert latest is not None and latest.step == row.to_step and "Verhuisd" in latest.note


def test_without_the_withdrawal_row_mijn_loket_withdraws_nothing(
    client: Client, setting: Setting
) -> None:
    Transition.objects.filter(case_type=setting.case.case_type, kind=W).delete()
    with pytest.raises(CaseRefused) as refused:
        case_withdraw(case=setting.case, reason="Verhuisd")
    page = _withdraw_in_mijn_loket(client, setting)
    assert dutch(refused.value) in page  # the service's words, from the service
    case = fresh(setting.case)
    assert case.closed_at is None and case.version == setting.case.version


def test_without_the_withdrawal_row_mijn_loket_does_not_offer_it(
    client: Client, setting: Setting
) -> None:
    Transition.objects.filter(case_type=setting.case.case_type, kind=W).delete()
    _resident(client, setting)
    page = client.get(_portal("mijn_case", setting)).content.decode()
    assert _portal("mijn_case_withdraw", setting) not in page


# --- the workbench reopens --------------------------------------------------------------------


def _reopen_url(case: Case) -> str:
    return reverse("workbench:case_action", args=[case.uuid, "reopen"])


def _reopen_on_the_workbench(client: Client, setting: Setting, case: Case) -> tuple[int, str]:
    client.force_login(setting.lead)
    response = client.post(
        _reopen_url(case),
        {"reopen-version": str(case.version), "reopen-reason": "Ten onrechte ingetrokken"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    return response.status_code, response.content.decode()


def test_the_workbench_reopens_to_the_step_the_reopen_row_names(
    client: Client, setting: Setting
) -> None:
    closed = case_withdraw(case=setting.case, reason="Verhuisd")
    (row,) = rows(closed, R)
    assert row.to_step.code == "besluit"  # the loader's default: the step before the final one
    # The table decides, not the service: let reopened permits go back to the assessment.
    row.to_step = step(closed, "beoordeling")
    row.save()
    client.force_login(setting.lead)
    page = client.get(reverse("workbench:case_detail", args=[closed.uuid])).content.decode()
    assert f'action="{_reopen_url(closed)}"' in page
    status, _html = _reopen_on_the_workbench(client, setting, closed)
    assert status == 302
    case = fresh(closed)
    assert case.closed_at is None and case.result is None
    assert case.status.code == "beoordeling"


def test_without_a_reopen_row_the_workbench_reopens_nothing(
    client: Client, setting: Setting
) -> None:
    closed = case_withdraw(case=setting.case, reason="Verhuisd")
    Transition.objects.filter(case_type=closed.case_type, kind=R).delete()
    with pytest.raises(TransitionNotAllowed) as refused:
        case_reopen(case=closed, reason="Ten onrechte ingetrokken", actor=setting.lead)
    status, html = _reopen_on_the_workbench(client, setting, closed)
    assert status == 409 and dutch(refused.value) in html
    case = fresh(closed)
    assert case.closed_at is not None and case.version == closed.version


def test_without_a_reopen_row_the_workbench_does_not_offer_it(
    client: Client, setting: Setting
) -> None:
    closed = case_withdraw(case=setting.case, reason="Verhuisd")
    Transition.objects.filter(case_type=closed.case_type, kind=R).delete()
    client.force_login(setting.lead)
    page = client.get(reverse("workbench:case_detail", args=[closed.uuid])).content.decode()
    assert f'action="{_reopen_url(closed)}"' not in page


# --- the rows of a kind of their own are no steps, in any channel ---------------------------


def test_a_withdrawal_row_is_no_step_on_the_workbench_or_in_the_api(
    client: Client, setting: Setting
) -> None:
    """Without the ordinary step straight to the final one, only the applicant's withdrawal
    still goes there: the workbench does not offer it, a forged form and the API are refused,
    and Mijn Loket still withdraws."""
    case = setting.case
    final = case.case_type.final_step
    Transition.objects.filter(case_type=case.case_type, kind=S, to_step=final).delete()
    assert [row.to_step for row in rows(case, W)] == [final]  # the withdrawal stays
    withdrawn = case.case_type.results.get(code="ingetrokken")
    with pytest.raises(TransitionNotAllowed) as refused:
        case_set_status(case=case, step=final, result=withdrawn, actor=setting.lead)
    words = dutch(refused.value)

    # The workbench: not among the next steps, and the form refuses it when forged.
    client.force_login(setting.lead)
    detail = client.get(reverse("workbench:case_detail", args=[case.uuid]))
    assert final not in detail.context["next_steps"]
    assert final not in detail.context["forms"]["status"].fields["step"].queryset
    assert [s.code for s in detail.context["next_steps"]] == ["volledigheid"]
    forged = client.post(
        reverse("workbench:case_action", args=[case.uuid, "status"]),
        {"version": str(case.version), "step": str(final.pk), "result": str(withdrawn.pk)},
    )
    assert forged.status_code == 400

    # The API: the service's refusal, in its words.
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=setting.lead).key}")
    response = api.post(
        f"/api/v1/cases/{case.uuid}/status",
        {"step": final.code, "result": "ingetrokken"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 409 and response.json()["detail"] == words
    assert fresh(case).closed_at is None and fresh(case).version == case.version

    # Mijn Loket: the applicant's own move still goes.
    client.logout()
    _withdraw_in_mijn_loket(client, setting)
    assert fresh(case).closed_at is not None and fresh(case).status == final
