"""A counter location for the appointment tests: the Stadswinkel of municipality A, open on
weekdays 09:00-12:30 and 13:30-17:00 (a lunch break), with three desks for travel documents and
driving licences, on a 10-minute grid."""

from __future__ import annotations

from datetime import time

import pytest

from loket.appointments.models import Desk, Location, OpeningHours
from loket.catalogue.models import Product
from loket.tenancy.models import Municipality

TRAVEL = ("paspoort", "identiteitskaart", "rijbewijs")


def make_location(
    municipality: Municipality,
    *,
    name: str = "Stadswinkel",
    desks: int = 3,
    products: tuple[str, ...] = TRAVEL,
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4),
    hours: tuple[tuple[time, time], ...] = ((time(9), time(12, 30)), (time(13, 30), time(17))),
    slot_minutes: int = 10,
) -> Location:
    location = Location.objects.create(
        municipality=municipality,
        name=name,
        street="Markt 1",
        postcode="1234 AB",
        city=municipality.name,
        slot_minutes=slot_minutes,
    )
    for weekday in weekdays:
        for opens, closes in hours:
            OpeningHours.objects.create(
                location=location, weekday=weekday, opens=opens, closes=closes
            )
    chosen = list(Product.objects.filter(slug__in=products))
    for number in range(1, desks + 1):
        desk = Desk.objects.create(location=location, name=f"Balie {number}")
        desk.products.set(chosen)
    return location


@pytest.fixture
def location(municipality_a: Municipality) -> Location:
    return make_location(municipality_a)


@pytest.fixture
def passport(db: None) -> Product:
    return Product.objects.get(slug="paspoort")


@pytest.fixture
def id_card(db: None) -> Product:
    return Product.objects.get(slug="identiteitskaart")
