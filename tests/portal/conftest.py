"""Fixtures of Mijn Loket: a municipality with every package, residents, logging in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from loket.tenancy.models import Package
from tests.factories import MunicipalityFactory, PersonFactory

PDF = b"%PDF-1.4\n% a test document\n"


@pytest.fixture
def town(catalogue: None) -> Any:
    municipality = MunicipalityFactory.create(slug="stad", name="Stad")
    municipality.additional_packages.set(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    return municipality


@pytest.fixture
def resident(town: Any) -> Any:
    return PersonFactory.create(
        municipality=town,
        bsn="111222333",
        first_name="Emma",
        surname="Visser",
        street="Lindelaan",
        house_number="3",
        postcode="3311 AB",
        city="Stad",
        email="emma@example.org",
        phone="+31612345678",
        birth_date=dt.date(1990, 5, 1),
    )


@pytest.fixture
def neighbour(town: Any) -> Any:
    return PersonFactory.create(
        municipality=town,
        bsn="123456782",
        first_name="Bas",
        surname="Buur",
        email="bas@example.org",
    )


@pytest.fixture
def demo_login_on(settings: Any) -> None:
    settings.LOKET_DEMO_LOGIN = True


def login(client: Any, town: Any, person: Any, next_url: str = "") -> Any:
    """Log in through the demo login (the test settings switch it on per test)."""
    return client.post(
        reverse("portal:demo_login", kwargs={"municipality": town.slug}),
        {"person": person.uuid, "next": next_url},
    )
