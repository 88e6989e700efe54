"""Roles that mean something (issue 13): one table of role x action, a municipality's own rows
over the defaults, checked in the services and used by the pages to offer only what is allowed.

The expected table (``tests.accounts.personas.EXPECTED``) is written out by hand, apart from
``DEFAULTS``, so a change of the rule has to be made twice on purpose."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from loket.accounts.models import Role, RolePermission, User
from loket.accounts.permissions import (
    DEFAULTS,
    Action,
    NotPermitted,
    defaults_write,
    forget,
    permitted,
    require,
)
from loket.cases.decisions import decision_draft, decision_send, decision_withdraw
from loket.cases.models import Case, Decision
from loket.catalogue.models import DecisionType, Product
from loket.knowledge.models import Article
from loket.knowledge.services import article_save
from loket.tenancy.models import Municipality
from tests.accounts import personas
from tests.accounts.personas import EXPECTED, open_case, person

pytestmark = pytest.mark.django_db

A = Action
EVERYTHING = set(Action)


def staff(
    role: Role,
    municipality: Municipality,
    *,
    is_staff: bool = False,
    is_superuser: bool = False,
    is_active: bool = True,
) -> User:
    """One persona per role and municipality (``tests.accounts.personas``)."""
    return personas.staff(
        role,
        municipality,
        username=f"{role}-{municipality.slug}",
        is_staff=is_staff,
        is_superuser=is_superuser,
        is_active=is_active,
    )


def test_every_role_has_a_row_for_every_action() -> None:
    assert set(DEFAULTS) == set(Role.values) == set(EXPECTED)
    defaults = RolePermission.objects.filter(municipality=None)
    assert defaults.count() == len(Role) * len(Action)
    assert {(r.role, r.action) for r in defaults if r.allowed} == {
        (role.value, action.value) for role, actions in EXPECTED.items() for action in actions
    }


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_the_default_table(role: Role, action: Action, municipality_a: Municipality) -> None:
    user = staff(role, municipality_a)
    allowed = action in EXPECTED[role]
    assert permitted(user, action, municipality_a) is allowed
    assert permitted(user, action) is allowed  # the municipality they work for
    if allowed:
        require(user, action, municipality_a)
    else:
        with pytest.raises(NotPermitted) as refused:
            require(user, action, municipality_a)
        assert refused.value.status == 403 and refused.value.code == "not-permitted"
        assert str(refused.value) == f"Uw rol staat dit niet toe: {action.label}."


def test_a_municipality_lets_its_administrators_decide_and_no_other(
    municipality_a: Municipality, municipality_b: Municipality
) -> None:
    RolePermission.objects.create(
        municipality=municipality_a, role=Role.ADMINISTRATOR, action=A.DECIDE, allowed=True
    )
    admin_a = staff(Role.ADMINISTRATOR, municipality_a)
    admin_b = staff(Role.ADMINISTRATOR, municipality_b)
    assert permitted(admin_a, A.DECIDE, municipality_a)
    assert permitted(admin_a, A.DECIDE)  # somewhere they work
    assert not permitted(admin_a, A.SIGN, municipality_a)  # only the row it added
    assert not permitted(admin_a, A.DECIDE, municipality_b)
    assert not permitted(admin_b, A.DECIDE, municipality_b)
    assert not permitted(admin_b, A.DECIDE)


def test_a_municipality_row_also_refuses_what_the_default_allows(
    municipality_a: Municipality, municipality_b: Municipality
) -> None:
    RolePermission.objects.create(
        municipality=municipality_a, role=Role.CASE_WORKER, action=A.SIGN, allowed=False
    )
    assert not permitted(staff(Role.CASE_WORKER, municipality_a), A.SIGN, municipality_a)
    assert permitted(staff(Role.CASE_WORKER, municipality_b), A.SIGN, municipality_b)


def test_no_row_is_refused(municipality_a: Municipality) -> None:
    RolePermission.objects.filter(role=Role.CASE_WORKER, action=A.VIEW).delete()
    assert not permitted(staff(Role.CASE_WORKER, municipality_a), A.VIEW, municipality_a)


def test_a_superuser_may_everything_but_decide_and_sign(municipality_a: Municipality) -> None:
    root = staff(Role.ADMINISTRATOR, municipality_a, is_superuser=True)
    assert all(permitted(root, action) for action in EVERYTHING - {A.DECIDE, A.SIGN})
    assert not permitted(root, A.DECIDE) and not permitted(root, A.SIGN)
    with pytest.raises(NotPermitted):
        require(root, A.SIGN, municipality_a)
    # ... unless a row gives their role the mandate.
    RolePermission.objects.create(
        municipality=municipality_a, role=Role.ADMINISTRATOR, action=A.SIGN, allowed=True
    )
    forget(root)
    assert permitted(root, A.SIGN, municipality_a)


def test_nobody_and_the_system(municipality_a: Municipality) -> None:
    assert not permitted(AnonymousUser(), A.VIEW)
    assert not permitted(None, A.VIEW)
    inactive = staff(Role.TEAM_LEAD, municipality_a, is_active=False)
    assert not permitted(inactive, A.VIEW, municipality_a)
    require(None, A.SIGN, municipality_a)  # the system and residents are not a role


def test_many_checks_one_query_per_user_object(
    municipality_a: Municipality,
    municipality_b: Municipality,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    lead = staff(Role.TEAM_LEAD, municipality_a)
    with django_assert_num_queries(1):
        for _ in range(10):
            for action in Action:
                permitted(lead, action, municipality_a)
                permitted(lead, action, municipality_b.pk)
    other = staff(Role.TEAM_LEAD, municipality_b)  # another user object: its own query
    with django_assert_num_queries(1):
        assert all(permitted(other, A.FIGURES, municipality_b) for _ in range(20))


def test_the_defaults_come_back_into_an_emptied_table_only() -> None:
    RolePermission.objects.filter(role=Role.ADMINISTRATOR, action=A.FIGURES).update(allowed=False)
    assert defaults_write(RolePermission) == 0  # a table with defaults is left alone
    assert not RolePermission.objects.get(
        municipality=None, role=Role.ADMINISTRATOR, action=A.FIGURES
    ).allowed
    RolePermission.objects.all().delete()  # what a flush leaves
    assert defaults_write(RolePermission) == len(Role) * len(Action)


def test_the_template_filter(municipality_a: Municipality) -> None:
    template = Template('{% load loket %}{% if user|may:"figures" %}cijfers{% endif %}')
    lead = staff(Role.TEAM_LEAD, municipality_a)
    worker = staff(Role.CASE_WORKER, municipality_a)
    assert template.render(Context({"user": lead})) == "cijfers"
    assert template.render(Context({"user": worker})) == ""
    assert template.render(Context({"user": AnonymousUser()})) == ""


# --- Through the services -------------------------------------------------------------------


@pytest.fixture
def permit_case(catalogue: None, municipality_a: Municipality) -> Case:
    emma = person(municipality_a, email="emma@example.org", language="nl")
    return open_case(municipality_a, "evenementenvergunning", initiator=emma)


def refusal_type(case: Case) -> DecisionType:
    return DecisionType.objects.get(case_type=case.case_type, code="geweigerd")


def test_a_front_office_agent_may_not_draft_a_decision(
    permit_case: Case, municipality_a: Municipality
) -> None:
    agent = staff(Role.FRONT_OFFICE, municipality_a)
    with pytest.raises(NotPermitted):
        decision_draft(case=permit_case, decision_type=refusal_type(permit_case), actor=agent)
    assert not Decision.objects.filter(case=permit_case).exists()


def test_a_case_worker_drafts_and_sends_an_administrator_may_not(
    permit_case: Case, municipality_a: Municipality
) -> None:
    worker = staff(Role.CASE_WORKER, municipality_a)
    admin = staff(Role.ADMINISTRATOR, municipality_a)
    with pytest.raises(NotPermitted):
        decision_draft(case=permit_case, decision_type=refusal_type(permit_case), actor=admin)
    draft = decision_draft(case=permit_case, decision_type=refusal_type(permit_case), actor=worker)
    with pytest.raises(NotPermitted):
        decision_send(decision=draft, actor=admin)
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT and draft.document is None
    sent = decision_send(decision=draft, actor=worker)
    assert sent.status == Decision.Status.SENT
    with pytest.raises(NotPermitted):
        decision_withdraw(decision=sent, reason="Vergissing", actor=admin)
    sent.refresh_from_db()
    assert sent.status == Decision.Status.SENT


def test_knowledge_is_edited_by_the_roles_that_may(
    catalogue: None, municipality_a: Municipality
) -> None:
    def article(title: str) -> Article:
        return Article(
            product=Product.objects.get(slug="paspoort"),
            municipality=municipality_a,
            title_nl=title,
            title_en=title,
            answer_nl="Maak een afspraak.",
            answer_en="Make an appointment.",
            valid_from="2026-01-01",
        )

    with pytest.raises(NotPermitted):
        article_save(
            article=article("Door een behandelaar"), actor=staff(Role.CASE_WORKER, municipality_a)
        )
    assert not Article.objects.filter(title_nl="Door een behandelaar").exists()
    article_save(article=article("Door de balie"), actor=staff(Role.FRONT_OFFICE, municipality_a))
    assert Article.objects.filter(title_nl="Door de balie").exists()


# --- Through the page -----------------------------------------------------------------------


def test_the_case_page_offers_a_decision_only_to_who_may_decide(
    client: Client, permit_case: Case, municipality_a: Municipality
) -> None:
    url = reverse("workbench:case_detail", args=[permit_case.uuid])
    client.force_login(staff(Role.CASE_WORKER, municipality_a))
    page = client.get(url).content.decode()
    assert "Besluit nemen" in page
    agent = staff(Role.FRONT_OFFICE, municipality_a)
    client.force_login(agent)
    page = client.get(url).content.decode()
    assert "Besluit nemen" not in page
    # And the service refuses the form even when posted by hand.
    response = client.post(
        reverse("workbench:case_action", args=[permit_case.uuid, "decide"]),
        {
            "decide-decision_type": refusal_type(permit_case).pk,
            "decide-version": permit_case.version,
        },
    )
    assert response.status_code == 403
    assert not Decision.objects.filter(case=permit_case).exists()


def test_the_send_and_withdraw_forms_only_for_who_may_sign(
    client: Client, permit_case: Case, municipality_a: Municipality
) -> None:
    worker = staff(Role.CASE_WORKER, municipality_a)
    draft = decision_draft(case=permit_case, decision_type=refusal_type(permit_case), actor=worker)
    url = reverse("workbench:case_detail", args=[permit_case.uuid])
    client.force_login(worker)
    assert 'data-testid="send-decision"' in client.get(url).content.decode()
    client.force_login(staff(Role.FRONT_OFFICE, municipality_a))
    page = client.get(url).content.decode()
    assert draft.identification in page  # still seen, not offered
    assert 'data-testid="send-decision"' not in page
    response = client.post(
        reverse("workbench:decision_action", args=[permit_case.uuid, draft.uuid, "versturen"])
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT


# --- The admin ------------------------------------------------------------------------------


def test_an_administrator_changes_only_the_rows_of_their_municipality(
    client: Client, municipality_a: Municipality, municipality_b: Municipality
) -> None:
    own = RolePermission.objects.create(
        municipality=municipality_a, role=Role.ADMINISTRATOR, action=A.DECIDE, allowed=True
    )
    other = RolePermission.objects.create(
        municipality=municipality_b, role=Role.ADMINISTRATOR, action=A.DECIDE, allowed=True
    )
    default = RolePermission.objects.get(municipality=None, role=Role.CASE_WORKER, action=A.SIGN)
    client.force_login(staff(Role.ADMINISTRATOR, municipality_a, is_staff=True))

    def change(row: RolePermission) -> str:
        return reverse("admin:accounts_rolepermission_change", args=[row.pk])

    listing = client.get(reverse("admin:accounts_rolepermission_changelist"))
    assert listing.status_code == 200
    rows = set(listing.context["cl"].result_list)
    assert own in rows and default in rows and other not in rows
    assert client.get(change(other)).status_code == 302  # not there: back to the index
    response = client.post(
        change(default),
        {"municipality": "", "role": "case_worker", "action": "sign", "allowed": ""},
    )
    assert response.status_code == 403
    assert RolePermission.objects.get(pk=default.pk).allowed
    response = client.post(
        change(own),
        {"municipality": municipality_a.pk, "role": "administrator", "action": "decide"},
    )
    assert response.status_code == 302
    assert not RolePermission.objects.get(pk=own.pk).allowed
    # Nor can they give a right in a municipality they do not work for.
    response = client.post(
        reverse("admin:accounts_rolepermission_add"),
        {
            "municipality": municipality_b.pk,
            "role": "administrator",
            "action": "sign",
            "allowed": "on",
        },
    )
    assert response.status_code == 200  # the form again: not a choice
    assert not RolePermission.objects.filter(municipality=municipality_b, action=A.SIGN).exists()
