"""Legal terms as the law counts them, from worked examples.

Each test names its article. Every expected date was worked out by hand on a paper calendar of
2026/2027 (holidays: Good Friday 3 April, Easter Monday 6 April, King's Day 27 April, 5 May,
Ascension 14 May, Whit Monday 25 May, Christmas 25-26 December; equated by decree: 2 January
and 15 May 2026, 7 May 2027), never with the code under test.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from loket.accounts.models import Role
from loket.cases.errors import (
    AlreadyExtended,
    CaseRefused,
    ExtensionNotAllowed,
    InvalidInput,
    SuspensionNotAllowed,
)
from loket.cases.models import CaseEvent, DueState
from loket.cases.penalty import penalty_statement
from loket.cases.services import (
    case_correct_dates,
    case_end_expired_suspensions,
    case_extend,
    case_penalty,
    case_register_default_notice,
    case_resume,
    case_suspend,
)
from loket.cases.terms import Pause, objection_period_end, term_end
from loket.catalogue.models import Product
from loket.catalogue.terms import ExtensionBasis, LegalBasis, SuspensionBasis, statutory_term
from loket.lib.calendar import AMSTERDAM, Term
from loket.notifications.models import StaffNotification
from tests.factories import StaffFactory, make_case

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=AMSTERDAM)


def end(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, 59, 999999, tzinfo=AMSTERDAM)


# --- the arithmetic, table-driven -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "start", "term", "pauses", "expected"),
    [
        # Atw art. 3 lid 1 and 3: King's Day, 5 May; Friday 24 April + 5 working days.
        ("atw_3_five_working_days_from_24_april", date(2026, 4, 24), "5wd", [], date(2026, 5, 4)),
        # Awb 4:13 lid 2: eight weeks from Wednesday 23 December 2026.
        ("awb_4_13_eight_weeks_from_23_december", date(2026, 12, 23), "8w", [], date(2027, 2, 17)),
        # Atw art. 3 lid 3: 15 May 2026 is equated; Mon 11 May + 5 wd: 12, 13, (14, 15), 18, 19, 20.
        (
            "atw_3_lid_3_five_working_days_across_15_may",
            date(2026, 5, 11),
            "5wd",
            [],
            date(2026, 5, 20),
        ),
        # Awb 4:15 lid 1 a: received Mon 9 March, invited Tue 10, supplemented Fri 13 March:
        # 11 and 12 March stood still; 10 working days end Mon 23 March + 2 = Wed 25 March.
        (
            "awb_4_15_ten_working_days_suspended_11_and_12_march",
            date(2026, 3, 9),
            "10wd",
            [Pause(date(2026, 3, 11), date(2026, 3, 12))],
            date(2026, 3, 25),
        ),
        # Atw art. 2 with a suspension: 3 days from Thu 24 December, 25 December suspended: the end
        # 28 December holds one working day only, so it runs to Tuesday 29 December.
        (
            "atw_2_holds_with_a_suspension",
            date(2026, 12, 24),
            "3d",
            [Pause(date(2026, 12, 25), date(2026, 12, 25))],
            date(2026, 12, 29),
        ),
        # Awb 4:15: a suspension that began before the end counts whole: 10 wd from Mon 9 March
        # end Mon 23 March; suspended Fri 20 - Fri 27 March (6 working days): Tue 31 March.
        (
            "awb_4_15_a_suspension_across_the_end_counts_whole",
            date(2026, 3, 9),
            "10wd",
            [Pause(date(2026, 3, 20), date(2026, 3, 27))],
            date(2026, 3, 31),
        ),
        # Awb 4:15: a suspension that began after the term ended does not revive it.
        (
            "awb_4_15_a_suspension_after_the_end_moves_nothing",
            date(2026, 3, 9),
            "10wd",
            [Pause(date(2026, 3, 31), date(2026, 4, 2))],
            date(2026, 3, 23),
        ),
        # Atw art. 1 with a suspension in a week term: Mon 2 March + 8 weeks = Mon 27 April, plus
        # 9 suspended days = Wed 6 May (art. 1 once, at the end).
        (
            "atw_1_once_at_the_end_of_a_suspended_week_term",
            date(2026, 3, 2),
            "8w",
            [Pause(date(2026, 3, 11), date(2026, 3, 19))],
            date(2026, 5, 6),
        ),
    ],
)
def test_term_end_worked_examples(
    name: str, start: date, term: str, pauses: list[Pause], expected: date
) -> None:
    assert term_end(start, Term.parse(term), pauses) == end(
        expected.year, expected.month, expected.day
    ), name


def test_atw_4_no_extension_for_terms_over_twelve_weeks() -> None:
    # 13 weeks from Sat 3 January 2026 ends Sat 4 April 2026 (Easter Saturday): Atw art. 4
    # excludes terms of more than twelve weeks, so it stays on the Saturday.
    assert term_end(date(2026, 1, 3), Term.parse("13w"), atw=False) == end(2026, 4, 4)
    long = statutory_term(
        basis=LegalBasis.APPLICATION,
        committee=False,
        penalty_applies=True,
        allows_extension=False,
        legal_term="13w",
        legal_source="Testwet art. 1",
    )
    assert long is not None and not long.atw_applies
    objection_committee = statutory_term(
        basis=LegalBasis.OBJECTION, committee=True, penalty_applies=True, allows_extension=True
    )
    assert objection_committee is not None
    assert str(objection_committee.term) == "12w" and objection_committee.atw_applies


def test_awb_6_7_and_6_8_objection_period_ends_six_weeks_after_sending() -> None:
    # Sent Monday 2 March 2026: the period runs from 3 March and ends Monday 13 April.
    assert objection_period_end(date(2026, 3, 2)) == date(2026, 4, 13)


def test_which_term_applies_by_legal_basis() -> None:
    application = statutory_term(
        basis=LegalBasis.APPLICATION, committee=False, penalty_applies=True, allows_extension=True
    )
    assert application is not None
    assert (str(application.term), application.source) == ("8w", "Awb art. 4:13 lid 2")
    assert application.extension is not None
    assert application.extension.basis == ExtensionBasis.REASONABLE_TERM  # 4:14 lid 3
    special = statutory_term(
        basis=LegalBasis.APPLICATION,
        committee=False,
        penalty_applies=True,
        allows_extension=True,
        legal_term="4w",
        legal_source="Woo art. 4.4 lid 1",
    )
    assert special is not None and special.extension is not None
    assert special.extension.basis == ExtensionBasis.NOTICE  # 4:14 lid 1: the term stays
    assert not special.extension.moves_statutory
    complaint = statutory_term(
        basis=LegalBasis.COMPLAINT, committee=True, penalty_applies=True, allows_extension=True
    )
    assert complaint is not None
    assert str(complaint.term) == "10w" and not complaint.penalty_applies
    assert (
        statutory_term(
            basis=LegalBasis.NONE, committee=False, penalty_applies=False, allows_extension=False
        )
        is None
    )
    assert SuspensionBasis.REPAIR in SuspensionBasis.for_basis(LegalBasis.OBJECTION)
    assert SuspensionBasis.CONSENT not in SuspensionBasis.for_basis(LegalBasis.OBJECTION)


# --- cases: two terms, receipt ------------------------------------------------------------


def test_awb_4_13_two_terms_per_case(catalogue: None, municipality_a: Any) -> None:
    # Evenementenvergunning: no special law, so eight weeks (4:13 lid 2); service norm 8 weeks.
    with time_machine.travel(at(2026, 12, 23), tick=False):
        case = make_case(municipality=municipality_a, product_slug="evenementenvergunning")
    assert case.legal_due_at == end(2027, 2, 17)
    assert case.received_on == date(2026, 12, 23)
    # Verhuizing: the promise is 5 working days, the law's term eight weeks.
    with time_machine.travel(at(2026, 4, 24), tick=False):
        move = make_case(municipality=municipality_a, product_slug="verhuizing")
    assert move.norm_due_at == move.due_at == end(2026, 5, 4)
    assert move.legal_due_at == end(2026, 6, 19)  # Fri 24 April + 8 weeks
    # A report has no statutory decision term: only the promise.
    with time_machine.travel(at(2026, 4, 24), tick=False):
        report = make_case(municipality=municipality_a, product_slug="melding-openbare-ruimte")
    assert report.legal_due_at is None
    assert report.expires_at == report.due_at == end(2026, 5, 4)


def test_awb_4_13_lid_1_term_runs_from_the_date_stamp_not_registration(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    # A letter received Friday 6 March 2026 and registered Monday 9 March: 10 working days from
    # the Friday end Friday 20 March, not Monday 23 March.
    with time_machine.travel(at(2026, 3, 9), tick=False):
        case = make_case(
            municipality=municipality_a,
            product_slug="parkeervergunning",
            channel="brief",
            received_on=date(2026, 3, 6),
        )
        assert case.norm_due_at == end(2026, 3, 20)
        with pytest.raises(InvalidInput) as refused:
            make_case(
                municipality=municipality_a,
                product_slug="parkeervergunning",
                received_on=date(2026, 3, 10),
            )
        assert refused.value.field == "received_on"
        # A correction is recorded, with its reason, and the terms are counted again.
        case = case_correct_dates(
            case=case,
            received_on=date(2026, 3, 5),
            reason="Datumstempel verkeerd overgenomen",
            actor=staff_a,
        )
    assert case.norm_due_at == end(2026, 3, 19)
    event = case.events.get(kind=CaseEvent.Kind.RECEIPT)
    assert event.effective_on == date(2026, 3, 5)
    assert "2026-03-06 → 2026-03-05" in event.detail
    assert event.reason == "Datumstempel verkeerd overgenomen"


def test_awb_7_10_objection_term_runs_from_the_end_of_the_objection_period(
    catalogue: None, municipality_a: Any
) -> None:
    # Decision sent Mon 2 March 2026; objection period ends Mon 13 April; objection received
    # Mon 16 March; six weeks from 14 April end Mon 25 May = Whit Monday -> Tue 26 May.
    with time_machine.travel(at(2026, 3, 16), tick=False):
        case = make_case(
            municipality=municipality_a,
            product_slug="bezwaar",
            contested_decision_on=date(2026, 3, 2),
        )
    assert case.legal_due_at == end(2026, 5, 26)
    # Counted from receipt it would have ended on Mon 27 April (King's Day) -> 28 April.
    with time_machine.travel(at(2026, 3, 16), tick=False):
        unknown = make_case(municipality=municipality_a, product_slug="bezwaar")
    assert unknown.legal_due_at == end(2026, 4, 28)


def test_awb_7_10_lid_2_a_repair_within_the_objection_period_does_not_move_the_term(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    # The 7:10 term only starts after the objection period (13 April): a repair request on
    # Tue 17 March, repaired Fri 20 March, suspends nothing of it; it still ends Tue 26 May.
    # The service norm runs from receipt (16 March + 6 weeks = 27 April, King's Day) and stood
    # still on 18 and 19 March: Wed 29 April.
    with time_machine.travel(at(2026, 3, 16), tick=False):
        case = make_case(
            municipality=municipality_a,
            product_slug="bezwaar",
            contested_decision_on=date(2026, 3, 2),
        )
    with time_machine.travel(at(2026, 3, 17), tick=False):
        case = case_suspend(case=case, reason="Handtekening ontbreekt", actor=staff_a)
    with time_machine.travel(at(2026, 3, 20), tick=False):
        case = case_resume(case=case, actor=staff_a)
    assert case.legal_due_at == end(2026, 5, 26)
    assert case.norm_due_at == end(2026, 4, 29)


# --- suspension (Awb 4:15) -------------------------------------------------------------------


def _parking_case(municipality: Any) -> Any:
    with time_machine.travel(at(2026, 3, 9), tick=False):  # Monday; 10 wd norm, 8 w legal
        return make_case(municipality=municipality, product_slug="parkeervergunning")


def test_awb_4_15_lid_1_a_supplemented_on_friday_ends_wednesday_25_march(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    case = _parking_case(municipality_a)
    assert case.norm_due_at == end(2026, 3, 23)
    with time_machine.travel(at(2026, 3, 10), tick=False):
        case = case_suspend(case=case, reason="Kenteken ontbreekt", actor=staff_a)
    with time_machine.travel(at(2026, 3, 13, 15), tick=False):
        case = case_resume(case=case, actor=staff_a)
    assert case.norm_due_at == case.due_at == end(2026, 3, 25)
    # The statutory term: Mon 4 May + 2 suspended days = Wed 6 May.
    assert case.legal_due_at == end(2026, 5, 6)


def test_awb_4_15_lid_1_a_by_post_friday_processed_monday_gives_the_same_date(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    case = _parking_case(municipality_a)
    with time_machine.travel(at(2026, 3, 10), tick=False):
        case = case_suspend(case=case, reason="Kenteken ontbreekt", actor=staff_a)
    with time_machine.travel(at(2026, 3, 16, 9), tick=False):
        with pytest.raises(InvalidInput):  # not before the invitation
            case_resume(case=case, actor=staff_a, received_on=date(2026, 3, 9))
        case = case_resume(case=case, actor=staff_a, received_on=date(2026, 3, 13))
    assert case.due_at == end(2026, 3, 25)
    assert case.events.get(kind=CaseEvent.Kind.RESUMED).effective_on == date(2026, 3, 13)


def test_awb_4_15_lid_1_a_response_date_passes_unanswered(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    case = _parking_case(municipality_a)
    case.assignee = staff_a
    case.save(update_fields=["assignee"])
    with time_machine.travel(at(2026, 3, 10), tick=False):
        case = case_suspend(
            case=case,
            reason="Kenteken ontbreekt",
            actor=staff_a,
            respond_before=date(2026, 3, 20),
        )
    # On the response date itself nothing happens: the applicant may still respond.
    assert case_end_expired_suspensions(today=date(2026, 3, 20)) == []
    # The job runs on Monday 23 March: the clock ran again from Saturday 21 March, whatever day
    # the job ran. Suspended 11-20 March: 8 working days, 10 calendar days.
    with time_machine.travel(at(2026, 3, 23, 7), tick=False):
        ended = case_end_expired_suspensions()
    assert [c.pk for c in ended] == [case.pk]
    case.refresh_from_db()
    assert case.suspended_at is None and case.awaiting_until is None
    # Norm: Mon 23 March + 8 working days = Thu 2 April.
    assert case.norm_due_at == end(2026, 4, 2)
    # Statutory: Mon 4 May + 10 days = Thu 14 May (Ascension) -> Fri 15 May (equated) -> Mon 18.
    assert case.legal_due_at == end(2026, 5, 18)
    resumed = case.events.get(kind=CaseEvent.Kind.RESUMED)
    assert resumed.effective_on == date(2026, 3, 21) and resumed.basis == "expired-unused"
    told = StaffNotification.objects.get(user=staff_a, kind="suspension_ended")
    assert "ongebruikt verstreken" in told.text and "Awb 4:5" in told.text
    # Running again changes nothing and tells nobody twice.
    with time_machine.travel(at(2026, 3, 24), tick=False):
        assert case_end_expired_suspensions() == []
    assert StaffNotification.objects.filter(kind="suspension_ended").count() == 1


def test_awb_4_15_information_after_the_response_date_ends_the_suspension_at_that_date(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    case = _parking_case(municipality_a)
    with time_machine.travel(at(2026, 3, 10), tick=False):
        case = case_suspend(
            case=case, reason="Kenteken", actor=staff_a, respond_before=date(2026, 3, 20)
        )
    with time_machine.travel(at(2026, 3, 24), tick=False):
        case = case_resume(case=case, actor=staff_a, received_on=date(2026, 3, 24))
    assert case.norm_due_at == end(2026, 4, 2)  # as if the term ended unused on 20 March


def test_awb_4_15_an_expired_term_cannot_be_suspended(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    case = _parking_case(municipality_a)  # statutory term ends Mon 4 May
    with time_machine.travel(at(2026, 5, 12), tick=False):
        assert case.due_state() == DueState.OVERDUE
        with pytest.raises(SuspensionNotAllowed) as refused:
            case_suspend(case=case, reason="Nog een stuk", actor=staff_a)
    assert "4 mei 2026" in str(refused.value.message)
    case.refresh_from_db()
    assert case.suspended_at is None and case.version == 1
    # Past the promise (23 March) but within the statutory term: suspension is still lawful.
    with time_machine.travel(at(2026, 3, 30), tick=False):
        assert case.due_state() == DueState.NORM_EXCEEDED
        case = case_suspend(case=case, reason="Nog een stuk", actor=staff_a)
    assert case.suspended_at is not None
    with time_machine.travel(at(2026, 4, 3), tick=False):
        case = case_resume(case=case, actor=staff_a)
    # 31 March - 2 April stood still: the law's term moves from Mon 4 May to Thu 7 May; the
    # promise, already missed, does not move (the norm's figures stay honest).
    assert case.legal_due_at == end(2026, 5, 7)
    assert case.norm_due_at == end(2026, 3, 23)


def test_awb_4_15_lid_2_a_consent_suspends_for_the_agreed_delay(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    case = _parking_case(municipality_a)
    with time_machine.travel(at(2026, 3, 10), tick=False):
        with pytest.raises(InvalidInput):  # the agreed delay's end is needed
            case_suspend(case=case, reason="Akkoord", actor=staff_a, basis=SuspensionBasis.CONSENT)
        case = case_suspend(
            case=case,
            reason="Aanvrager stemt schriftelijk in met uitstel",
            actor=staff_a,
            basis=SuspensionBasis.CONSENT,
            respond_before=date(2026, 3, 13),
        )
    assert case.events.get(kind=CaseEvent.Kind.SUSPENDED).basis == "awb-4:15-2-a"
    case_end_expired_suspensions(today=date(2026, 3, 14))
    case.refresh_from_db()
    # Suspended 11-13 March: 3 working days; Mon 23 March + 3 = Thu 26 March.
    assert case.norm_due_at == end(2026, 3, 26)


def test_awb_7_10_lid_2_objection_suspension_ground(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    with time_machine.travel(at(2026, 3, 16), tick=False):
        case = make_case(
            municipality=municipality_a,
            product_slug="bezwaar",
            contested_decision_on=date(2026, 3, 2),
        )
        with pytest.raises(InvalidInput):
            case_suspend(case=case, reason="x", actor=staff_a, basis=SuspensionBasis.CONSENT)
        case = case_suspend(case=case, reason="Handtekening ontbreekt", actor=staff_a)
    assert case.events.get(kind=CaseEvent.Kind.SUSPENDED).basis == "awb-7:10-2"


# --- extension by its legal basis -------------------------------------------------------------


def test_special_law_extension_moves_the_statutory_term_omgevingswet_16_64(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    # Received Mon 2 March; 8 weeks: Mon 27 April (King's Day) -> Tue 28 April.
    with time_machine.travel(at(2026, 3, 2), tick=False):
        case = make_case(municipality=municipality_a, product_slug="omgevingsvergunning")
    assert case.legal_due_at == end(2026, 4, 28)
    with time_machine.travel(at(2026, 4, 20), tick=False):
        with pytest.raises(InvalidInput) as refused:
            case_extend(case=case, reason="Advies", actor=staff_a, term=Term.parse("7w"))
        assert refused.value.field == "term"
        # Four weeks, shorter than the maximum: 27 April + 4 weeks = Whit Monday -> Tue 26 May.
        case = case_extend(
            case=case, reason="Advies welstand", actor=staff_a, term=Term.parse("4w")
        )
    assert case.legal_due_at == case.due_at == end(2026, 5, 26)
    assert case.events.get(kind=CaseEvent.Kind.EXTENDED).basis == ExtensionBasis.SPECIAL_LAW
    with time_machine.travel(at(2026, 4, 21), tick=False), pytest.raises(AlreadyExtended):
        case_extend(case=case, reason="Nog meer", actor=staff_a)


def test_awb_4_14_lid_1_notice_does_not_move_a_term_set_by_law(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    Product.objects.filter(slug="horecavergunning").update(
        legal_term="8w", legal_source="Alcoholwet (voorbeeld)"
    )
    with time_machine.travel(at(2026, 3, 2), tick=False):
        case = make_case(municipality=municipality_a, product_slug="horecavergunning")
    with time_machine.travel(at(2026, 4, 20), tick=False):
        with pytest.raises(InvalidInput) as refused:
            case_extend(case=case, reason="Bibob-onderzoek", actor=staff_a)
        assert refused.value.field == "announced_on"
        case = case_extend(
            case=case,
            reason="Bibob-onderzoek",
            actor=staff_a,
            announced_on=date(2026, 5, 29),
        )
    assert case.legal_due_at == end(2026, 4, 28)  # the statutory term stays
    assert case.due_at == end(2026, 5, 29)  # what the applicant is told to expect
    with time_machine.travel(at(2026, 5, 1), tick=False):
        assert case.due_state() == DueState.OVERDUE  # default and penalty stay possible


def test_awb_4_14_lid_3_reasonable_term_replaces_the_eight_weeks(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    with time_machine.travel(at(2026, 3, 2), tick=False):
        case = make_case(municipality=municipality_a, product_slug="evenementenvergunning")
    with time_machine.travel(at(2026, 4, 20), tick=False):
        case = case_extend(
            case=case, reason="Politieadvies", actor=staff_a, announced_on=date(2026, 5, 20)
        )
    assert case.legal_due_at == case.due_at == end(2026, 5, 20)
    assert case.events.get(kind=CaseEvent.Kind.EXTENDED).basis == ExtensionBasis.REASONABLE_TERM


def test_awb_7_10_lid_3_and_4_objection_extension_then_further_with_consent(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    with time_machine.travel(at(2026, 3, 16), tick=False):
        case = make_case(
            municipality=municipality_a,
            product_slug="bezwaar",
            contested_decision_on=date(2026, 3, 2),
        )
    with time_machine.travel(at(2026, 5, 18), tick=False):
        # Six weeks (lid 3): raw end Mon 25 May + 6 weeks = Mon 6 July.
        case = case_extend(case=case, reason="Hoorzitting", actor=staff_a)
        assert case.legal_due_at == end(2026, 7, 6)
        with pytest.raises(AlreadyExtended):
            case_extend(case=case, reason="Meer tijd", actor=staff_a, term=Term.parse("2w"))
        case = case_extend(
            case=case,
            reason="Bezwaarmaker stemt in",
            actor=staff_a,
            term=Term.parse("2w"),
            consent=True,
        )
    assert case.legal_due_at == end(2026, 7, 20)
    bases = list(
        case.events.filter(kind="extended").order_by("at", "pk").values_list("basis", flat=True)
    )
    assert bases == [ExtensionBasis.OBJECTION, ExtensionBasis.OBJECTION_CONSENT]


def test_awb_4_14_an_expired_term_cannot_be_extended(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    with time_machine.travel(at(2026, 3, 2), tick=False):
        case = make_case(municipality=municipality_a, product_slug="omgevingsvergunning")
    with time_machine.travel(at(2026, 4, 29), tick=False), pytest.raises(ExtensionNotAllowed):
        case_extend(case=case, reason="Te laat", actor=staff_a)


# --- the penalty (Awb 4:17) -------------------------------------------------------------------


def test_awb_4_17_penalty_from_notice_to_the_42nd_day() -> None:
    # Term's last day Mon 4 May 2026; notice received Tue 12 May. The two weeks run 13-26 May,
    # so the first penalty day is Wed 27 May; the 42nd is Tue 7 July.
    def on(day: date, decided: date | None = None) -> Any:
        return penalty_statement(
            term_expired_on=date(2026, 5, 4),
            notice_received_on=date(2026, 5, 12),
            on=day,
            decided_on=decided,
        )

    assert on(date(2026, 5, 26)).days == 0 and on(date(2026, 5, 26)).amount == 0
    assert on(date(2026, 5, 27)).first_day == date(2026, 5, 27)
    assert (on(date(2026, 5, 27)).days, on(date(2026, 5, 27)).amount) == (1, Decimal("23"))
    assert on(date(2026, 6, 9)).amount == Decimal("322")  # 14 x 23
    assert on(date(2026, 6, 10)).amount == Decimal("357")  # + 35
    assert on(date(2026, 6, 23)).amount == Decimal("812")  # 322 + 14 x 35
    assert on(date(2026, 6, 24)).amount == Decimal("857")  # + 45
    assert on(date(2026, 7, 7)).last_day == date(2026, 7, 7)
    assert (on(date(2026, 7, 7)).days, on(date(2026, 7, 7)).amount) == (42, Decimal("1442"))
    assert (on(date(2026, 8, 31)).days, on(date(2026, 8, 31)).amount) == (42, Decimal("1442"))
    # A decision on Wed 3 June stops it: 27 May - 2 June, 7 days.
    assert on(date(2026, 8, 31), decided=date(2026, 6, 3)).amount == Decimal("161")
    # A notice received in 2018 follows the amounts of then (20, 30, 40): at most 1260.
    old = penalty_statement(
        term_expired_on=date(2018, 5, 1), notice_received_on=date(2018, 5, 2), on=date(2018, 12, 1)
    )
    assert old.amount == Decimal("1260")


def test_awb_4_17_notice_on_a_case_warns_the_team_lead_and_shows_the_amount(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    case = _parking_case(municipality_a)  # statutory term ends Mon 4 May 2026
    lead = StaffFactory.create(
        username="lead-a", role=Role.TEAM_LEAD, municipalities=[municipality_a]
    )
    lead.teams.add(case.team)
    with time_machine.travel(at(2026, 5, 12), tick=False):
        with pytest.raises(InvalidInput):
            case_register_default_notice(case=case, received_on=date(2026, 5, 13), actor=staff_a)
        case_register_default_notice(case=case, received_on=date(2026, 5, 12), actor=staff_a)
    warned = StaffNotification.objects.get(user=lead, kind="default_notice")
    assert "12-05-2026" in warned.text and "27-05-2026" in warned.text
    case.refresh_from_db()
    statement = case_penalty(case, on=date(2026, 6, 10))
    assert statement is not None and statement.amount == Decimal("357")
    # A report has no penalty regime.
    with time_machine.travel(at(2026, 3, 9), tick=False):
        report = make_case(municipality=municipality_a, product_slug="melding-openbare-ruimte")
    with time_machine.travel(at(2026, 5, 12), tick=False), pytest.raises(CaseRefused):
        case_register_default_notice(case=report, received_on=date(2026, 5, 12), actor=staff_a)


def test_awb_4_17_the_penalty_stops_when_the_decision_is_sent_not_when_the_case_closes(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    """Found trying the demo: a decision sent while the case stays open still stopped nothing.
    Term ended Mon 4 May 2026; notice 12 May, first penalty day 27 May; a refusal sent on Wed
    3 June: the penalty days are 27 May to 2 June, seven days of EUR 23 (Awb 4:17 lid 2: the
    first fourteen days at EUR 23) = EUR 161, whatever day it is asked on."""
    from loket.cases.decisions import decision_draft, decision_send

    case = _parking_case(municipality_a)
    with time_machine.travel(at(2026, 5, 12), tick=False):
        case_register_default_notice(case=case, received_on=date(2026, 5, 12), actor=staff_a)
    kind = case.case_type.decision_types.get(code="geweigerd")
    with time_machine.travel(at(2026, 6, 3), tick=False):
        draft = decision_draft(case=case, decision_type=kind, actor=staff_a)
        decision_send(decision=draft, actor=staff_a)
    case.refresh_from_db()
    assert case.closed_at is None  # the case is still open after the letter
    for asked_on in (date(2026, 6, 3), date(2026, 6, 10), date(2026, 8, 1)):
        statement = case_penalty(case, on=asked_on)
        assert statement is not None
        assert (statement.first_day, statement.days, statement.amount) == (
            date(2026, 5, 27),
            7,
            Decimal("161"),
        ), asked_on


def test_recompute_terms_fills_the_statutory_term_of_older_cases(
    catalogue: None, municipality_a: Any
) -> None:
    from django.core.management import call_command

    from loket.cases.models import Case

    with time_machine.travel(at(2026, 12, 23), tick=False):
        case = make_case(municipality=municipality_a, product_slug="evenementenvergunning")
    Case.objects.filter(pk=case.pk).update(legal_due_at=None)  # as made before this version
    call_command("recompute_terms", stdout=__import__("io").StringIO())
    case.refresh_from_db()
    assert case.legal_due_at == end(2027, 2, 17)
    assert case.version == 1  # counting again is no change by anyone


# --- found in review: each of these failed before its fix --------------------------------------


def test_awb_4_14_a_notice_names_a_date_after_the_term_and_not_in_the_past(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    # Straatfeest received Mon 9 March: promise 23 March, eight weeks to Mon 4 May.
    with time_machine.travel(at(2026, 3, 9), tick=False):
        case = make_case(municipality=municipality_a, product_slug="straatfeest")
    with time_machine.travel(at(2026, 4, 1), tick=False):
        for too_early in (date(2026, 3, 25), date(2026, 5, 4)):
            with pytest.raises(InvalidInput) as refused:
                case_extend(case=case, reason="Advies", actor=staff_a, announced_on=too_early)
            assert refused.value.field == "announced_on"
        case = case_extend(case=case, reason="Advies", actor=staff_a, announced_on=date(2026, 5, 6))
    assert case.legal_due_at == case.due_at == end(2026, 5, 6)


def test_awb_4_15_a_suspension_after_a_4_14_lid_3_notice_moves_the_term_named(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    # Received Mon 2 March; eight weeks end 28 April. On 20 April the notice names 20 May.
    # Invitation Tue 21 April, information Fri 1 May: 22-30 April stood still (9 days), so the
    # term named moves to Fri 29 May.
    with time_machine.travel(at(2026, 3, 2), tick=False):
        case = make_case(municipality=municipality_a, product_slug="evenementenvergunning")
    with time_machine.travel(at(2026, 4, 20), tick=False):
        case = case_extend(
            case=case, reason="Politieadvies", actor=staff_a, announced_on=date(2026, 5, 20)
        )
    with time_machine.travel(at(2026, 4, 21), tick=False):
        case = case_suspend(case=case, reason="Plattegrond", actor=staff_a)
    with time_machine.travel(at(2026, 5, 1), tick=False):
        case = case_resume(case=case, actor=staff_a)
    assert case.legal_due_at == end(2026, 5, 29)


def test_awb_4_17_a_notice_before_the_term_ran_out_has_no_effect(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    case = _parking_case(municipality_a)  # the statutory term's last day: Mon 4 May 2026
    with time_machine.travel(at(2026, 5, 4), tick=False):
        for premature in (date(2026, 3, 20), date(2026, 5, 4)):
            with pytest.raises(CaseRefused) as refused:
                case_register_default_notice(case=case, received_on=premature, actor=staff_a)
            assert refused.value.field == "received_on" and "4 mei 2026" in str(
                refused.value.message
            )
    assert case.default_notices.count() == 0
    with time_machine.travel(at(2026, 5, 5), tick=False):
        case_register_default_notice(case=case, received_on=date(2026, 5, 5), actor=staff_a)
    statement = case_penalty(case, on=date(2026, 5, 20))
    assert statement is not None and statement.first_day == date(2026, 5, 20)


def test_awb_4_15_an_invitation_on_the_last_day_suspends_nothing(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    case = _parking_case(municipality_a)
    with time_machine.travel(at(2026, 5, 4), tick=False), pytest.raises(SuspensionNotAllowed):
        case_suspend(case=case, reason="Nog een stuk", actor=staff_a)


def test_awb_4_15_a_backdated_suspension_cannot_overlap_an_earlier_one(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    case = _parking_case(municipality_a)
    with time_machine.travel(at(2026, 3, 10), tick=False):
        case = case_suspend(case=case, reason="Kenteken", actor=staff_a)
    with time_machine.travel(at(2026, 3, 13), tick=False):
        case = case_resume(case=case, actor=staff_a)
    with time_machine.travel(at(2026, 3, 16), tick=False):
        with pytest.raises(InvalidInput) as refused:
            case_suspend(case=case, reason="Nog iets", actor=staff_a, stopped_on=date(2026, 3, 11))
        assert refused.value.field == "stopped_on"
        case = case_suspend(
            case=case, reason="Nog iets", actor=staff_a, stopped_on=date(2026, 3, 13)
        )
    assert case.suspended_at is not None


def test_omgevingswet_16_64_the_maximum_is_a_length_43_days_exceed_six_weeks(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    with time_machine.travel(at(2026, 3, 2), tick=False):
        case = make_case(municipality=municipality_a, product_slug="omgevingsvergunning")
    with time_machine.travel(at(2026, 4, 2), tick=False):
        with pytest.raises(InvalidInput):
            case_extend(case=case, reason="Advies", actor=staff_a, term=Term.parse("43d"))
        case = case_extend(case=case, reason="Advies", actor=staff_a, term=Term.parse("42d"))
    assert case.legal_due_at == end(2026, 6, 8)  # raw end 27 April + 42 days


def test_a_term_has_an_upper_bound() -> None:
    with pytest.raises(ValueError, match="at most"):
        Term.parse("9999999d")
