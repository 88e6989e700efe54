"""Issue 11, defect 2: what was handed to a partner is the partner worker's work. It shows in
their own and team queues (cases and hand-overs/callbacks) and in the overview count, not only
under "Alles wat ik mag zien"; other partners and teams still see none of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from loket.accounts.models import Role
from loket.cases.services import case_hand_over
from loket.contacts.models import Contact
from loket.contacts.selectors import request_counts
from loket.contacts.services import Receiver, contact_register
from loket.organisation.models import Partner, Team
from tests.factories import PersonFactory, StaffFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(catalogue: None, municipality_a: Any) -> dict[str, Any]:
    social = Partner.objects.get(slug="sociaal-team")
    waste = Partner.objects.get(slug="afvalbedrijf")
    kcc = StaffFactory.create(
        username="kcc", role=Role.FRONT_OFFICE, municipalities=[municipality_a]
    )
    resident = PersonFactory.create(
        municipality=municipality_a, surname="Bakker", phone="+31612345678"
    )
    handed = contact_register(
        municipality=municipality_a,
        actor=kcc,
        channel="telefoon",
        subject="Hulp bij het huishouden",
        text="Mevrouw Bakker redt het huishouden niet meer alleen.",
        outcome=Contact.Outcome.HANDED_OVER,
        person=resident,
        receiver=Receiver(partner=social),
    )
    case = make_case(municipality=municipality_a, product_slug="omgevingsvergunning")
    case = case_hand_over(case=case, reason="Zorgvraag, geen vergunning", actor=kcc, partner=social)
    return {
        "social": StaffFactory.create(
            username="sociaal",
            role=Role.PARTNER_WORKER,
            partner=social,
            municipalities=[municipality_a],
        ),
        "waste": StaffFactory.create(
            username="afval",
            role=Role.PARTNER_WORKER,
            partner=waste,
            municipalities=[municipality_a],
        ),
        "permits": _team_worker(municipality_a, "vergunningen"),
        "request": handed.requests.get(),
        "case": case,
    }


def _team_worker(municipality: Any, team: str) -> Any:
    worker = StaffFactory.create(username=f"w-{team}", municipalities=[municipality])
    worker.teams.set([Team.objects.get(slug=team)])
    return worker


@pytest.mark.parametrize("scope", ["mine", "team", "all"])
def test_partner_worker_sees_the_hand_over_in_every_request_scope(
    client: Any, setting: dict[str, Any], scope: str
) -> None:
    client.force_login(setting["social"])
    page = client.get(reverse("workbench:request_list"), {"scope": scope}).content.decode()
    assert "Hulp bij het huishouden" in page or "redt het huishouden" in page
    assert str(setting["request"].uuid) in page

    client.force_login(setting["waste"])  # another partner: never
    page = client.get(reverse("workbench:request_list"), {"scope": scope}).content.decode()
    assert str(setting["request"].uuid) not in page


@pytest.mark.parametrize("scope", ["mine", "team", "all"])
def test_partner_worker_sees_the_handed_over_case_in_every_queue_scope(
    client: Any, setting: dict[str, Any], scope: str
) -> None:
    case = setting["case"]
    client.force_login(setting["social"])
    page = client.get(reverse("workbench:case_list"), {"scope": scope}).content.decode()
    assert case.identification in page

    # Another partner never sees it; the team it came from no longer has it in its queues
    # (a case worker still finds it under "all": cases of their municipality are not secret).
    for other in ("waste",) if scope == "all" else ("waste", "permits"):
        client.force_login(setting[other])
        page = client.get(reverse("workbench:case_list"), {"scope": scope}).content.decode()
        assert case.identification not in page


def test_the_overview_counts_what_was_handed_to_the_partner(
    client: Any, setting: dict[str, Any]
) -> None:
    assert request_counts(setting["social"]) == {"open": 1, "overdue": 0}
    assert request_counts(setting["waste"]) == {"open": 0, "overdue": 0}
    client.force_login(setting["social"])
    dashboard = client.get(reverse("workbench:dashboard")).content.decode()
    assert "1 open voor u en uw teams, 0 te laat" in dashboard
    client.force_login(setting["waste"])
    dashboard = client.get(reverse("workbench:dashboard")).content.decode()
    assert "0 open voor u en uw teams, 0 te laat" in dashboard


def test_once_a_colleague_picks_it_up_it_is_theirs_and_still_the_partners(
    client: Any, setting: dict[str, Any], municipality_a: Any
) -> None:
    from loket.contacts.services import request_assign

    colleague = StaffFactory.create(
        username="sociaal-2",
        role=Role.PARTNER_WORKER,
        partner=setting["social"].partner,
        municipalities=[municipality_a],
    )
    request_assign(request=setting["request"], assignee=colleague, actor=colleague)
    client.force_login(setting["social"])
    uuid = str(setting["request"].uuid)
    assert (
        uuid
        not in client.get(reverse("workbench:request_list"), {"scope": "mine"}).content.decode()
    )
    assert uuid in client.get(reverse("workbench:request_list"), {"scope": "team"}).content.decode()
    client.force_login(colleague)
    assert uuid in client.get(reverse("workbench:request_list"), {"scope": "mine"}).content.decode()
