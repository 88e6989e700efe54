"""Factories for test data, e.g. ``StaffFactory.create(partner=..., municipalities=[...])``.

Call them as ``StaffFactory.create(...)``: factory_boy types ``create`` as returning the model
(``DjangoModelFactory[User]`` gives a ``User``), where ``StaffFactory.create(...)`` would be typed as
the factory itself."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from factory.declarations import LazyFunction, PostGeneration, Sequence, SubFactory
from factory.django import DjangoModelFactory, Password

from loket.accounts.models import Role, User
from loket.cases.models import Case
from loket.cases.services import case_create
from loket.catalogue.models import Product
from loket.contacts.models import Contact
from loket.demo.people import make_bsn
from loket.parties.models import Person
from loket.tenancy.models import Municipality

_bsn_random = random.Random(7)


class MunicipalityFactory(DjangoModelFactory[Municipality]):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    slug = Sequence(lambda n: f"gemeente-{n}")
    name = Sequence(lambda n: f"Gemeente {n}")


def _set_municipalities(
    user: User, create: bool, extracted: Iterable[Municipality] | None, **kwargs: Any
) -> None:
    if create and extracted:
        user.municipalities.set(extracted)


class StaffFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = Sequence(lambda n: f"staff{n}")
    first_name = "Test"
    last_name = Sequence(lambda n: f"Medewerker {n}")
    role = Role.CASE_WORKER
    password = Password("secret-pass")
    municipalities = PostGeneration(_set_municipalities)


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    municipality = SubFactory(MunicipalityFactory)
    bsn = LazyFunction(lambda: make_bsn(_bsn_random))
    first_name = "Anna"
    surname = Sequence(lambda n: f"Jansen{n}")
    postcode = "3311 AB"
    house_number = "12"
    email = Sequence(lambda n: f"anna{n}@example.org")


def make_case(*, municipality: Municipality, product_slug: str = "paspoort", **kwargs: Any) -> Case:
    """A case through the real service, so deadlines and identification are the product's."""
    product = Product.objects.get(slug=product_slug)
    return case_create(
        municipality=municipality, product=product, subject=product.name_nl, **kwargs
    )


class ContactFactory(DjangoModelFactory[Contact]):
    class Meta:
        model = Contact

    municipality = SubFactory(MunicipalityFactory)
    occurred_at = LazyFunction(timezone.now)
    channel = "telefoon"
    subject = "Vraag over afval"
    outcome = Contact.Outcome.ANSWERED
