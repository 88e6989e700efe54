"""Fifty residents booking the last ten places of one slot at the same moment, on PostgreSQL
with real connections in real threads (issue 14, "Bad input and races"): exactly ten bookings,
forty polite refusals that offer the next free times, no errors.

Skipped (not failed) on SQLite, which serialises writers and cannot show a race; under CI=true
the PostgreSQL lane runs it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.db import connection

from loket.appointments.errors import SlotTaken
from loket.appointments.models import Appointment
from loket.appointments.services import Resident, appointment_book
from loket.catalogue.models import Product
from loket.catalogue.services import catalogue_load
from loket.lib.calendar import AMSTERDAM
from loket.notifications.models import OutboxMessage
from tests.appointments.conftest import make_location
from tests.cases.test_concurrency import _run_together
from tests.factories import MunicipalityFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

SLOT = datetime(2026, 12, 8, 10, 0, tzinfo=AMSTERDAM)


def test_fifty_residents_for_the_last_ten_places() -> None:
    catalogue_load()
    municipality = MunicipalityFactory.create(slug="drukte")
    location = make_location(municipality, desks=10)
    passport = Product.objects.get(slug="paspoort")
    results: list[Any]
    with time_machine.travel(datetime(2026, 12, 7, 8, tzinfo=AMSTERDAM), tick=False):

        def book(index: int) -> Any:
            try:
                return appointment_book(
                    municipality=municipality,
                    lines=[(passport, 1)],
                    location=location,
                    starts_at=SLOT,
                    resident=Resident(surname=f"Inwoner {index}", email=f"i{index}@example.org"),
                )
            except SlotTaken as taken:
                return taken

        results, errors = _run_together(50, book)
    assert errors == []
    booked = [r for r in results if isinstance(r, Appointment)]
    refused = [r for r in results if isinstance(r, SlotTaken)]
    assert len(booked) == 10 and len(refused) == 40
    assert len({appointment.desk_id for appointment in booked}) == 10
    assert Appointment.objects.filter(starts_at=SLOT).count() == 10
    assert OutboxMessage.objects.filter(event="appointment_booked").count() == 10
    for refusal in refused:
        assert str(refusal.message) == (
            "Iemand anders heeft deze tijd net geboekt. Kies een van de volgende vrije tijden."
        )
        # The next free times: 10:20 is the first start after the taken 10:00-10:20.
        assert refusal.alternatives[0].starts_at == datetime(2026, 12, 8, 10, 20, tzinfo=AMSTERDAM)
        assert refusal.alternatives[0].free == 10
