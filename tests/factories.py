"""Factories for test data. Traits: ``CaseFactory(closed=True)``, ``StaffFactory(partner=...)``."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from loket.accounts.models import Role, User
from loket.cases.services import case_create
from loket.catalogue.models import Product
from loket.contacts.models import Contact, Person
from loket.demo.people import make_bsn
from loket.tenancy.models import Municipality

_bsn_random = __import__("random").Random(7)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"gemeente-{n}")
    name = factory.Sequence(lambda n: f"Gemeente {n}")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Medewerker {n}")
    role = Role.CASE_WORKER
    password = factory.django.Password("secret-pass")

    @factory.post_generation
    def municipalities(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.municipalities.set(extracted)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    municipality = factory.SubFactory(MunicipalityFactory)
    bsn = factory.LazyFunction(lambda: make_bsn(_bsn_random))
    first_name = "Anna"
    surname = factory.Sequence(lambda n: f"Jansen{n}")
    postcode = "3311 AB"
    house_number = "12"
    email = factory.Sequence(lambda n: f"anna{n}@example.org")


def make_case(*, municipality: Municipality, product_slug: str = "paspoort", **kwargs: Any) -> Any:
    """A case through the real service, so deadlines and identification are the product's."""
    product = Product.objects.get(slug=product_slug)
    return case_create(
        municipality=municipality, product=product, subject=product.name_nl, **kwargs
    )


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    municipality = factory.SubFactory(MunicipalityFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    channel = "telefoon"
    subject = "Vraag over afval"
    outcome = Contact.Outcome.ANSWERED
