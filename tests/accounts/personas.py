"""Typed personas and records for the role tests (issue 13) and the channel tests.

``tests.factories`` builds the same things with factory_boy, whose missing type information
makes ``mypy --strict`` fail on every module that imports it; these few builders use the ORM
and the real services instead, so the tests that use them are checked strictly.

``EXPECTED`` is the default role table written out by hand, apart from
``loket.accounts.permissions.DEFAULTS``, so a change of the rule has to be made twice on
purpose.
"""

from __future__ import annotations

import itertools
import random
from datetime import datetime

import time_machine

from loket.accounts.models import Role, User
from loket.accounts.permissions import Action
from loket.cases.models import Case
from loket.cases.services import case_create
from loket.catalogue.models import Product
from loket.demo.people import make_bsn
from loket.lib.calendar import AMSTERDAM
from loket.organisation.models import Partner
from loket.parties.models import Person
from loket.tenancy.models import Municipality, Package

A = Action
CASE_WORK = frozenset({A.VIEW, A.DECIDE, A.SIGN, A.CONTACT, A.HAND_OVER})
EXPECTED: dict[Role, frozenset[Action]] = {
    Role.CASE_WORKER: CASE_WORK,
    Role.TEAM_LEAD: CASE_WORK | {A.ASSIGN, A.REOPEN, A.EXTEND, A.FIGURES, A.BOOK, A.COUNTER},
    Role.FRONT_OFFICE: frozenset({A.VIEW, A.CONTACT, A.HAND_OVER, A.KNOWLEDGE, A.BOOK, A.COUNTER}),
    Role.PARTNER_WORKER: CASE_WORK,
    Role.ADMINISTRATOR: frozenset(
        {A.VIEW, A.TEMPLATES, A.CATALOGUE, A.KNOWLEDGE, A.FIGURES, A.ASSIGN}
    ),
}

# The partner organisation of the shipped catalogue that partner workers belong to here.
PARTNER = "sociaal-team"

_bsn = random.Random(13)
_serial = itertools.count(1)


def municipality(slug: str, *, everything: bool = True) -> Municipality:
    """A municipality; with ``everything`` it offers every package (any shipped product)."""
    town, _created = Municipality.objects.get_or_create(
        slug=slug, defaults={"name": slug.capitalize()}
    )
    if everything:
        town.additional_packages.set(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    return town


def partner() -> Partner:
    return Partner.objects.get_or_create(slug=PARTNER, defaults={"name": "Sociaal team"})[0]


def staff(
    role: Role,
    *towns: Municipality,
    username: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    is_active: bool = True,
    with_partner: Partner | None = None,
) -> User:
    """A staff user of ``role`` working for ``towns``; a partner worker belongs to a partner
    (``with_partner``, else the social team)."""
    if role == Role.PARTNER_WORKER and with_partner is None:
        with_partner = partner()
    user = User.objects.create_user(
        username=username or f"{role}-{next(_serial)}",
        password="secret-pass",
        first_name="Test",
        last_name=f"{role} {next(_serial)}",
        role=role,
        partner=with_partner,
        is_staff=is_staff,
        is_superuser=is_superuser,
        is_active=is_active,
    )
    user.municipalities.set(towns)
    return user


def person(town: Municipality, **fields: str) -> Person:
    """A resident of ``town``; ``fields`` override the defaults (an e-mail address for
    letters, a fixed BSN)."""
    n = next(_serial)
    values: dict[str, str] = {
        "bsn": make_bsn(_bsn),
        "first_name": "Anna",
        "surname": f"Jansen{n}",
        "postcode": "3311 AB",
        "house_number": "12",
        "email": f"anna{n}@example.org",
        **fields,
    }
    return Person.objects.create(municipality=town, **values)


def open_case(
    town: Municipality,
    product_slug: str = "paspoort",
    *,
    initiator: Person | None = None,
    at: datetime | None = None,
) -> Case:
    """A case through ``case_create`` (the product's terms and identification), received at
    ``at`` when given."""
    product = Product.objects.get(slug=product_slug)
    if at is None:
        return case_create(
            municipality=town, product=product, subject=product.name_nl, person=initiator
        )
    with time_machine.travel(at, tick=False):
        return case_create(
            municipality=town, product=product, subject=product.name_nl, person=initiator
        )


def moment(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment on the Amsterdam clock."""
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)
