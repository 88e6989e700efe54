"""The legal calendar: working days and terms under the Algemene termijnenwet (Atw).

Sources:
- Atw art. 3 lid 1: the generally recognised holidays ("algemeen erkende feestdagen") are New
  Year's Day, Easter Monday, Ascension Day, Whit Monday, Christmas Day and Boxing Day, the day on
  which the King's birthday is celebrated, and 5 May (every year — unlike the ``holidays``
  package's Dutch calendar, which only has it every fifth year).
- Atw art. 3 lid 2: Good Friday is equated with a generally recognised holiday by the Act itself.
- Atw art. 3 lid 3: other days can be equated with those holidays by royal decree; the decrees
  (three years at a time, ``loket.lib.equated_days``) equate bridge days. For years no decree
  covers yet, the days are predicted by the recent decrees' pattern and marked provisional.
- King's Day is 27 April, or 26 April when the 27th falls on a Sunday (Besluit viering
  Koningsdag).
- Atw art. 1 lid 1: a term set by law that ends on a Saturday, Sunday or holiday is extended to
  the next day that is none of those.
- Atw art. 2: a term of at least three days that has started is extended where needed so that it
  includes at least two days that are not a Saturday, Sunday or holiday.
- A term starts on the day after the event that triggers it (cf. Awb art. 6:8).

Moments are in Europe/Amsterdam: a term ends at the end of its last local day, whatever the UTC
offset on that day (both sides of a daylight-saving switch are handled by zoneinfo).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from loket.lib.equated_days import DECREES, Decree

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_END_OF_DAY = time(23, 59, 59, 999999)


class TermUnit(StrEnum):
    WORKING_DAYS = "wd"
    WEEKS = "w"
    DAYS = "d"


MAX_TERM_AMOUNT = 520  # ten years in weeks; no Dutch decision term comes near it
_TERM = re.compile(r"^\s*(\d+)\s*(wd|w|d)\s*$")
_WORDS = {
    "nl": {
        TermUnit.WORKING_DAYS: ("werkdag", "werkdagen"),
        TermUnit.WEEKS: ("week", "weken"),
        TermUnit.DAYS: ("dag", "dagen"),
    },
    "en": {
        TermUnit.WORKING_DAYS: ("working day", "working days"),
        TermUnit.WEEKS: ("week", "weeks"),
        TermUnit.DAYS: ("day", "days"),
    },
}


@dataclass(frozen=True)
class Term:
    """A service norm or legal term: ``5wd`` (working days), ``6w`` (weeks), ``10d`` (days)."""

    amount: int
    unit: TermUnit

    @classmethod
    def parse(cls, text: str) -> Term:
        match = _TERM.match(text or "")
        if not match:
            raise ValueError(
                f"“{text}” is not a term; write a number and a unit: 5wd (working days), "
                "6w (weeks) or 10d (days)"
            )
        amount = int(match.group(1))
        if amount < 1:
            raise ValueError(f"“{text}”: a term is at least 1")
        if amount > MAX_TERM_AMOUNT:
            raise ValueError(f"“{text}”: a term is at most {MAX_TERM_AMOUNT} of its unit")
        return cls(amount, TermUnit(match.group(2)))

    def __str__(self) -> str:
        return f"{self.amount}{self.unit.value}"

    def describe(self, language: str = "nl") -> str:
        singular, plural = _WORDS.get(language, _WORDS["nl"])[self.unit]
        return f"{self.amount} {singular if self.amount == 1 else plural}"


def easter_sunday(year: int) -> date:
    """Gregorian Easter (anonymous algorithm of Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def holidays(year: int) -> dict[date, str]:
    """The Atw art. 3 lid 1 holidays of ``year`` plus Good Friday (lid 2), with Dutch names.

    Days equated by royal decree (lid 3) are in ``equated_days``; ``is_working_day`` counts both.
    """
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    days = {
        date(year, 1, 1): "Nieuwjaarsdag",
        easter - timedelta(days=2): "Goede Vrijdag",
        easter + timedelta(days=1): "Tweede Paasdag",
        kings_day: "Koningsdag",
        date(year, 5, 5): "Bevrijdingsdag",
        easter + timedelta(days=39): "Hemelvaartsdag",
        easter + timedelta(days=50): "Tweede Pinksterdag",
        date(year, 12, 25): "Eerste Kerstdag",
        date(year, 12, 26): "Tweede Kerstdag",
    }
    return dict(sorted(days.items()))


@dataclass(frozen=True)
class EquatedDay:
    """A day equated with a holiday (Atw art. 3 lid 3): by a decree, or predicted (provisional)."""

    day: date
    source: str
    provisional: bool = False


PREDICTED = (
    "Voorlopig: voorspeld naar het patroon van de recente besluiten gelijkstelling "
    "(Atw art. 3 lid 3); nog geen besluit"
)

_provider: Callable[[], Iterable[Decree]] = lambda: DECREES  # noqa: E731


def register_equated_days_provider(provider: Callable[[], Iterable[Decree]]) -> None:
    """Let an app supply the decrees (for instance from a table administrators keep)."""
    global _provider
    _provider = provider
    clear_calendar_cache()


def clear_calendar_cache() -> None:
    """Forget computed days, after the decrees changed."""
    _equated_days.cache_clear()


def predicted_equated_days(year: int) -> list[date]:
    """The pattern of the decrees of 2020-2028: the Friday after Ascension Day, and the Friday
    after New Year's Day, King's Day or Boxing Day when that holiday falls on a Thursday. 5 May
    on a Thursday was not bridged (2022), nor is Christmas Day (Boxing Day follows it)."""
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    days = [easter + timedelta(days=40)]  # the Friday after Ascension Day
    for holiday in (date(year, 1, 1), kings_day, date(year, 12, 26)):
        if holiday.weekday() == 3:
            days.append(holiday + timedelta(days=1))
    return sorted(days)


@lru_cache(maxsize=64)
def _equated_days(year: int) -> tuple[EquatedDay, ...]:
    decrees = list(_provider())
    for decree in decrees:
        if decree.first_year <= year <= decree.last_year:
            return tuple(
                EquatedDay(day, decree.title) for day in sorted(decree.days) if day.year == year
            )
    if decrees and year > max(decree.last_year for decree in decrees):
        return tuple(EquatedDay(day, PREDICTED, True) for day in predicted_equated_days(year))
    return ()  # before the first decree Loket knows: none


def equated_days(year: int) -> dict[date, EquatedDay]:
    """The days of ``year`` equated with a holiday (Atw art. 3 lid 3), by date."""
    return {equated.day: equated for equated in _equated_days(year)}


def provisional_days_between(start: date, end: date) -> list[EquatedDay]:
    """The predicted (provisional) equated days ``d`` with ``start < d <= end``."""
    found = []
    for year in range(start.year, end.year + 1):
        found += [e for e in _equated_days(year) if e.provisional and start < e.day <= end]
    return found


def is_working_day(day: date) -> bool:
    """Not a Saturday, Sunday, holiday (Atw art. 3 lid 1 and 2) or equated day (lid 3)."""
    return day.weekday() < 5 and day not in holidays(day.year) and day not in equated_days(day.year)


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def local_date(moment: date | datetime) -> date:
    """The Amsterdam calendar date of ``moment``; naive datetimes are refused."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("a naive datetime has no place in time; give it a time zone")
        return moment.astimezone(AMSTERDAM).date()
    return moment


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, _END_OF_DAY, tzinfo=AMSTERDAM)


def add_working_days(start: date | datetime, amount: int) -> datetime:
    """End of the ``amount``-th working day after ``start``'s local date.

    0 means the end of ``start``'s day when it is a working day, else of the next working day.
    """
    if amount < 0:
        raise ValueError("amount must be 0 or more")
    day = local_date(start)
    if amount == 0:
        return end_of_day(next_working_day(day))
    counted = 0
    while counted < amount:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return end_of_day(day)


def atw_end(start: date, end: date, *, days: int) -> date:
    """The last day of a term that runs from the day after ``start`` to ``end``, with the
    Algemene termijnenwet applied.

    Atw art. 1 lid 1: a term ending on a Saturday, Sunday or holiday runs to the next day that is
    none of those. Atw art. 2: a term of at least three days is extended where needed so that it
    contains at least two days that are not a Saturday, Sunday or holiday; ``days`` is the term's
    length as the law sets it (a one-day term is not lengthened by art. 2).
    """
    end = next_working_day(end)  # Atw art. 1
    if days >= 3:  # Atw art. 2
        while working_days_between(start, end) < 2:
            end = next_working_day(end + timedelta(days=1))
    return end


def _calendar_term(start: date | datetime, days: int) -> datetime:
    """A term of ``days`` calendar days after ``start``, with Atw art. 1 and art. 2 applied."""
    if days < 0:
        raise ValueError("amount must be 0 or more")
    first = local_date(start)
    return end_of_day(atw_end(first, first + timedelta(days=days), days=days))


def add_weeks(start: date | datetime, amount: int) -> datetime:
    """Same weekday ``amount`` weeks after ``start``, end of day; Atw art. 1 and 2 applied."""
    return _calendar_term(start, 7 * amount)


def add_days(start: date | datetime, amount: int) -> datetime:
    """``amount`` calendar days after ``start``, end of day; Atw art. 1 and 2 applied."""
    return _calendar_term(start, amount)


def add_term(start: date | datetime, term: Term) -> datetime:
    if term.unit is TermUnit.WORKING_DAYS:
        return add_working_days(start, term.amount)
    if term.unit is TermUnit.WEEKS:
        return add_weeks(start, term.amount)
    return add_days(start, term.amount)


def working_days_between(start: date, end: date) -> int:
    """The number of working days ``d`` with ``start < d <= end`` (0 when end <= start)."""
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        if is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return count
