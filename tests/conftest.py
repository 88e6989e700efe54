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


@pytest.fixture
def catalogue(db):  # type: ignore[no-untyped-def]
    """The real catalogue the product ships with."""
    from loket.catalogue.services import catalogue_load

    catalogue_load()
