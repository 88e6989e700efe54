"""Issue 11, defect 3: case workers hear when the applicant sends a message or a document. A
staff notification (under "Meldingen") goes to the assignee, or to the team when nobody is
assigned, in the same transaction as the message; the queue marks the case "nieuw bericht"
until a colleague opens it; the queue's query count does not grow with the marks."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from loket.cases.services import case_assign
from loket.notifications.models import StaffNotification
from loket.organisation.models import Team
from loket.portal.services import send_message, send_requested_document
from tests.factories import PersonFactory, StaffFactory, make_case

pytestmark = pytest.mark.django_db

BADGE = "nieuw bericht"


@pytest.fixture
def team(catalogue: None, municipality_a: Any) -> dict[str, Any]:
    permits = Team.objects.get(slug="vergunningen")
    members = []
    for name in ("anna", "bram"):
        user = StaffFactory.create(username=name, municipalities=[municipality_a])
        user.teams.set([permits])
        members.append(user)
    outsider = StaffFactory.create(username="civil", municipalities=[municipality_a])
    outsider.teams.set([Team.objects.get(slug="publiekszaken")])
    case = make_case(
        municipality=municipality_a,
        product_slug="kapvergunning",
        person=PersonFactory.create(municipality=municipality_a, surname="Aanvrager"),
    )
    return {"anna": members[0], "bram": members[1], "outsider": outsider, "case": case}


def test_a_message_tells_the_whole_team_when_nobody_is_assigned(team: dict[str, Any]) -> None:
    send_message(case=team["case"], text="Ik heb de tekening aangepast.")
    told = StaffNotification.objects.filter(kind="resident_message", case=team["case"])
    assert sorted(n.user.username for n in told) == ["anna", "bram"]
    note = told.first()
    assert note is not None
    assert team["case"].identification in note.text and "nieuw bericht" in note.text
    assert note.url == reverse("workbench:case_detail", kwargs={"uuid": team["case"].uuid})


def test_a_document_tells_the_assignee_only(team: dict[str, Any]) -> None:
    case = case_assign(
        case=team["case"], assignee=team["anna"], actor=team["anna"]
    )  # Anna takes the case herself
    send_requested_document(
        case=case, upload=SimpleUploadedFile("tekening.pdf", b"%PDF-1.4\n% tekening\n")
    )
    told = StaffNotification.objects.filter(kind="resident_document")
    assert [n.user for n in told] == [team["anna"]]
    assert "tekening.pdf" in told[0].text


def test_no_message_no_notification(team: dict[str, Any]) -> None:
    """Written in the same transaction: when the message is rolled back, so is the notice."""

    @transaction.atomic
    def send_then_fail() -> None:
        send_message(case=team["case"], text="Wordt teruggedraaid.")
        raise RuntimeError

    with pytest.raises(RuntimeError):
        send_then_fail()
    assert not StaffNotification.objects.exists()


def test_the_queue_marks_the_case_until_a_colleague_opens_it(
    client: Any, team: dict[str, Any]
) -> None:
    case = team["case"]
    queue = reverse("workbench:case_list")
    client.force_login(team["anna"])
    assert BADGE not in client.get(queue, {"scope": "team"}).content.decode()
    send_message(case=case, text="Is er al nieuws?")
    row = _row(client.get(queue, {"scope": "team"}).content.decode(), case.identification)
    assert BADGE in row
    meldingen = client.get(reverse("workbench:notifications")).content.decode()
    assert "bericht van de aanvrager" in meldingen and case.identification in meldingen

    client.force_login(team["bram"])
    detail = client.get(reverse("workbench:case_detail", kwargs={"uuid": case.uuid}))
    assert "Is er al nieuws?" in detail.content.decode()
    client.force_login(team["anna"])
    row = _row(client.get(queue, {"scope": "team"}).content.decode(), case.identification)
    assert BADGE not in row
    assert case.messages.get().read_at is not None
    # The outsider's team never hears of it.
    assert not StaffNotification.objects.filter(user=team["outsider"]).exists()


def _row(page: str, reference: str) -> str:
    start = page.index(reference)
    return page[page.rindex("<tr", 0, start) : page.index("</tr>", start)]


def test_the_marks_cost_no_query_per_row(
    client: Any, team: dict[str, Any], municipality_a: Any
) -> None:
    cases = [make_case(municipality=municipality_a, product_slug="kapvergunning") for _ in range(5)]
    client.force_login(team["anna"])
    url = reverse("workbench:case_list")
    client.get(url, {"scope": "team"})  # warm the per-process catalogue cache
    with CaptureQueriesContext(transaction.get_connection()) as quiet:
        client.get(url, {"scope": "team"})
    for case in [team["case"], *cases]:
        send_message(case=case, text="Nieuws")
    with CaptureQueriesContext(transaction.get_connection()) as busy:
        page = client.get(url, {"scope": "team"}).content.decode()
    assert page.count(BADGE) == 6
    assert len(busy) == len(quiet)
