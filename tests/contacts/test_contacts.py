"""Contacts on every channel, outcomes, hand-overs and callbacks, and who may see them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from loket.accounts.models import Role
from loket.cases.models import Case
from loket.catalogue.models import Channel, Product
from loket.contacts.errors import ContactRefused, ReceiverRequired, RequestClosed
from loket.contacts.models import Contact, ContactRequest
from loket.contacts.services import (
    Receiver,
    contact_register,
    request_close,
    request_deadline,
)
from loket.lib.calendar import AMSTERDAM
from loket.organisation.models import Partner, Team
from tests.factories import PersonFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(catalogue: None) -> dict[str, Team]:
    return {t.slug: t for t in Team.objects.all()}


@pytest.fixture
def people(municipality_a: Any, teams: dict[str, Team]) -> dict[str, Any]:
    """A front-office agent, a permits worker, a civil-affairs worker, a resident."""
    kcc = StaffFactory.create(
        username="kcc", role=Role.FRONT_OFFICE, municipalities=[municipality_a], first_name="Kees"
    )
    permits = StaffFactory.create(username="permits", municipalities=[municipality_a])
    permits.teams.set([teams["vergunningen"]])
    civil = StaffFactory.create(username="civil", municipalities=[municipality_a])
    civil.teams.set([teams["publiekszaken"]])
    resident = PersonFactory.create(
        municipality=municipality_a, surname="Dijkstra", phone="+31612345678"
    )
    return {"kcc": kcc, "permits": permits, "civil": civil, "resident": resident}


@pytest.mark.parametrize("channel", Channel.values)
def test_a_contact_on_every_channel(
    client: Any, municipality_a: Any, people: dict[str, Any], channel: str
) -> None:
    contact = contact_register(
        municipality=municipality_a,
        actor=people["kcc"],
        channel=channel,
        subject=f"Vraag via {channel}",
        outcome=Contact.Outcome.ANSWERED,
        person=people["resident"],
    )
    assert contact.channel == channel
    assert contact.resolved_on_first_contact is True
    client.force_login(people["kcc"])
    page = client.get(
        reverse("workbench:person_detail", kwargs={"uuid": people["resident"].uuid})
    ).content.decode()
    assert f"Vraag via {channel}" in page
    assert str(Channel(channel).label) in page or channel in page


def test_anonymous_contact_through_the_form(
    client: Any, municipality_a: Any, people: dict[str, Any]
) -> None:
    client.force_login(people["kcc"])
    response = client.post(
        reverse("workbench:contact_new"),
        {
            "municipality": municipality_a.pk,
            "channel": "chat",
            "direction": "in",
            "subject": "Wanneer is het gemeentehuis open?",
            "outcome": "answered",
            "resolved_on_first_contact": "on",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.person, contact.channel, contact.resolved_on_first_contact) == (
        None,
        "chat",
        True,
    )


@pytest.mark.parametrize(
    ("outcome", "ticked", "expected"),
    [
        (Contact.Outcome.HANDED_OVER, True, False),
        (Contact.Outcome.CALLBACK, True, False),
        (Contact.Outcome.ANSWERED, None, True),
        (Contact.Outcome.ANSWERED, False, False),
    ],
)
def test_only_an_answered_contact_is_resolved_on_first_contact(
    municipality_a: Any,
    people: dict[str, Any],
    teams: dict[str, Team],
    outcome: str,
    ticked: bool | None,
    expected: bool,
) -> None:
    """The service decides, whatever the caller passes: a hand-over is never resolved."""
    contact = contact_register(
        municipality=municipality_a,
        actor=people["kcc"],
        channel="telefoon",
        subject="Vraag over de omgevingsvergunning",
        outcome=outcome,
        person=people["resident"],
        receiver=Receiver(team=teams["vergunningen"]),
        resolved_on_first_contact=ticked,
    )
    assert contact.resolved_on_first_contact is expected


def test_a_hand_over_through_the_workbench_is_not_resolved_even_when_ticked(
    client: Any, municipality_a: Any, people: dict[str, Any], teams: dict[str, Team]
) -> None:
    """The workbench passes the agent's tick as it is; the service applies the rule."""
    client.force_login(people["kcc"])
    response = client.post(
        reverse("workbench:contact_new"),
        {
            "municipality": municipality_a.pk,
            "channel": "telefoon",
            "direction": "in",
            "subject": "Bezwaar tegen de vergunning",
            "outcome": "handed_over",
            "resolved_on_first_contact": "on",
            "receiver": f"team:{teams['vergunningen'].pk}",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.outcome, contact.handed_to_team, contact.resolved_on_first_contact) == (
        Contact.Outcome.HANDED_OVER,
        teams["vergunningen"],
        False,
    )


def test_unknown_channel_and_missing_receiver_are_refused(
    municipality_a: Any, people: dict[str, Any]
) -> None:
    with pytest.raises(ContactRefused):
        contact_register(
            municipality=municipality_a,
            actor=None,
            channel="duif",
            subject="x",
            outcome=Contact.Outcome.ANSWERED,
        )
    with pytest.raises(ReceiverRequired):
        contact_register(
            municipality=municipality_a,
            actor=None,
            channel="telefoon",
            subject="x",
            outcome=Contact.Outcome.HANDED_OVER,
        )
    assert Contact.objects.count() == 0


def test_case_created_opens_the_case_in_the_same_step(
    municipality_a: Any, people: dict[str, Any]
) -> None:
    contact = contact_register(
        municipality=municipality_a,
        actor=people["kcc"],
        channel="balie",
        subject="Paspoort aanvragen",
        outcome=Contact.Outcome.CASE_CREATED,
        person=people["resident"],
        product=Product.objects.get(slug="paspoort"),
    )
    assert contact.case is not None
    assert contact.case.initiator_person == people["resident"]
    assert contact.case.channel == "balie"
    assert contact.resolved_on_first_contact is False


def test_refused_case_leaves_nothing_behind(municipality_a: Any, people: dict[str, Any]) -> None:
    with pytest.raises(ContactRefused) as refused:
        contact_register(
            municipality=municipality_a,
            actor=people["kcc"],
            channel="balie",
            subject="?",
            outcome=Contact.Outcome.CASE_CREATED,
            person=people["resident"],
        )
    assert refused.value.field == "product"
    assert (Contact.objects.count(), Case.objects.count()) == (0, 0)


def test_callback_deadline_follows_the_terugbelverzoek_norm_on_the_legal_calendar(
    municipality_a: Any,
) -> None:
    """2 working days from Thursday 24 December 2026: Christmas (25, 26) and the weekend do
    not count (Algemene termijnenwet), so the deadline is Tuesday 29 December."""
    assert Product.objects.get(slug="terugbelverzoek").service_norm == "2wd"
    asked = dt.datetime(2026, 12, 24, 10, 0, tzinfo=AMSTERDAM)
    due = request_deadline(municipality=municipality_a, requested_at=asked)
    assert due.astimezone(AMSTERDAM).date() == dt.date(2026, 12, 29)


def _callback(municipality: Any, people: dict[str, Any], team: Team, **kwargs: Any) -> Contact:
    return contact_register(
        municipality=municipality,
        actor=people["kcc"],
        channel="telefoon",
        subject="Vraag over de dakkapel",
        text=kwargs.pop(
            "text", "Mevrouw wil weten of haar dakkapel vergunningvrij is. Tekening volgt per mail."
        ),
        outcome=kwargs.pop("outcome", Contact.Outcome.CALLBACK),
        person=people["resident"],
        receiver=Receiver(team=team),
        **kwargs,
    )


def test_callback_uses_the_known_phone_number(
    municipality_a: Any, people: dict[str, Any], teams: dict[str, Team]
) -> None:
    contact = _callback(municipality_a, people, teams["vergunningen"])
    request = contact.requests.get()
    assert (request.kind, request.phone, request.team) == (
        ContactRequest.Kind.CALLBACK,
        "+31612345678",
        teams["vergunningen"],
    )
    assert contact.handed_to_team == teams["vergunningen"]


def test_callback_without_any_phone_number_is_refused(
    municipality_a: Any, people: dict[str, Any], teams: dict[str, Team]
) -> None:
    anonymous = {**people, "resident": None}
    with pytest.raises(ContactRefused) as refused:
        _callback(municipality_a, anonymous, teams["vergunningen"])
    assert refused.value.field == "callback_phone"
    assert ContactRequest.objects.count() == 0


def test_hand_over_receiver_sees_the_context_other_teams_do_not(
    client: Any, municipality_a: Any, people: dict[str, Any], teams: dict[str, Team]
) -> None:
    contact = _callback(
        municipality_a, people, teams["vergunningen"], outcome=Contact.Outcome.HANDED_OVER
    )
    request = contact.requests.get()
    urls = [
        reverse("workbench:contact_detail", kwargs={"uuid": contact.uuid}),
        reverse("workbench:request_detail", kwargs={"uuid": request.uuid}),
    ]
    client.force_login(people["permits"])
    for url in urls:
        page = client.get(url).content.decode()
        assert "dakkapel vergunningvrij" in page
        assert "Dijkstra" in page
    queue = client.get(reverse("workbench:request_list")).content.decode()
    assert "dakkapel" in queue

    client.force_login(people["civil"])
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404
        assert "dakkapel" not in response.content.decode()
    assert "dakkapel" not in client.get(reverse("workbench:request_list")).content.decode()
    person_page = client.get(
        reverse("workbench:person_detail", kwargs={"uuid": people["resident"].uuid})
    ).content.decode()
    assert "Dijkstra" in person_page  # the resident is known to every team ...
    assert "dakkapel" not in person_page  # ... the hand-over is not

    client.force_login(people["kcc"])  # the front office sees every contact
    assert "dakkapel vergunningvrij" in client.get(urls[0]).content.decode()


def test_partner_sees_only_requests_handed_to_it(
    client: Any, municipality_a: Any, people: dict[str, Any]
) -> None:
    social = Partner.objects.get(slug="sociaal-team")
    worker = StaffFactory.create(
        username="social", role=Role.PARTNER_WORKER, partner=social, municipalities=[municipality_a]
    )
    to_partner = contact_register(
        municipality=municipality_a,
        actor=people["kcc"],
        channel="telefoon",
        subject="Hulp bij het huishouden",
        outcome=Contact.Outcome.HANDED_OVER,
        person=people["resident"],
        receiver=Receiver(partner=social),
    )
    elsewhere = _callback(municipality_a, people, Team.objects.get(slug="vergunningen"))
    client.force_login(worker)
    page = client.get(reverse("workbench:request_list") + "?scope=all").content.decode()
    assert "Hulp bij het huishouden" in page
    assert "dakkapel" not in page
    mine = to_partner.requests.get()
    assert (
        client.get(reverse("workbench:request_detail", kwargs={"uuid": mine.uuid})).status_code
        == 200
    )
    other = elsewhere.requests.get()
    assert (
        client.get(reverse("workbench:request_detail", kwargs={"uuid": other.uuid})).status_code
        == 404
    )


def test_overdue_callbacks_surface_first_in_the_team_queue(
    client: Any, municipality_a: Any, people: dict[str, Any], teams: dict[str, Team]
) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, 0, tzinfo=AMSTERDAM)):
        old = _callback(municipality_a, people, teams["vergunningen"])
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)):
        _callback(municipality_a, people, teams["vergunningen"], text="Nieuwe vraag over de schuur")
        client.force_login(people["permits"])
        page = client.get(reverse("workbench:request_list")).content.decode()
        assert page.count("badge--overdue") == 1
        assert page.index("dakkapel") < page.index("schuur")
        dashboard = client.get(reverse("workbench:dashboard")).content.decode()
        assert "1 overdue" in dashboard or "1 te laat" in dashboard
    assert old.requests.get().due_at < timezone.now()


def test_closing_a_callback_records_the_call(
    client: Any, municipality_a: Any, people: dict[str, Any], teams: dict[str, Team]
) -> None:
    request = _callback(municipality_a, people, teams["vergunningen"]).requests.get()
    client.force_login(people["permits"])
    url = reverse("workbench:request_action", kwargs={"uuid": request.uuid, "action": "afsluiten"})
    missing = client.post(url, {"version": request.version, "outcome": "answered", "note": ""})
    assert missing.status_code == 400
    done = client.post(
        url, {"version": request.version, "outcome": "answered", "note": "Gebeld: vergunningvrij."}
    )
    assert done.status_code == 302
    request.refresh_from_db()
    assert (request.outcome, request.closed_by) == ("answered", people["permits"])
    reply = Contact.objects.filter(direction="out").get()
    assert (reply.person, reply.text, reply.channel) == (
        people["resident"],
        "Gebeld: vergunningvrij.",
        "telefoon",
    )
    with pytest.raises(RequestClosed):
        request_close(request=request, outcome="answered", note="nog eens", actor=people["permits"])


def test_stale_close_is_refused(
    municipality_a: Any, people: dict[str, Any], teams: dict[str, Team]
) -> None:
    request = _callback(municipality_a, people, teams["vergunningen"]).requests.get()
    with pytest.raises(ContactRefused) as refused:
        request_close(
            request=request,
            outcome="answered",
            note="x",
            actor=people["permits"],
            expected_version=7,
        )
    assert refused.value.code == "stale"


def test_first_contact_resolution_per_channel_on_the_overview(
    client: Any, municipality_a: Any, people: dict[str, Any]
) -> None:
    for channel, outcome in [
        ("telefoon", Contact.Outcome.ANSWERED),
        ("telefoon", Contact.Outcome.ANSWERED),
        ("telefoon", Contact.Outcome.CALLBACK),
        ("balie", Contact.Outcome.ANSWERED),
    ]:
        contact_register(
            municipality=municipality_a,
            actor=people["kcc"],
            channel=channel,
            subject="Vraag",
            outcome=outcome,
            person=people["resident"],
            receiver=Receiver(team=Team.objects.get(slug="klantcontactcentrum")),
        )
    client.force_login(people["kcc"])
    page = client.get(reverse("workbench:dashboard")).content.decode()
    row = page[page.index("Contacten van uw gemeenten, laatste 30 dagen") :]
    phone = row[row.index("telefoon") :]
    assert [cell.split(">")[-1] for cell in phone.split("</td>")[:3]] == ["3", "2", "67%"]
