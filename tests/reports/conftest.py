"""Fixtures for public-space reports: municipalities with a boundary, the standard categories
and a few addresses on the map (the offline geocoder), shared by the reports, portal, workbench,
API and browser tests (import them from here: ``from tests.reports.conftest import ...``)."""

from __future__ import annotations

from typing import Any

import pytest

from loket.lib.geo import Point
from loket.reports.models import Address, Boundary
from loket.reports.standard import categories_install
from loket.tenancy.models import Municipality, ServiceOrganisation

# Two neighbours in one service organisation: Stad west of longitude 5.10, Dorp east of it.
STAD_AREA = {
    "type": "Polygon",
    "coordinates": [[[5.00, 52.00], [5.10, 52.00], [5.10, 52.06], [5.00, 52.06], [5.00, 52.00]]],
}
DORP_AREA = {
    "type": "Polygon",
    "coordinates": [[[5.10, 52.00], [5.20, 52.00], [5.20, 52.06], [5.10, 52.06], [5.10, 52.00]]],
}
MARKT = Point(52.0300, 5.0500)  # Markt 1, Stad
KERKSTRAAT = Point(52.0320, 5.0560)  # Kerkstraat 10, Stad
DORPSPLEIN = Point(52.0300, 5.1500)  # Dorpsplein 2, Dorp
OUTSIDE = Point(52.5000, 5.0500)  # in neither


def report_setup(municipality: Municipality, area: dict[str, Any]) -> Municipality:
    boundary = Boundary(municipality=municipality, geojson=area)
    boundary.full_clean()
    boundary.save()
    categories_install(municipality)
    return municipality


def _address(
    municipality: Municipality, street: str, number: str, postcode: str, point: Point
) -> None:
    Address.objects.create(
        municipality=municipality,
        street=street,
        number=number,
        postcode=postcode,
        city=municipality.name,
        latitude=point.latitude,
        longitude=point.longitude,
    )


@pytest.fixture
def report_towns(db: None) -> tuple[Municipality, Municipality]:
    """Stad and Dorp, one service organisation, each with its boundary, the standard
    categories and addresses (Markt 1 and Kerkstraat 10 in Stad, Dorpsplein 2 in Dorp)."""
    organisation = ServiceOrganisation.objects.create(slug="samen", name="Samen")
    stad = Municipality.objects.create(
        slug="stad", name="Stad", cbs_code="9801", service_organisation=organisation
    )
    dorp = Municipality.objects.create(
        slug="dorp", name="Dorp", cbs_code="9802", service_organisation=organisation
    )
    report_setup(stad, STAD_AREA)
    report_setup(dorp, DORP_AREA)
    _address(stad, "Markt", "1", "9801AA", MARKT)
    _address(stad, "Kerkstraat", "10", "9801AB", KERKSTRAAT)
    _address(dorp, "Dorpsplein", "2", "9802AA", DORPSPLEIN)
    return stad, dorp


@pytest.fixture
def report_town(report_towns: tuple[Municipality, Municipality]) -> Municipality:
    return report_towns[0]
