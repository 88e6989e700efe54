"""Atw art. 3 lid 3: the decrees live in the database, shipped by a migration, kept by
administrators in the Django admin; the legal calendar reads them through its provider."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from django.urls import reverse

from loket.catalogue.models import EquatedDecree
from loket.lib.calendar import (
    AMSTERDAM,
    add_working_days,
    clear_calendar_cache,
    equated_days,
    is_working_day,
)
from loket.lib.equated_days import DECREES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def forget_rolled_back_decrees() -> Iterator[None]:
    yield
    clear_calendar_cache()  # the test's rows are rolled back without a signal


def test_atw_3_lid_3_the_migration_ships_both_decrees() -> None:
    stored = {
        (d.title, d.first_year, d.last_year, tuple(x.day for x in d.days.all()))
        for d in EquatedDecree.objects.all()
    }
    assert stored == {(d.title, d.first_year, d.last_year, d.days) for d in DECREES}
    assert not is_working_day(date(2026, 5, 15))
    start = datetime(2026, 5, 11, 10, tzinfo=AMSTERDAM)
    assert add_working_days(start, 5) == datetime(2026, 5, 20, 23, 59, 59, 999999, tzinfo=AMSTERDAM)


def test_atw_3_lid_3_an_administrator_adds_the_next_decree(admin_client: Any) -> None:
    assert equated_days(2029)[date(2029, 5, 11)].provisional
    response = admin_client.post(
        reverse("admin:catalogue_equateddecree_add"),
        {
            "title": "Besluit gelijkstelling van 11 mei 2029 met een algemeen erkende feestdag",
            "first_year": 2029,
            "last_year": 2031,
            "days-TOTAL_FORMS": "1",
            "days-INITIAL_FORMS": "0",
            "days-MIN_NUM_FORMS": "0",
            "days-MAX_NUM_FORMS": "1000",
            "days-0-day": "2029-05-11",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    days = equated_days(2029)
    assert list(days) == [date(2029, 5, 11)]
    assert not days[date(2029, 5, 11)].provisional
    assert days[date(2029, 5, 11)].source.startswith("Besluit gelijkstelling van 11 mei 2029")
    assert equated_days(2032)[date(2032, 1, 2)].provisional  # after the new decree: predicted
    assert equated_days(2030) == {}  # covered by the decree, which names no day in 2030
