"""Days equated with a generally recognised holiday by royal decree (Atw art. 3 lid 3).

The government equates days with a holiday for three years at a time, in a decree titled after
the days it names. This is the data Loket ships; a newer decree is added here (or supplied by an
app through ``loket.lib.calendar.register_equated_days_provider``). Years after the last decree
are predicted by ``loket.lib.calendar`` and marked provisional.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Decree:
    """A royal decree under Atw art. 3 lid 3: its title, the years it covers and its days."""

    title: str
    first_year: int
    last_year: int
    days: tuple[date, ...]


DECREES: tuple[Decree, ...] = (
    Decree(
        title=(
            "Besluit gelijkstelling van 28 april 2023, 19 mei 2023, 10 mei 2024, 27 december 2024 "
            "en 30 mei 2025 met een algemeen erkende feestdag"
        ),
        first_year=2023,
        last_year=2025,
        days=(
            date(2023, 4, 28),
            date(2023, 5, 19),
            date(2024, 5, 10),
            date(2024, 12, 27),
            date(2025, 5, 30),
        ),
    ),
    Decree(
        title=(
            "Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 "
            "en 26 mei 2028 met een algemeen erkende feestdag"
        ),
        first_year=2026,
        last_year=2028,
        days=(
            date(2026, 1, 2),
            date(2026, 5, 15),
            date(2027, 5, 7),
            date(2028, 4, 28),
            date(2028, 5, 26),
        ),
    ),
)
