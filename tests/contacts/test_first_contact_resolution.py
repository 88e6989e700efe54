"""Issue 11, defect 4: the first-contact-resolution figures are those of the contacts the user
answers for, and the page says which; no figure is silently wrong. The expected numbers were
worked out by hand from the contacts below."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from loket.accounts.models import Role
from loket.contacts.models import Contact
from loket.contacts.selectors import first_contact_resolution
from loket.contacts.services import Receiver, contact_register
from loket.organisation.models import Partner, Team
from tests.factories import MunicipalityFactory, PersonFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(catalogue: None, municipality_a: Any) -> dict[str, Any]:
    permits_team = Team.objects.get(slug="vergunningen")
    civil_team = Team.objects.get(slug="publiekszaken")
    social = Partner.objects.get(slug="sociaal-team")

    def member(username: str, team: Team, role: str = Role.CASE_WORKER) -> Any:
        user = StaffFactory.create(username=username, role=role, municipalities=[municipality_a])
        user.teams.set([team])
        return user

    people = {
        "kcc": StaffFactory.create(
            username="kcc", role=Role.FRONT_OFFICE, municipalities=[municipality_a]
        ),
        "permits": member("permits", permits_team),
        "permits2": member("permits2", permits_team),
        "lead": member("lead", permits_team, Role.TEAM_LEAD),
        "civil": member("civil", civil_team),
        "social": StaffFactory.create(
            username="social",
            role=Role.PARTNER_WORKER,
            partner=social,
            municipalities=[municipality_a],
        ),
    }
    resident = PersonFactory.create(municipality=municipality_a, phone="+31612345678")

    def register(actor: str, channel: str, outcome: str, **kwargs: Any) -> None:
        contact_register(
            municipality=municipality_a,
            actor=people[actor],
            channel=channel,
            subject="Vraag",
            outcome=outcome,
            person=resident,
            receiver=Receiver(team=civil_team) if outcome != Contact.Outcome.ANSWERED else None,
            **kwargs,
        )

    answered, handed = Contact.Outcome.ANSWERED, Contact.Outcome.HANDED_OVER
    # The permits team registered 3 inbound phone contacts, 2 resolved (one by a colleague).
    register("permits", "telefoon", answered)
    register("permits2", "telefoon", answered)
    register("permits", "telefoon", handed)
    # Not counted anywhere: outbound, and older than 30 days.
    register("permits", "telefoon", answered, direction=Contact.Direction.OUTBOUND)
    register("permits", "telefoon", answered, occurred_at=timezone.now() - dt.timedelta(days=31))
    # The civil-affairs team: 1 at the counter, resolved; 1 phone call handed over.
    register("civil", "balie", answered)
    register("civil", "telefoon", handed)
    # The front office: 2 phone calls, 1 resolved; 1 e-mail, not resolved.
    register("kcc", "telefoon", answered)
    register("kcc", "telefoon", handed)
    register("kcc", "e-mail", handed)
    # Another municipality: never counted here.
    elsewhere = MunicipalityFactory.create(slug="elders")
    contact_register(
        municipality=elsewhere,
        actor=people["permits"],
        channel="telefoon",
        subject="Vraag",
        outcome=answered,
    )
    return people


def _figures(user: Any) -> dict[str, tuple[int, int, int]]:
    return {
        row.channel: (row.contacts, row.resolved, row.percent)
        for row in first_contact_resolution(user).rows
    }


def test_each_role_gets_the_figures_of_the_contacts_it_answers_for(
    staff: dict[str, Any],
) -> None:
    team = {"telefoon": (3, 2, 67)}
    assert _figures(staff["permits"]) == team
    assert _figures(staff["permits2"]) == team
    assert _figures(staff["lead"]) == team
    assert _figures(staff["civil"]) == {"balie": (1, 1, 100), "telefoon": (1, 0, 0)}
    # Front office: every inbound contact of the municipality in the last 30 days.
    assert _figures(staff["kcc"]) == {
        "telefoon": (6, 3, 50),
        "balie": (1, 1, 100),
        "e-mail": (1, 0, 0),
    }
    assert _figures(staff["social"]) == {}


@pytest.mark.parametrize(
    ("who", "caption", "phone_row"),
    [
        ("permits", "Contacten die u of uw team registreerde, laatste 30 dagen", ["3", "2", "67%"]),
        ("lead", "Contacten die u of uw team registreerde, laatste 30 dagen", ["3", "2", "67%"]),
        ("kcc", "Contacten van uw gemeenten, laatste 30 dagen", ["6", "3", "50%"]),
    ],
)
def test_the_overview_shows_the_figures_and_says_whose_they_are(
    client: Any, staff: dict[str, Any], who: str, caption: str, phone_row: list[str]
) -> None:
    client.force_login(staff[who])
    page = client.get(reverse("workbench:dashboard")).content.decode()
    table = page[page.index("Opgelost bij eerste contact</h2>") :]
    table = table[: table.index("</table>")]
    assert f"<caption>{caption}</caption>" in table
    phone = table[table.index('<th scope="row">telefoon</th>') :]
    cells = re.findall(r'<td class="num">([^<]*)</td>', phone)[:3]
    assert cells == phone_row


def test_a_partner_worker_is_told_there_is_nothing_to_count(
    client: Any, staff: dict[str, Any]
) -> None:
    client.force_login(staff["social"])
    page = client.get(reverse("workbench:dashboard")).content.decode()
    assert "Contacten geregistreerd door Sociaal Team, laatste 30 dagen: geen" in page
    assert "0%" not in page
