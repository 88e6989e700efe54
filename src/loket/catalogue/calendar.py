"""The decrees of Atw art. 3 lid 3 as administrators keep them, supplied to the legal calendar."""

from __future__ import annotations

from typing import Any

from loket.lib.equated_days import Decree


def decrees_from_the_database() -> list[Decree]:
    from loket.catalogue.models import EquatedDecree

    return [
        Decree(
            title=decree.title,
            first_year=decree.first_year,
            last_year=decree.last_year,
            days=tuple(day.day for day in decree.days.all()),
        )
        for decree in EquatedDecree.objects.prefetch_related("days")
    ]


def decrees_changed(**kwargs: Any) -> None:
    from loket.lib.calendar import clear_calendar_cache

    clear_calendar_cache()
