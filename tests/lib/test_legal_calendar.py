"""The legal calendar (Algemene termijnenwet), table-driven over 2025-2027.

Expected dates are written out by hand, never computed with the code under test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from loket.lib.calendar import (
    AMSTERDAM,
    Term,
    TermUnit,
    add_days,
    add_term,
    add_weeks,
    add_working_days,
    easter_sunday,
    equated_days,
    holidays,
    is_working_day,
    next_working_day,
    predicted_equated_days,
    provisional_days_between,
    working_days_between,
)

HOLIDAYS = {
    2025: {
        date(2025, 1, 1): "Nieuwjaarsdag",
        date(2025, 4, 18): "Goede Vrijdag",
        date(2025, 4, 21): "Tweede Paasdag",
        date(2025, 4, 26): "Koningsdag",  # 27 April 2025 is a Sunday
        date(2025, 5, 5): "Bevrijdingsdag",
        date(2025, 5, 29): "Hemelvaartsdag",
        date(2025, 6, 9): "Tweede Pinksterdag",
        date(2025, 12, 25): "Eerste Kerstdag",
        date(2025, 12, 26): "Tweede Kerstdag",
    },
    2026: {
        date(2026, 1, 1): "Nieuwjaarsdag",
        date(2026, 4, 3): "Goede Vrijdag",
        date(2026, 4, 6): "Tweede Paasdag",
        date(2026, 4, 27): "Koningsdag",
        date(2026, 5, 5): "Bevrijdingsdag",
        date(2026, 5, 14): "Hemelvaartsdag",
        date(2026, 5, 25): "Tweede Pinksterdag",
        date(2026, 12, 25): "Eerste Kerstdag",
        date(2026, 12, 26): "Tweede Kerstdag",
    },
    2027: {
        date(2027, 1, 1): "Nieuwjaarsdag",
        date(2027, 3, 26): "Goede Vrijdag",
        date(2027, 3, 29): "Tweede Paasdag",
        date(2027, 4, 27): "Koningsdag",
        date(2027, 5, 5): "Bevrijdingsdag",
        date(2027, 5, 6): "Hemelvaartsdag",
        date(2027, 5, 17): "Tweede Pinksterdag",
        date(2027, 12, 25): "Eerste Kerstdag",
        date(2027, 12, 26): "Tweede Kerstdag",
    },
}


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def end(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, 59, 999999, tzinfo=AMSTERDAM)


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_holidays_of_the_year(year: int) -> None:
    assert holidays(year) == HOLIDAYS[year]


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2024, date(2024, 3, 31)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_easter(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


@pytest.mark.parametrize("day", [d for year in HOLIDAYS.values() for d in year if d.weekday() < 5])
def test_no_holiday_on_a_weekday_is_a_working_day(day: date) -> None:
    assert not is_working_day(day)


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_fifth_of_may_every_year_and_good_friday(year: int) -> None:
    assert date(year, 5, 5) in holidays(year)
    assert easter_sunday(year) - timedelta(days=2) in holidays(year)


def test_weekends_and_ordinary_days() -> None:
    assert not is_working_day(date(2026, 11, 21))  # Saturday
    assert not is_working_day(date(2026, 11, 22))  # Sunday
    assert is_working_day(date(2026, 11, 23))
    assert next_working_day(date(2026, 11, 21)) == date(2026, 11, 23)
    assert next_working_day(date(2026, 11, 23)) == date(2026, 11, 23)
    # Carnival, 31 December and Liberation Day's neighbours are ordinary working days.
    assert is_working_day(date(2026, 12, 31))
    assert is_working_day(date(2026, 5, 4))


@pytest.mark.parametrize(
    ("start", "amount", "expected", "why"),
    [
        (at(2026, 11, 23), 5, end(2026, 11, 30), "Mon + 5wd = next Mon"),
        (at(2026, 11, 27), 1, end(2026, 11, 30), "Fri + 1wd skips the weekend"),
        (at(2026, 11, 21), 1, end(2026, 11, 23), "counted from the day after a Saturday"),
        (at(2026, 4, 22), 3, end(2026, 4, 28), "Wed + 3wd skips King's Day (Mon 27 Apr)"),
        (at(2025, 4, 24), 1, end(2025, 4, 25), "2025: King's Day is Sat 26 Apr"),
        (at(2026, 5, 1), 2, end(2026, 5, 6), "Fri + 2wd: Mon 4, then Tue 5 May skipped"),
        (
            at(2027, 5, 3),
            2,
            end(2027, 5, 10),
            "5 May, Ascension 6 May and 7 May 2027 (equated, Atw art. 3 lid 3) skipped",
        ),
        (at(2026, 4, 2), 1, end(2026, 4, 7), "Good Friday and Easter Monday skipped"),
        (at(2025, 4, 17), 2, end(2025, 4, 23), "Good Friday 2025, Easter Monday 2025"),
        (at(2026, 5, 22), 1, end(2026, 5, 26), "Whit Monday skipped"),
        (at(2026, 12, 24), 1, end(2026, 12, 28), "Christmas and the weekend skipped"),
        (at(2026, 12, 31), 1, end(2027, 1, 4), "New Year's Day and weekend skipped"),
        (at(2026, 11, 23), 0, end(2026, 11, 23), "zero: end of the same working day"),
        (at(2026, 12, 25), 0, end(2026, 12, 28), "zero on a holiday: next working day"),
    ],
)
def test_add_working_days(start: datetime, amount: int, expected: datetime, why: str) -> None:
    assert add_working_days(start, amount) == expected, why


@pytest.mark.parametrize(
    ("start", "weeks", "expected", "why"),
    [
        (at(2026, 11, 23), 6, end(2027, 1, 4), "6 weeks from a Monday: a Monday"),
        (at(2026, 3, 16), 6, end(2026, 4, 28), "lands on King's Day 27 Apr -> 28 Apr (art. 1)"),
        (at(2026, 3, 24), 6, end(2026, 5, 6), "lands on 5 May -> 6 May (art. 1)"),
        (at(2026, 2, 20), 6, end(2026, 4, 7), "lands on Good Friday 3 Apr -> Tue 7 Apr"),
        (at(2026, 11, 14), 2, end(2026, 11, 30), "lands on Saturday -> Monday"),
        (at(2026, 11, 13, 8), 8, end(2027, 1, 8), "ordinary Friday"),
    ],
)
def test_add_weeks(start: datetime, weeks: int, expected: datetime, why: str) -> None:
    assert add_weeks(start, weeks) == expected, why


def test_article_two_needs_two_working_days_in_a_term() -> None:
    # 3 days from Wed 23 Dec 2026: ends Sat 26 Dec -> art. 1: Mon 28 Dec. Working days in
    # (23 Dec, 28 Dec]: Thu 24, Mon 28 = 2, enough.
    assert add_days(at(2026, 12, 23), 3) == end(2026, 12, 28)
    # 3 days from Thu 24 Dec 2026: ends Sun 27 -> Mon 28; only one working day (Mon 28) in the
    # term, so art. 2 extends it to Tue 29 Dec.
    assert add_days(at(2026, 12, 24), 3) == end(2026, 12, 29)
    # Below three days art. 2 does not apply.
    assert add_days(at(2026, 12, 24), 2) == end(2026, 12, 28)


def test_deadlines_across_daylight_saving_switches() -> None:
    # Summer time starts Sun 29 March 2026: from +01:00 to +02:00.
    before = datetime(2026, 3, 26, 9, tzinfo=AMSTERDAM)
    due = add_working_days(before, 3)
    assert due == end(2026, 3, 31)
    assert due.utcoffset() == timedelta(hours=2)
    assert due.astimezone(UTC) == datetime(2026, 3, 31, 21, 59, 59, 999999, tzinfo=UTC)
    # Winter time starts Sun 25 October 2026: from +02:00 to +01:00.
    due = add_weeks(datetime(2026, 10, 20, 9, tzinfo=AMSTERDAM), 1)
    assert due == end(2026, 10, 27)
    assert due.utcoffset() == timedelta(hours=1)


def test_a_utc_moment_counts_from_its_amsterdam_date() -> None:
    # 22:30 UTC on Mon 1 June is already Tue 2 June 00:30 in Amsterdam.
    late = datetime(2026, 6, 1, 22, 30, tzinfo=UTC)
    assert add_working_days(late, 1) == end(2026, 6, 3)
    assert add_working_days(datetime(2026, 6, 1, 21, 30, tzinfo=UTC), 1) == end(2026, 6, 2)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        add_working_days(datetime(2026, 6, 1, 10), 1)


def test_negative_amount_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(at(2026, 6, 1), -1)


def test_add_term_dispatches_on_unit() -> None:
    start = at(2026, 11, 23)
    assert add_term(start, Term(5, TermUnit.WORKING_DAYS)) == end(2026, 11, 30)
    assert add_term(start, Term.parse("2w")) == end(2026, 12, 7)
    assert add_term(start, Term.parse("10d")) == end(2026, 12, 3)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("5wd", Term(5, TermUnit.WORKING_DAYS)),
        (" 6w ", Term(6, TermUnit.WEEKS)),
        ("10d", Term(10, TermUnit.DAYS)),
    ],
)
def test_term_parse(text: str, term: Term) -> None:
    assert Term.parse(text) == term
    assert Term.parse(str(term)) == term


@pytest.mark.parametrize("text", ["", "5", "5x", "-1w", "0wd", "wd", "five weeks"])
def test_term_parse_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="term"):
        Term.parse(text)


@pytest.mark.parametrize(
    ("term", "nl", "en"),
    [
        ("5wd", "5 werkdagen", "5 working days"),
        ("1wd", "1 werkdag", "1 working day"),
        ("6w", "6 weken", "6 weeks"),
        ("1w", "1 week", "1 week"),
        ("10d", "10 dagen", "10 days"),
        ("1d", "1 dag", "1 day"),
    ],
)
def test_term_in_words(term: str, nl: str, en: str) -> None:
    assert Term.parse(term).describe("nl") == nl
    assert Term.parse(term).describe("en") == en


@pytest.mark.parametrize(
    ("start", "stop", "count"),
    [
        (date(2026, 11, 23), date(2026, 11, 30), 5),
        (
            date(2026, 12, 23),
            date(2027, 1, 4),
            6,
        ),  # 24, 28-31 Dec and 4 Jan; 25/26 Dec, 1 Jan are holidays
        (date(2026, 4, 24), date(2026, 5, 6), 6),  # skips 27 Apr and 5 May
        (date(2026, 11, 30), date(2026, 11, 23), 0),
    ],
)
def test_working_days_between(start: date, stop: date, count: int) -> None:
    assert working_days_between(start, stop) == count


DECREED = {  # Atw art. 3 lid 3: the two decrees, copied from their titles
    2023: [date(2023, 4, 28), date(2023, 5, 19)],
    2024: [date(2024, 5, 10), date(2024, 12, 27)],
    2025: [date(2025, 5, 30)],
    2026: [date(2026, 1, 2), date(2026, 5, 15)],
    2027: [date(2027, 5, 7)],
    2028: [date(2028, 4, 28), date(2028, 5, 26)],
}


@pytest.mark.parametrize("year", sorted(DECREED))
def test_atw_3_lid_3_decreed_days_are_not_working_days(year: int) -> None:
    days = equated_days(year)
    assert sorted(days) == DECREED[year]
    for day, equated in days.items():
        assert not equated.provisional
        assert equated.source.startswith("Besluit gelijkstelling van ")
        assert day.strftime("%-d") in equated.source
        assert not is_working_day(day)


@pytest.mark.parametrize("year", sorted(DECREED))
def test_atw_3_lid_3_the_prediction_reproduces_the_decrees(year: int) -> None:
    assert predicted_equated_days(year) == DECREED[year]


@pytest.mark.parametrize(
    ("year", "expected", "why"),
    [
        # Ascension 10 May; 1 Jan Monday, 27 Apr Friday, 26 Dec Wednesday: no other bridge.
        (2029, [date(2029, 5, 11)], "Friday after Ascension Day only"),
        # Ascension 30 May; 26 Dec 2030 is a Thursday.
        (2030, [date(2030, 5, 31), date(2030, 12, 27)], "Ascension and Boxing Day bridges"),
        # Ascension 25 May; 1 Jan 2032 is a Thursday; 5 May 2033 is one too and is not bridged.
        (2032, [date(2032, 1, 2), date(2032, 5, 7)], "New Year's Day bridge"),
        (2033, [date(2033, 5, 27)], "a Thursday 5 May is not bridged (as in 2022)"),
    ],
)
def test_atw_3_lid_3_years_without_a_decree_are_predicted_and_provisional(
    year: int, expected: list[date], why: str
) -> None:
    days = equated_days(year)
    assert sorted(days) == expected, why
    assert all(equated.provisional and "Voorlopig" in equated.source for equated in days.values())
    assert all(not is_working_day(day) for day in expected)


def test_atw_3_lid_3_no_days_are_invented_before_the_first_decree() -> None:
    assert equated_days(2022) == {}
    assert is_working_day(date(2022, 5, 27))  # that decree is not shipped


@pytest.mark.parametrize(
    ("start", "amount", "expected", "why"),
    [
        (at(2026, 4, 24), 5, end(2026, 5, 4), "Atw art. 3 lid 1: King's Day 27 April skipped"),
        (
            at(2026, 5, 11),
            5,
            end(2026, 5, 20),
            "Atw art. 3 lid 3: 12, 13, (14 Ascension, 15 May equated), 18, 19, 20 May",
        ),
        (
            at(2025, 12, 31),
            1,
            end(2026, 1, 5),
            "Atw art. 3 lid 3: 1 January holiday, 2 January 2026 equated",
        ),
    ],
)
def test_atw_3_working_day_terms_across_equated_days(
    start: datetime, amount: int, expected: datetime, why: str
) -> None:
    assert add_working_days(start, amount) == expected, why


def test_atw_1_a_calendar_term_ending_on_an_equated_day_moves_to_monday() -> None:
    # 1 week from Friday 8 May 2026 ends Friday 15 May, equated: Monday 18 May (Atw art. 1).
    assert add_weeks(at(2026, 5, 8), 1) == end(2026, 5, 18)


def test_atw_3_lid_3_provisional_days_a_term_crosses() -> None:
    assert provisional_days_between(date(2028, 12, 1), date(2029, 6, 1)) != []
    assert [e.day for e in provisional_days_between(date(2028, 12, 1), date(2029, 6, 1))] == [
        date(2029, 5, 11)
    ]
    assert provisional_days_between(date(2026, 5, 1), date(2026, 6, 1)) == []
