"""Deadlines on the legal calendar: service norm, suspension (Awb 4:15) across holidays,
one extension (Awb 4:14). Time is frozen; expected dates are worked out by hand."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import time_machine

from loket.cases.errors import (
    AlreadyExtended,
    ExtensionNotAllowed,
    InvalidInput,
    NotSuspended,
    SuspensionNotAllowed,
)
from loket.cases.models import DueState
from loket.cases.services import case_extend, case_resume, case_suspend
from loket.lib.calendar import AMSTERDAM
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def at(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=AMSTERDAM)


def end(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 23, 59, 59, 999999, tzinfo=AMSTERDAM)


def test_working_day_norm_skips_kings_day(catalogue: None, municipality_a: Any) -> None:
    # Verhuizing: 5 working days. From Wed 22 Apr: 23, 24, (27 King's Day), 28, 29, 30 Apr.
    with time_machine.travel(at(4, 22), tick=False):
        case = make_case(municipality=municipality_a, product_slug="verhuizing")
    assert case.due_at == end(4, 30)


def test_suspension_across_holidays_moves_the_deadline(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    with time_machine.travel(at(4, 22), tick=False):
        case = make_case(municipality=municipality_a, product_slug="verhuizing")
    with time_machine.travel(at(4, 23), tick=False):
        case = case_suspend(case=case, reason="Toestemming hoofdbewoner ontbreekt", actor=staff_a)
    assert case.due_state() == DueState.SUSPENDED
    # The clock stood still on Fri 24 Apr and Tue 28 Apr (27 Apr is King's Day, 25/26 weekend):
    # 2 working days, so 30 Apr becomes Mon 4 May.
    with time_machine.travel(at(4, 29), tick=False):
        case = case_resume(case=case, actor=staff_a)
    assert case.due_at == end(5, 4)
    assert case.suspended_at is None
    event = case.events.get(kind="resumed")
    assert (event.due_before, event.due_after) == (end(4, 30), end(5, 4))


def test_suspension_of_a_week_term_on_the_legal_calendar(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    # Omgevingsvergunning: 8 weeks from Mon 2 Mar ends Mon 27 Apr = King's Day -> Tue 28 Apr.
    with time_machine.travel(at(3, 2), tick=False):
        case = make_case(municipality=municipality_a, product_slug="omgevingsvergunning")
    assert case.due_at == end(4, 28)
    with time_machine.travel(at(3, 10), tick=False):
        case = case_suspend(case=case, reason="Bouwtekening ontbreekt", actor=staff_a)
    with time_machine.travel(at(3, 20), tick=False):
        case = case_resume(case=case, actor=staff_a)
    # Suspended 11..19 March = 9 days; 27 April + 9 days = Wed 6 May (a working day). Atw art. 1
    # is applied once, to the new end, not first to 27 April and then again.
    assert case.due_at == end(5, 6)


def test_two_suspensions_add_up(catalogue: None, municipality_a: Any, staff_a: Any) -> None:
    with time_machine.travel(at(11, 2), tick=False):  # Monday
        case = make_case(municipality=municipality_a, product_slug="verhuizing")
    assert case.due_at == end(11, 9)
    for suspend_day, resume_day in ((3, 6), (9, 11)):  # 2 + 1 working days paused
        with time_machine.travel(at(11, suspend_day), tick=False):
            case = case_suspend(case=case, reason="Aanvulling nodig", actor=staff_a)
        with time_machine.travel(at(11, resume_day), tick=False):
            case = case_resume(case=case, actor=staff_a)
    assert case.due_at == end(11, 12)


def test_same_day_suspension_costs_no_time(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    with time_machine.travel(at(11, 2), tick=False):
        case = make_case(municipality=municipality_a, product_slug="verhuizing")
    with time_machine.travel(at(11, 3, 9), tick=False):
        case = case_suspend(case=case, reason="Even navragen", actor=staff_a)
    with time_machine.travel(at(11, 3, 15), tick=False):
        case = case_resume(case=case, actor=staff_a)
    assert case.due_at == end(11, 9)


def test_one_extension_by_the_products_term(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    # Woz-bezwaar: 6 weeks + 6 weeks extension. From Mon 2 Nov: 14 Dec; extended: 25 Jan 2027.
    with time_machine.travel(at(11, 2), tick=False):
        case = make_case(municipality=municipality_a, product_slug="woz-bezwaar")
    assert case.due_at == end(12, 14)
    with time_machine.travel(at(12, 1), tick=False):
        case = case_extend(case=case, reason="Taxateur moet de woning bezoeken", actor=staff_a)
        assert case.due_state() == DueState.ON_TRACK
    assert case.due_at == end(1, 25, year=2027)
    with time_machine.travel(at(12, 2), tick=False), pytest.raises(AlreadyExtended):
        case_extend(case=case, reason="Nog meer tijd", actor=staff_a)
    case.refresh_from_db()
    assert case.due_at == end(1, 25, year=2027)


def test_extension_must_come_before_the_term_ends(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    with time_machine.travel(at(11, 2), tick=False):
        case = make_case(municipality=municipality_a, product_slug="woz-bezwaar")
    with time_machine.travel(at(12, 15), tick=False), pytest.raises(ExtensionNotAllowed):
        case_extend(case=case, reason="Te laat", actor=staff_a)


def test_products_without_extension_or_suspension_are_refused(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    passport = make_case(municipality=municipality_a, product_slug="paspoort")
    with pytest.raises(SuspensionNotAllowed):
        case_suspend(case=passport, reason="x", actor=staff_a)
    with pytest.raises(ExtensionNotAllowed):
        case_extend(case=passport, reason="x", actor=staff_a)
    with pytest.raises(NotSuspended):
        case_resume(case=passport, actor=staff_a)
    permit = make_case(municipality=municipality_a, product_slug="omgevingsvergunning")
    with pytest.raises(InvalidInput):
        case_suspend(case=permit, reason="   ", actor=staff_a)
    passport.refresh_from_db()
    permit.refresh_from_db()
    assert passport.version == 1 and permit.version == 1


def test_due_states_follow_the_stored_moments(catalogue: None, municipality_a: Any) -> None:
    with time_machine.travel(at(11, 2), tick=False):
        case = make_case(municipality=municipality_a, product_slug="verhuizing")
    assert case.due_state(at(11, 3)) == DueState.ON_TRACK
    assert case.due_state(at(11, 9, 9)) == DueState.AT_RISK
    # Past the 5-working-day service norm, but the statutory term (Awb 4:13 lid 2: eight weeks,
    # to Mon 28 December) still runs: the promise was missed, the law's term was not.
    assert case.due_state(at(11, 10)) == DueState.NORM_EXCEEDED
    assert case.legal_due_at == end(12, 28)
    assert case.due_state(at(12, 28, 23)) == DueState.NORM_EXCEEDED
    assert case.due_state(at(12, 29)) == DueState.OVERDUE


@pytest.mark.parametrize(
    ("respond_before", "refused"),
    [((5, 12), True), ((5, 13), False), ((5, 14), False)],  # yesterday, today, tomorrow
)
def test_awb_4_5_a_response_date_in_the_past_is_refused(
    catalogue: None,
    municipality_a: Any,
    staff_a: Any,
    respond_before: tuple[int, int],
    refused: bool,
) -> None:
    day = date(2026, *respond_before)
    with time_machine.travel(at(5, 13), tick=False):
        case = make_case(municipality=municipality_a, product_slug="omgevingsvergunning")
        if refused:
            with pytest.raises(InvalidInput) as error:
                case_suspend(case=case, reason="Tekening", actor=staff_a, respond_before=day)
            assert error.value.field == "respond_before"
            assert str(error.value.message) == (
                "De reactiedatum 12 mei 2026 is al voorbij; kies vandaag of een latere dag."
            )
            case.refresh_from_db()
            assert case.suspended_at is None and case.awaiting_until is None
            assert not case.events.filter(kind="suspended").exists()
        else:
            case = case_suspend(case=case, reason="Tekening", actor=staff_a, respond_before=day)
            assert case.awaiting_until == day
