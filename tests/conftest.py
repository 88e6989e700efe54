"""Shared fixtures: personas for access tests and the loaded catalogue."""

from __future__ import annotations

import pytest

from tests.factories import MunicipalityFactory, StaffFactory


@pytest.fixture
def municipality_a(db):  # type: ignore[no-untyped-def]
    return MunicipalityFactory(slug="aadorp", name="Aadorp")


@pytest.fixture
def municipality_b(db):  # type: ignore[no-untyped-def]
    return MunicipalityFactory(slug="beedorp", name="Beedorp")


@pytest.fixture
def staff_a(municipality_a):  # type: ignore[no-untyped-def]
    """A case worker of municipality A only."""
    return StaffFactory(username="worker-a", municipalities=[municipality_a])


@pytest.fixture
def staff_b(municipality_b):  # type: ignore[no-untyped-def]
    return StaffFactory(username="worker-b", municipalities=[municipality_b])


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The shipped catalogue is loaded once per test database; each test rolls back on top."""
    from loket.catalogue.services import catalogue_load

    with django_db_blocker.unblock():
        catalogue_load()


@pytest.fixture
def catalogue(db):  # type: ignore[no-untyped-def]
    """The real catalogue the product ships with (already loaded by django_db_setup)."""


@pytest.fixture
def empty_catalogue(db):  # type: ignore[no-untyped-def]
    """No catalogue at all, for tests of loading one (rolled back after the test)."""
    from loket.catalogue.models import CaseType, Product
    from loket.organisation.models import Partner, Team
    from loket.tenancy.models import Package

    for model in (Product, CaseType, Team, Partner, Package):
        model.objects.all().delete()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
