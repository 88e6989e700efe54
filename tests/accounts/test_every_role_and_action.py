"""Roles that mean something (issue 13, "Done means"): for every role and every action, what the
default table says happens through the service and through the page.

Through the service: an allowed role's change is in the database; a refused role gets
``NotPermitted`` and nothing at all changed (no row, no version, no event, no history).
Through the page: an allowed role is offered the control and its POST makes the change; a
refused role is not offered the control, and the same POST forged by hand is a 403 with
nothing changed.

Every record here is handed to the partner organisation, so the partner worker (who sees only
what was handed to their partner) meets the same case as everyone else.

Not covered, because nothing enforces them yet: ``catalogue`` has one service (making an
Open311 client's key, covered here); the rest of the catalogue is managed in the Django admin by
Django's own model permissions, not the role table, as are the message templates of
``templates`` (the letter templates have their service and page and are covered; see the strict
xfail tests at the end); ``figures`` has no service, only the dashboard's check; ``view`` is
checked by one service (merging two public-space reports, covered here) and otherwise by
``visible_to``, which scopes by municipality and partner.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from loket.accounts.models import Role, RolePermission, User
from loket.accounts.permissions import Action, NotPermitted
from loket.appointments.counter import (
    ticket_call_next,
    ticket_check_in,
    ticket_finish,
    ticket_no_show,
    ticket_serve,
    ticket_walk_in,
)
from loket.appointments.models import Appointment, Location, Ticket
from loket.appointments.services import appointment_book, appointment_cancel, appointment_move
from loket.cases.decisions import (
    decision_draft,
    decision_insert_block,
    decision_replace,
    decision_send,
    decision_update,
    decision_withdraw,
    sample_letter,
)
from loket.cases.letters import (
    TemplateText,
    letter_template_save,
    reasoning_blocks_reset,
    reasoning_blocks_save,
)
from loket.cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Decision,
    LetterTemplate,
    ReasoningBlocks,
)
from loket.cases.services import (
    case_assign,
    case_extend,
    case_hand_over,
    case_reopen,
    case_withdraw,
)
from loket.catalogue.models import DecisionType, Product
from loket.contacts.models import Contact, ContactRequest
from loket.contacts.services import Receiver, contact_register, request_assign
from loket.history.models import ChangeRecord
from loket.knowledge.models import Article
from loket.knowledge.services import article_save
from loket.organisation.models import Partner, Team
from loket.parties.models import Person
from loket.reports.clients import open311_client_create
from loket.reports.models import Open311Client, Report
from loket.reports.services import report_create, report_merge
from loket.tenancy.models import Municipality
from tests.accounts.personas import (
    EXPECTED,
    moment,
    municipality,
    open_case,
    partner,
    person,
    staff,
)
from tests.reports.conftest import MARKT, STAD_AREA, report_setup

pytestmark = pytest.mark.django_db

A = Action
# The records are made on BUILT and every action is tried on TRIED: a permit received on
# 2 March 2026 can be extended on 1 April (within its term, not suspended).
BUILT = moment(2026, 3, 2)
TRIED = moment(2026, 4, 1)
REFUSED_WORDS = "Uw rol staat dit niet toe"


@dataclass(frozen=True)
class World:
    town: Municipality
    people: dict[Role, User]
    colleague: User  # a second worker of the partner: someone to assign work to
    drafter: User  # a case worker who writes the drafts other roles then send or change
    resident: Person
    partner: Partner


@pytest.fixture
def world(catalogue: None) -> World:
    town = municipality("aadorp")
    social = partner()
    with time_machine.travel(BUILT, tick=False):
        return World(
            town=town,
            people={role: staff(role, town, username=f"r-{role}") for role in Role},
            colleague=staff(Role.PARTNER_WORKER, town, username="collega"),
            drafter=staff(Role.CASE_WORKER, town, username="opsteller"),
            resident=person(town, email="emma@example.org"),
            partner=social,
        )


def handed(world: World, product_slug: str) -> Case:
    """A case of the resident, handed by the system to the partner organisation."""
    case = open_case(world.town, product_slug, initiator=world.resident)
    return case_hand_over(case=case, reason="Zorgvraag", actor=None, partner=world.partner)


def refusal_type(case: Case) -> DecisionType:
    return DecisionType.objects.get(case_type=case.case_type, code="geweigerd")


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def footprint() -> tuple[object, ...]:
    """Everything an action could change, so a refusal can be seen to change none of it (the
    history of who *viewed* what excepted: the page records a view)."""
    return (
        list(
            Case.objects.order_by("pk").values_list(
                "pk", "version", "assignee_id", "team_id", "partner_id", "closed_at", "extended_at"
            )
        ),
        list(Decision.objects.order_by("pk").values_list("pk", "status", "reasoning")),
        list(ContactRequest.objects.order_by("pk").values_list("pk", "assignee_id", "version")),
        CaseEvent.objects.count(),
        CaseStatus.objects.count(),
        Contact.objects.count(),
        Article.objects.count(),
        list(LetterTemplate.objects.order_by("pk").values_list("pk", "version", "court")),
        list(ReasoningBlocks.objects.order_by("pk").values_list("pk", "version")),
        ChangeRecord.objects.exclude(action="view").count(),
        list(Appointment.objects.order_by("pk").values_list("pk", "status", "starts_at")),
        list(Ticket.objects.order_by("pk").values_list("pk", "status", "desk_id")),
        list(Report.objects.order_by("pk").values_list("pk", "merged_into_id")),
        Open311Client.objects.count(),
    )


# --- Through the service --------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceTry:
    """One action through one service: ``run`` tries it as the actor; ``done`` reads from the
    database whether the change happened; ``also``: other actions the service requires."""

    run: Callable[[User], object]
    done: Callable[[], bool]
    also: frozenset[Action] = frozenset()
    writes: bool = True  # False: a service that only answers (a sample letter)


def _assign_case(world: World) -> ServiceTry:
    case = handed(world, "paspoort")
    return ServiceTry(
        run=lambda actor: case_assign(case=case, assignee=world.colleague, actor=actor),
        done=lambda: fresh(case).assignee_id == world.colleague.pk,
    )


def _assign_request(world: World) -> ServiceTry:
    contact = contact_register(
        municipality=world.town,
        actor=None,
        channel="telefoon",
        subject="Hulp bij het huishouden",
        outcome=Contact.Outcome.HANDED_OVER,
        person=world.resident,
        receiver=Receiver(partner=world.partner),
    )
    item = contact.requests.get()
    return ServiceTry(
        run=lambda actor: request_assign(request=item, assignee=world.colleague, actor=actor),
        done=lambda: ContactRequest.objects.get(pk=item.pk).assignee_id == world.colleague.pk,
    )


def _reopen(world: World) -> ServiceTry:
    case = case_withdraw(case=handed(world, "paspoort"), reason="Verhuisd")
    return ServiceTry(
        run=lambda actor: case_reopen(case=case, reason="Ten onrechte gesloten", actor=actor),
        done=lambda: fresh(case).closed_at is None,
    )


def _merge_reports(world: World) -> ServiceTry:
    report_setup(world.town, STAD_AREA)
    made = [
        report_create(site=world.town, point=MARKT, category="lantaarnpaal", description=text)
        for text in ("De lamp is kapot", "Lamp brandt niet")
    ]
    into, duplicate = made[0].report, made[1].report
    return ServiceTry(
        run=lambda actor: report_merge(duplicate=duplicate, into=into, actor=actor),
        done=lambda: Report.objects.get(pk=duplicate.pk).merged_into_id == into.pk,
    )


def _open311_client(world: World) -> ServiceTry:
    return ServiceTry(
        run=lambda actor: open311_client_create(
            name="Buiten-app", municipalities=[world.town], actor=actor
        ),
        done=lambda: Open311Client.objects.filter(name="Buiten-app").exists(),
    )


def _extend(world: World) -> ServiceTry:
    case = handed(world, "omgevingsvergunning")
    return ServiceTry(
        run=lambda actor: case_extend(case=fresh(case), reason="Advies nodig", actor=actor),
        done=lambda: fresh(case).extended_at is not None,
    )


def _draft(world: World) -> ServiceTry:
    case = handed(world, "evenementenvergunning")
    return ServiceTry(
        run=lambda actor: decision_draft(case=case, decision_type=refusal_type(case), actor=actor),
        done=lambda: Decision.objects.filter(case=case).exists(),
    )


def _update_draft(world: World) -> ServiceTry:
    case = handed(world, "evenementenvergunning")
    draft = decision_draft(case=case, decision_type=refusal_type(case), actor=world.drafter)
    return ServiceTry(
        run=lambda actor: decision_update(
            decision=draft,
            actor=actor,
            reasoning="Het evenement past niet in het centrum.",
            legal_ground="APV art. 2:25",
            effective_on=None,
            expires_on=None,
            mandate="",
        ),
        done=lambda: Decision.objects.get(pk=draft.pk).legal_ground == "APV art. 2:25",
    )


def _send(world: World) -> ServiceTry:
    case = handed(world, "evenementenvergunning")
    draft = decision_draft(case=case, decision_type=refusal_type(case), actor=world.drafter)
    return ServiceTry(
        run=lambda actor: decision_send(decision=draft, actor=actor),
        done=lambda: Decision.objects.get(pk=draft.pk).status == Decision.Status.SENT,
    )


def _withdraw_decision(world: World) -> ServiceTry:
    case = handed(world, "evenementenvergunning")
    draft = decision_draft(case=case, decision_type=refusal_type(case), actor=world.drafter)
    sent = decision_send(decision=draft, actor=world.drafter)
    return ServiceTry(
        run=lambda actor: decision_withdraw(decision=sent, reason="Vergissing", actor=actor),
        done=lambda: Decision.objects.get(pk=sent.pk).status == Decision.Status.WITHDRAWN,
    )


def _insert_block(world: World) -> ServiceTry:
    case = handed(world, "evenementenvergunning")
    draft = decision_draft(case=case, decision_type=refusal_type(case), actor=world.drafter)
    before = draft.reasoning
    return ServiceTry(
        run=lambda actor: decision_insert_block(decision=draft, index=0, actor=actor),
        done=lambda: len(Decision.objects.get(pk=draft.pk).reasoning) > len(before),
    )


def _replace(world: World) -> ServiceTry:
    case = handed(world, "evenementenvergunning")
    draft = decision_draft(case=case, decision_type=refusal_type(case), actor=world.drafter)
    sent = decision_send(decision=draft, actor=world.drafter)
    return ServiceTry(
        run=lambda actor: decision_replace(decision=sent, actor=actor),
        done=lambda: Decision.objects.filter(replaces=sent).exists(),
    )


def _letter_template(world: World) -> ServiceTry:
    return ServiceTry(
        run=lambda actor: letter_template_save(
            municipality=world.town,
            text=TemplateText(court="rechtbank Midden-Nederland"),
            actor=actor,
            expected_version=None,
        ),
        done=lambda: LetterTemplate.objects.filter(
            municipality=world.town, court="rechtbank Midden-Nederland"
        ).exists(),
    )


def _own_blocks(world: World) -> ServiceTry:
    kind = DecisionType.objects.get(case_type__code="vergunning", code="geweigerd")
    return ServiceTry(
        run=lambda actor: reasoning_blocks_save(
            municipality=world.town,
            decision_type=kind,
            blocks=[{"title": "Eigen", "text": "Onze eigen motivering."}],
            actor=actor,
            expected_version=None,
        ),
        done=lambda: ReasoningBlocks.objects.filter(municipality=world.town).exists(),
    )


def _reset_blocks(world: World) -> ServiceTry:
    kind = DecisionType.objects.get(case_type__code="vergunning", code="geweigerd")
    reasoning_blocks_save(
        municipality=world.town,
        decision_type=kind,
        blocks=[{"title": "Eigen", "text": "Onze eigen motivering."}],
        actor=None,
        expected_version=None,
    )
    return ServiceTry(
        run=lambda actor: reasoning_blocks_reset(
            municipality=world.town, decision_type=kind, actor=actor
        ),
        done=lambda: not ReasoningBlocks.objects.filter(municipality=world.town).exists(),
    )


def _sample_letter(world: World) -> ServiceTry:
    letters: list[bytes] = []
    return ServiceTry(
        run=lambda actor: letters.append(sample_letter(municipality=world.town, actor=actor)),
        done=lambda: bool(letters) and letters[0].startswith(b"%PDF"),
        writes=False,
    )


def _article(world: World) -> ServiceTry:
    def run(actor: User) -> Article:
        return article_save(
            article=Article(
                product=Product.objects.get(slug="paspoort"),
                municipality=world.town,
                title_nl="Paspoort kwijt",
                title_en="Lost passport",
                answer_nl="Meld het bij de balie.",
                answer_en="Report it at the desk.",
                valid_from="2026-01-01",
            ),
            actor=actor,
        )

    return ServiceTry(
        run=run, done=lambda: Article.objects.filter(title_nl="Paspoort kwijt").exists()
    )


def _contact(world: World) -> ServiceTry:
    return ServiceTry(
        run=lambda actor: contact_register(
            municipality=world.town,
            actor=actor,
            channel="telefoon",
            subject="Vraag over afval",
            outcome=Contact.Outcome.ANSWERED,
            person=world.resident,
        ),
        done=lambda: Contact.objects.filter(subject="Vraag over afval").exists(),
    )


def _hand_over_case(world: World) -> ServiceTry:
    case = handed(world, "paspoort")
    team = Team.objects.get(slug="vergunningen")
    return ServiceTry(
        run=lambda actor: case_hand_over(case=case, reason="Hoort elders", actor=actor, team=team),
        done=lambda: (fresh(case).team_id, fresh(case).partner_id) == (team.pk, None),
    )


def _hand_over_contact(world: World) -> ServiceTry:
    """A contact handed over: ``contact`` and ``hand_over`` both; the roles that may register
    a contact may hand it over by default, so this row refuses only where ``contact`` does."""
    team = Team.objects.get(slug="vergunningen")
    return ServiceTry(
        run=lambda actor: contact_register(
            municipality=world.town,
            actor=actor,
            channel="telefoon",
            subject="Bezwaar tegen de vergunning",
            outcome=Contact.Outcome.HANDED_OVER,
            person=world.resident,
            receiver=Receiver(team=team),
        ),
        done=lambda: ContactRequest.objects.filter(team__slug="vergunningen").exists(),
        also=frozenset({A.CONTACT}),
    )


# --- appointments and the counter (issue 14) -------------------------------------------------


def _counter(world: World) -> Location:
    from tests.appointments.conftest import make_location

    return make_location(world.town)


def _booked(world: World, location: Location, day: int, hour: int) -> Appointment:
    """An appointment of the resident in April 2026, booked on the website (no staff)."""
    return appointment_book(
        municipality=world.town,
        lines=[(Product.objects.get(slug="paspoort"), 1)],
        location=location,
        starts_at=moment(2026, 4, day, hour),
        person=world.resident,
    )


def _book(world: World) -> ServiceTry:
    """Booking on the phone for a caller also registers the call: ``contact`` too."""
    location = _counter(world)
    return ServiceTry(
        run=lambda actor: appointment_book(
            municipality=world.town,
            lines=[(Product.objects.get(slug="paspoort"), 1)],
            location=location,
            starts_at=moment(2026, 4, 2, 10),
            person=world.resident,
            actor=actor,
            channel="telefoon",
        ),
        done=lambda: Appointment.objects.filter(starts_at=moment(2026, 4, 2, 10)).exists(),
        also=frozenset({A.CONTACT}),
    )


def _move(world: World) -> ServiceTry:
    booked = _booked(world, _counter(world), 9, 10)
    return ServiceTry(
        run=lambda actor: appointment_move(
            appointment=booked, starts_at=moment(2026, 4, 9, 11), actor=actor
        ),
        done=lambda: Appointment.objects.get(pk=booked.pk).starts_at == moment(2026, 4, 9, 11),
    )


def _cancel(world: World) -> ServiceTry:
    booked = _booked(world, _counter(world), 9, 10)
    return ServiceTry(
        run=lambda actor: appointment_cancel(appointment=booked, actor=actor),
        done=lambda: Appointment.objects.get(pk=booked.pk).status == "cancelled",
    )


def _check_in(world: World) -> ServiceTry:
    booked = _booked(world, _counter(world), 1, 11)  # the day the action is tried
    return ServiceTry(
        run=lambda actor: ticket_check_in(appointment=booked, actor=actor),
        done=lambda: Ticket.objects.filter(appointment=booked).exists(),
    )


def _walk_in(world: World) -> ServiceTry:
    location = _counter(world)
    return ServiceTry(
        run=lambda actor: ticket_walk_in(
            location=location, product=Product.objects.get(slug="paspoort"), actor=actor
        ),
        done=lambda: Ticket.objects.filter(location=location).exists(),
    )


def _waiting(world: World, *, called: bool) -> tuple[Location, Ticket]:
    """A walk-in's ticket on the day the action is tried, handed out (and called) by the host."""
    location = _counter(world)
    host = world.people[Role.FRONT_OFFICE]
    ticket = ticket_walk_in(
        location=location,
        product=Product.objects.get(slug="paspoort"),
        actor=host,
        person=world.resident,
        now=TRIED,
    )
    if called:
        desk = location.desks.first()
        assert desk is not None
        ticket_call_next(desk=desk, actor=host, now=TRIED)
    return location, ticket


def _call_next(world: World) -> ServiceTry:
    location, ticket = _waiting(world, called=False)
    desk = location.desks.first()
    assert desk is not None
    return ServiceTry(
        run=lambda actor: ticket_call_next(desk=desk, actor=actor),
        done=lambda: Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.CALLED,
    )


def _serve(world: World) -> ServiceTry:
    _location, ticket = _waiting(world, called=True)
    return ServiceTry(
        run=lambda actor: ticket_serve(ticket=ticket, actor=actor),
        done=lambda: Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.SERVING,
    )


def _no_show(world: World) -> ServiceTry:
    _location, ticket = _waiting(world, called=True)
    return ServiceTry(
        run=lambda actor: ticket_no_show(ticket=ticket, actor=actor),
        done=lambda: Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.NO_SHOW,
    )


def _finish(world: World) -> ServiceTry:
    """Finishing registers the counter contact (and opens the passport case): ``contact`` too."""
    _location, ticket = _waiting(world, called=True)
    return ServiceTry(
        run=lambda actor: ticket_finish(ticket=ticket, actor=actor),
        done=lambda: Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.DONE,
        also=frozenset({A.CONTACT}),
    )


# action -> the services that check it (every ``require(`` in src/loket), one try each.
SERVICES: dict[Action, dict[str, Callable[[World], ServiceTry]]] = {
    A.ASSIGN: {"case_assign": _assign_case, "request_assign": _assign_request},
    A.REOPEN: {"case_reopen": _reopen},
    A.EXTEND: {"case_extend": _extend},
    A.DECIDE: {
        "decision_draft": _draft,
        "decision_update": _update_draft,
        "decision_insert_block": _insert_block,
        "decision_replace": _replace,
    },
    A.SIGN: {"decision_send": _send, "decision_withdraw": _withdraw_decision},
    A.KNOWLEDGE: {"article_save": _article},
    A.TEMPLATES: {
        "letter_template_save": _letter_template,
        "reasoning_blocks_save": _own_blocks,
        "reasoning_blocks_reset": _reset_blocks,
        "sample_letter": _sample_letter,
    },
    A.CONTACT: {"contact_register": _contact},
    A.HAND_OVER: {"case_hand_over": _hand_over_case, "contact_register": _hand_over_contact},
    A.BOOK: {"appointment_book": _book, "appointment_move": _move, "appointment_cancel": _cancel},
    A.COUNTER: {
        "ticket_check_in": _check_in,
        "ticket_walk_in": _walk_in,
        "ticket_call_next": _call_next,
        "ticket_serve": _serve,
        "ticket_no_show": _no_show,
        "ticket_finish": _finish,
    },
}
SERVICES[A.VIEW] = {"report_merge": _merge_reports}
SERVICES[A.CATALOGUE] = {"open311_client_create": _open311_client}
# Actions no service checks (see the module docstring); a new ``require`` must move its action.
NO_SERVICE = {A.FIGURES}

SERVICE_CASES = [
    pytest.param(role, action, name, id=f"{role}-{action}-{name}")
    for action, services in SERVICES.items()
    for name in services
    for role in Role
]


def _required_actions() -> set[Action]:
    """The actions some service in src/loket checks with ``require(..., Action.X, ...)``."""
    source = Path(__file__).resolve().parents[2] / "src" / "loket"
    found: set[Action] = set()
    for path in source.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= {
            Action[name.upper()] for name in re.findall(r"require\([^)]*?Action\.(\w+)", text)
        }
    return found


def test_every_action_is_tried_through_every_service_that_checks_it() -> None:
    assert set(SERVICES) | NO_SERVICE == set(Action)
    assert not set(SERVICES) & NO_SERVICE
    assert _required_actions() == set(SERVICES)
    assert set(EXPECTED) == set(Role)


@pytest.mark.parametrize(("role", "action", "service"), SERVICE_CASES)
def test_the_service_does_what_the_table_says(
    world: World, role: Role, action: Action, service: str
) -> None:
    with time_machine.travel(BUILT, tick=False):
        attempt = SERVICES[action][service](world)
    actor = world.people[role]
    missing = ({action} | attempt.also) - EXPECTED[role]
    with time_machine.travel(TRIED, tick=False):
        before = footprint()
        if not missing:
            attempt.run(actor)
            assert attempt.done()
            assert (footprint() != before) is attempt.writes
        else:
            with pytest.raises(NotPermitted) as refused:
                attempt.run(actor)
            assert refused.value.action in missing
            assert not attempt.done()
            assert footprint() == before


@pytest.mark.parametrize("role", list(Role))
def test_every_role_sees_the_case_handed_to_its_partner(world: World, role: Role) -> None:
    """``view`` is allowed to every role by default; what a role sees is scoped by
    ``visible_to`` (municipality, partner), which is the only gate there is."""
    assert A.VIEW in EXPECTED[role]
    with time_machine.travel(BUILT, tick=False):
        case = handed(world, "paspoort")
        elsewhere = open_case(world.town, "paspoort")  # not handed to the partner
    visible = set(Case.objects.visible_to(world.people[role]).values_list("pk", flat=True))
    assert case.pk in visible
    assert (elsewhere.pk in visible) is (role != Role.PARTNER_WORKER)


# --- Through the page -----------------------------------------------------------------------


@dataclass(frozen=True)
class PageTry:
    """One action through the workbench: ``page`` is where ``control`` (a piece of its HTML)
    offers it; ``form`` is what the control posts (none for a page that only shows);
    ``done`` reads from the database whether the change happened; ``says_why``: whether a
    refusal is shown on the page with the service's words (else it is Django's 403)."""

    page: str
    control: str
    form: tuple[str, dict[str, str]] | None
    done: Callable[[], bool]
    says_why: bool = True


def _case_url(case: Case, action: str) -> str:
    return reverse("workbench:case_action", args=[case.uuid, action])


def _detail(case: Case) -> str:
    return reverse("workbench:case_detail", args=[case.uuid])


def _page_view(world: World) -> PageTry:
    case = handed(world, "paspoort")
    return PageTry(_detail(case), f"<h1>{case.identification}:", None, lambda: True)


def _page_assign(world: World) -> PageTry:
    case = handed(world, "paspoort")
    return PageTry(
        _detail(case),
        f'<option value="{world.colleague.pk}"',
        (
            _case_url(case, "assign"),
            {"version": str(case.version), "assignee": str(world.colleague.pk)},
        ),
        lambda: fresh(case).assignee_id == world.colleague.pk,
    )


def _page_reopen(world: World) -> PageTry:
    case = case_withdraw(case=handed(world, "paspoort"), reason="Verhuisd")
    return PageTry(
        _detail(case),
        f'action="{_case_url(case, "reopen")}"',
        (
            _case_url(case, "reopen"),
            {"reopen-version": str(case.version), "reopen-reason": "Ten onrechte gesloten"},
        ),
        lambda: fresh(case).closed_at is None,
    )


def _page_extend(world: World) -> PageTry:
    case = handed(world, "omgevingsvergunning")
    return PageTry(
        _detail(case),
        f'action="{_case_url(case, "extend")}"',
        (
            _case_url(case, "extend"),
            {"extend-version": str(case.version), "extend-reason": "Advies nodig"},
        ),
        lambda: fresh(case).extended_at is not None,
    )


def _page_decide(world: World) -> PageTry:
    case = handed(world, "evenementenvergunning")
    return PageTry(
        _detail(case),
        f'action="{_case_url(case, "decide")}"',
        (
            _case_url(case, "decide"),
            {
                "decide-version": str(case.version),
                "decide-decision_type": str(refusal_type(case).pk),
            },
        ),
        lambda: Decision.objects.filter(case=case).exists(),
    )


def _page_sign(world: World) -> PageTry:
    case = handed(world, "evenementenvergunning")
    draft = decision_draft(case=case, decision_type=refusal_type(case), actor=world.drafter)
    url = reverse("workbench:decision_action", args=[case.uuid, draft.uuid, "versturen"])
    return PageTry(
        _detail(case),
        f'action="{url}"',
        (url, {}),
        lambda: Decision.objects.get(pk=draft.pk).status == Decision.Status.SENT,
    )


def _page_knowledge(world: World) -> PageTry:
    new = reverse("workbench:article_new")
    form = {
        "product": str(Product.objects.get(slug="paspoort").pk),
        "municipality": str(world.town.pk),
        "title_nl": "Paspoort kwijt",
        "answer_nl": "Meld het bij de balie.",
        "title_en": "Lost passport",
        "answer_en": "Report it at the desk.",
        "valid_from": "2026-03-01",
    }
    return PageTry(
        reverse("workbench:knowledge"),
        f'href="{new}"',
        (new, form),
        lambda: Article.objects.filter(title_nl="Paspoort kwijt").exists(),
        says_why=False,
    )


def _page_templates(world: World) -> PageTry:
    url = reverse("workbench:letter_template", args=[world.town.slug])
    form = {
        "version": "0",
        "mandate": "Namens het college van Aadorp",
        "court": "rechtbank Midden-Nederland",
    }
    return PageTry(
        reverse("workbench:dashboard"),
        f'href="{reverse("workbench:letter_templates")}"',
        (url, form),
        lambda: LetterTemplate.objects.filter(
            municipality=world.town, court="rechtbank Midden-Nederland"
        ).exists(),
    )


def _page_figures(world: World) -> PageTry:
    return PageTry(reverse("workbench:dashboard"), 'data-testid="term-figures"', None, lambda: True)


def _page_contact(world: World) -> PageTry:
    handed(world, "paspoort")  # so the partner worker sees the resident, as everyone does
    new = reverse("workbench:contact_new")
    form = {
        "persoon": str(world.resident.uuid),
        "municipality": str(world.town.pk),
        "channel": "telefoon",
        "direction": "in",
        "subject": "Vraag over afval",
        "outcome": "answered",
    }
    return PageTry(
        reverse("workbench:person_detail", args=[world.resident.uuid]),
        f'action="{new}"',
        (new, form),
        lambda: Contact.objects.filter(subject="Vraag over afval").exists(),
        says_why=False,
    )


def _page_hand_over(world: World) -> PageTry:
    case = handed(world, "paspoort")
    team = Team.objects.get(slug="vergunningen")
    return PageTry(
        _detail(case),
        f'action="{_case_url(case, "handover")}"',
        (
            _case_url(case, "handover"),
            {
                "handover-version": str(case.version),
                "handover-target": f"team:{team.pk}",
                "handover-reason": "Hoort elders",
            },
        ),
        lambda: fresh(case).team_id == team.pk and fresh(case).partner_id is None,
    )


def _page_book(world: World) -> PageTry:
    """The resident's page offers "Afspraak maken"; the form tried is cancelling a booking."""
    handed(world, "paspoort")  # so the partner worker sees the resident, as everyone does
    booked = _booked(world, _counter(world), 9, 10)
    return PageTry(
        reverse("workbench:person_detail", args=[world.resident.uuid]),
        f'href="{reverse("workbench:appointment_new", args=[world.resident.uuid])}"',
        (reverse("workbench:appointment_cancel", args=[booked.uuid]), {}),
        lambda: Appointment.objects.get(pk=booked.pk).status == "cancelled",
        says_why=False,
    )


def _page_counter(world: World) -> PageTry:
    """The menu offers the counter; the form tried is a walk-in's ticket."""
    location = _counter(world)
    return PageTry(
        reverse("workbench:dashboard"),
        f'href="{reverse("workbench:counter_index")}"',
        (
            reverse("workbench:counter_day", args=[location.uuid]),
            {"product": str(Product.objects.get(slug="paspoort").pk)},
        ),
        lambda: Ticket.objects.filter(location=location).exists(),
        says_why=False,
    )


PAGES: dict[Action, Callable[[World], PageTry]] = {
    A.VIEW: _page_view,
    A.ASSIGN: _page_assign,
    A.REOPEN: _page_reopen,
    A.EXTEND: _page_extend,
    A.DECIDE: _page_decide,
    A.SIGN: _page_sign,
    A.KNOWLEDGE: _page_knowledge,
    A.TEMPLATES: _page_templates,
    A.FIGURES: _page_figures,
    A.CONTACT: _page_contact,
    A.HAND_OVER: _page_hand_over,
    A.BOOK: _page_book,
    A.COUNTER: _page_counter,
}
NO_PAGE = {A.CATALOGUE}  # only in the admin; see the xfail tests below

# A partner worker sees only what was handed to their partner; appointments and counter
# locations never are, so for them these forms are a 404 (not even their existence is shown).
NOT_VISIBLE = {(A.BOOK, Role.PARTNER_WORKER), (A.COUNTER, Role.PARTNER_WORKER)}

# Where a page offers a control the service will refuse (reported; src/ is not ours to fix):
OFFERED_ANYWAY: dict[tuple[Action, Role], str] = {}


def _offer_cases() -> Iterator[object]:
    for action in PAGES:
        for role in Role:
            gap = OFFERED_ANYWAY.get((action, role))
            marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
            yield pytest.param(role, action, id=f"{role}-{action}", marks=marks)


def test_every_action_has_a_page_or_is_a_known_gap() -> None:
    assert set(PAGES) | NO_PAGE == set(Action)


def _login(client: Client, user: User) -> None:
    client.force_login(user)


@pytest.mark.parametrize(("role", "action"), list(_offer_cases()))
def test_the_page_offers_the_control_only_to_who_may(
    client: Client, world: World, role: Role, action: Action
) -> None:
    with time_machine.travel(BUILT, tick=False):
        attempt = PAGES[action](world)
    with time_machine.travel(TRIED, tick=False):
        _login(client, world.people[role])
        response = client.get(attempt.page)
    assert response.status_code == 200  # the record is theirs to see
    assert (attempt.control in response.content.decode()) is (action in EXPECTED[role])


POST_CASES = [
    pytest.param(role, action, id=f"{role}-{action}")
    for action in PAGES
    for role in Role
    if action not in (A.VIEW, A.FIGURES)  # pages that only show
]


@pytest.mark.parametrize(("role", "action"), POST_CASES)
def test_the_form_does_only_what_the_role_may(
    client: Client, world: World, role: Role, action: Action
) -> None:
    with time_machine.travel(BUILT, tick=False):
        attempt = PAGES[action](world)
    assert attempt.form is not None
    url, data = attempt.form
    with time_machine.travel(TRIED, tick=False):
        _login(client, world.people[role])
        before = footprint()
        response = client.post(url, data)
    if action in EXPECTED[role]:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert attempt.done()
    else:
        assert response.status_code == (404 if (action, role) in NOT_VISIBLE else 403)
        if attempt.says_why:
            assert REFUSED_WORDS in response.content.decode()
        assert not attempt.done()
        assert footprint() == before


# --- Through the API -------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_the_api_extends_only_for_who_may(world: World, role: Role) -> None:
    """Extending is the one role-bound action the API has: the service's refusal, as a
    problem document with its code, and nothing changed."""
    with time_machine.travel(BUILT, tick=False):
        case = handed(world, "omgevingsvergunning")
    api = APIClient()
    token = Token.objects.create(user=world.people[role])
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with time_machine.travel(TRIED, tick=False):
        before = footprint()
        response = api.post(
            f"/api/v1/cases/{case.uuid}/extend",
            {"reason": "Advies nodig", "version": case.version},
            format="json",
            HTTP_ACCEPT_LANGUAGE="nl",
        )
    if A.EXTEND in EXPECTED[role]:
        assert response.status_code == 200, response.content
        assert response.json()["extendedAt"] is not None
        assert fresh(case).extended_at is not None
    else:
        assert response.status_code == 403
        body = response.json()
        assert body["code"] == "not-permitted" and REFUSED_WORDS in body["detail"]
        assert footprint() == before


# --- Assigning on the queue and on a hand-over's page --------------------------------------


def _handed_request(world: World) -> ContactRequest:
    contact = contact_register(
        municipality=world.town,
        actor=None,
        channel="telefoon",
        subject="Hulp bij het huishouden",
        outcome=Contact.Outcome.HANDED_OVER,
        person=world.resident,
        receiver=Receiver(partner=world.partner),
    )
    return contact.requests.get()


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.PARTNER_WORKER])
def test_the_queue_and_the_request_page_assign_others_only_for_who_may(
    client: Client, world: World, role: Role
) -> None:
    """The queue's bulk form and a hand-over's "Assign" form call the same services; a role
    without ``assign`` gets the refusal and nothing moves. (The administrator: a team lead sees
    only the hand-overs to their own teams.)"""
    with time_machine.travel(BUILT, tick=False):
        case = handed(world, "paspoort")
        item = _handed_request(world)
    allowed = A.ASSIGN in EXPECTED[role]
    with time_machine.travel(TRIED, tick=False):
        _login(client, world.people[role])
        bulk = client.post(
            reverse("workbench:bulk_assign"),
            {"case": str(case.uuid), "cases": "x", "assignee": str(world.colleague.pk)},
            follow=True,
        )
        on_request = client.post(
            reverse("workbench:request_action", args=[item.uuid, "toewijzen"]),
            {"version": str(item.version), "assignee": str(world.colleague.pk)},
        )
    said = [str(message) for message in bulk.context["messages"]]
    if allowed:
        assert said == ["1 zaken toegewezen."]
        assert on_request.status_code == 302
    else:
        assert said[0] == "0 zaken toegewezen."
        assert said[1].startswith(f"{case.identification}: {REFUSED_WORDS}")
        assert on_request.status_code == 403
    assert (fresh(case).assignee_id == world.colleague.pk) is allowed
    assert (ContactRequest.objects.get(pk=item.pk).assignee_id == world.colleague.pk) is allowed


def test_the_queue_and_the_request_page_offer_colleagues_only_to_who_may_assign(
    client: Client, world: World
) -> None:
    with time_machine.travel(BUILT, tick=False):
        handed(world, "paspoort")
        item = _handed_request(world)
    option = f'<option value="{world.colleague.pk}"'
    _login(client, world.people[Role.PARTNER_WORKER])
    queue = client.get(reverse("workbench:case_list"), {"scope": "all"}).content.decode()
    page = client.get(reverse("workbench:request_detail", args=[item.uuid])).content.decode()
    assert option not in queue
    assert option not in page


# --- A municipality's own row ---------------------------------------------------------------


def test_a_municipality_lets_its_administrators_decide_there_only(
    client: Client, catalogue: None
) -> None:
    """Aadorp lets administrators decide (a row of its own); Beedorp keeps the default. One
    administrator working for both may draft in Aadorp, through the service and the page, and
    not in Beedorp."""
    aadorp, beedorp = municipality("aadorp"), municipality("beedorp")
    RolePermission.objects.create(
        municipality=aadorp, role=Role.ADMINISTRATOR, action=A.DECIDE, allowed=True
    )
    admin = staff(Role.ADMINISTRATOR, aadorp, beedorp, username="beheer")
    here = open_case(aadorp, "evenementenvergunning", initiator=person(aadorp))
    there = open_case(beedorp, "evenementenvergunning", initiator=person(beedorp))

    # The service.
    with pytest.raises(NotPermitted):
        decision_draft(case=there, decision_type=refusal_type(there), actor=admin)
    assert not Decision.objects.filter(case=there).exists()
    draft = decision_draft(case=here, decision_type=refusal_type(here), actor=admin)
    assert draft.case == here and draft.status == Decision.Status.DRAFT
    with pytest.raises(NotPermitted):  # sending stays refused: only the decide row was added
        decision_send(decision=draft, actor=admin)
    Decision.objects.filter(pk=draft.pk).delete()

    # The page: offered in Aadorp only, and a forged form for Beedorp changes nothing.
    _login(client, admin)
    assert f'action="{_case_url(here, "decide")}"' in client.get(_detail(here)).content.decode()
    assert (
        f'action="{_case_url(there, "decide")}"' not in client.get(_detail(there)).content.decode()
    )
    refused = client.post(
        _case_url(there, "decide"),
        {"decide-version": "1", "decide-decision_type": str(refusal_type(there).pk)},
    )
    assert refused.status_code == 403 and REFUSED_WORDS in refused.content.decode()
    assert not Decision.objects.filter(case=there).exists()
    done = client.post(
        _case_url(here, "decide"),
        {"decide-version": "1", "decide-decision_type": str(refusal_type(here).pk)},
    )
    assert done.status_code == 302
    assert Decision.objects.get(case=here).decision_type == refusal_type(here)


def test_a_municipality_takes_extending_from_its_team_leads_there_only(
    client: Client, catalogue: None
) -> None:
    """The other way round: a row of Aadorp refuses what the default allows."""
    aadorp, beedorp = municipality("aadorp"), municipality("beedorp")
    RolePermission.objects.create(
        municipality=aadorp, role=Role.TEAM_LEAD, action=A.EXTEND, allowed=False
    )
    lead = staff(Role.TEAM_LEAD, aadorp, beedorp, username="teamleider")
    here = open_case(aadorp, "omgevingsvergunning", at=BUILT)
    there = open_case(beedorp, "omgevingsvergunning", at=BUILT)
    with time_machine.travel(TRIED, tick=False):
        with pytest.raises(NotPermitted):
            case_extend(case=here, reason="Advies nodig", actor=lead)
        assert fresh(here).extended_at is None
        _login(client, lead)
        assert (
            f'action="{_case_url(here, "extend")}"'
            not in client.get(_detail(here)).content.decode()
        )
        assert (
            f'action="{_case_url(there, "extend")}"' in client.get(_detail(there)).content.decode()
        )
        refused = client.post(
            _case_url(here, "extend"), {"extend-version": "1", "extend-reason": "Advies nodig"}
        )
        assert refused.status_code == 403 and REFUSED_WORDS in refused.content.decode()
        assert fresh(here).extended_at is None and fresh(here).version == 1
        done = client.post(
            _case_url(there, "extend"), {"extend-version": "1", "extend-reason": "Advies nodig"}
        )
        assert done.status_code == 302 and fresh(there).extended_at is not None


# --- Gaps: rules the table has that nothing enforces yet (strict xfail, reported) ------------


def test_a_municipality_row_refusing_view_hides_its_cases(client: Client, catalogue: None) -> None:
    aadorp = municipality("aadorp")
    RolePermission.objects.create(
        municipality=aadorp, role=Role.CASE_WORKER, action=A.VIEW, allowed=False
    )
    worker = staff(Role.CASE_WORKER, aadorp, username="behandelaar")
    case = open_case(aadorp, "paspoort")
    _login(client, worker)
    assert client.get(_detail(case)).status_code in (403, 404)
    assert not Case.objects.visible_to(worker).filter(pk=case.pk).exists()


def test_figures_count_only_the_municipalities_that_allow_them(
    client: Client, catalogue: None
) -> None:
    aadorp, beedorp = municipality("aadorp"), municipality("beedorp")
    RolePermission.objects.create(
        municipality=beedorp, role=Role.TEAM_LEAD, action=A.FIGURES, allowed=False
    )
    lead = staff(Role.TEAM_LEAD, aadorp, beedorp, username="teamleider")
    with time_machine.travel(BUILT, tick=False):
        for town in (aadorp, beedorp):
            case_withdraw(case=open_case(town, "paspoort"), reason="Verhuisd")
    _login(client, lead)
    with time_machine.travel(TRIED, tick=False):
        figures = client.get(reverse("workbench:dashboard")).context["figures"]
    assert figures is not None
    assert figures.within_norm.whole == 1  # Aadorp's closed case only


def _admin_changelist(client: Client, user: User, model: str) -> int:
    _login(client, user)
    return client.get(reverse(f"admin:{model}_changelist")).status_code


def test_the_catalogue_is_managed_by_the_roles_that_may(client: Client, catalogue: None) -> None:
    town = municipality("aadorp")
    admin = staff(Role.ADMINISTRATOR, town, username="beheer", is_staff=True)
    lead = staff(Role.TEAM_LEAD, town, username="teamleider", is_staff=True)
    assert _admin_changelist(client, lead, "catalogue_product") == 403
    assert _admin_changelist(client, admin, "catalogue_product") == 200


def test_message_templates_are_managed_by_the_roles_that_may(
    client: Client, catalogue: None
) -> None:
    town = municipality("aadorp")
    admin = staff(Role.ADMINISTRATOR, town, username="beheer", is_staff=True)
    lead = staff(Role.TEAM_LEAD, town, username="teamleider", is_staff=True)
    assert _admin_changelist(client, lead, "notifications_template") == 403
    assert _admin_changelist(client, admin, "notifications_template") == 200
