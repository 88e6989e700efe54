"""Decisions with a letter (issue 13): drafted from text blocks, previewed, sent with the
objection clause and its last day, fixed once sent, withdrawn; and an objection against one.
Dates worked out by hand on the 2026 calendar."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from pypdf import PdfReader

from loket.cases.decisions import (
    DecisionRefused,
    decision_draft,
    decision_letter,
    decision_send,
    decision_update,
    decision_withdraw,
)
from loket.cases.errors import DecisionRequired, InvalidInput
from loket.cases.models import Decision
from loket.cases.services import case_set_result
from loket.cases.terms import objection_period_end
from loket.catalogue.models import DecisionType
from loket.lib.calendar import AMSTERDAM
from loket.notifications.models import OutboxMessage
from tests.factories import PersonFactory, make_case

pytestmark = pytest.mark.django_db


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=AMSTERDAM)


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


@pytest.mark.parametrize(
    ("name", "sent_on", "last_day"),
    [
        ("awb_6_7_six_weeks_from_the_day_after", date(2026, 3, 2), date(2026, 4, 13)),
        ("atw_1_ends_on_5_may_runs_to_6_may", date(2026, 3, 24), date(2026, 5, 6)),
        ("atw_1_ends_on_a_saturday_runs_to_monday", date(2026, 3, 21), date(2026, 5, 4)),
        ("atw_1_ascension_and_the_equated_15_may", date(2026, 4, 2), date(2026, 5, 18)),
        ("atw_1_christmas_and_a_sunday", date(2026, 11, 13), date(2026, 12, 28)),
    ],
)
def test_objection_period_worked_examples(name: str, sent_on: date, last_day: date) -> None:
    assert objection_period_end(sent_on) == last_day, name


@pytest.fixture
def refusal(catalogue: None, municipality_a: Any, staff_a: Any) -> Decision:
    person = PersonFactory.create(
        municipality=municipality_a, email="emma@example.org", language="nl"
    )
    with time_machine.travel(at(1, 19), tick=False):
        case = make_case(
            municipality=municipality_a, product_slug="evenementenvergunning", person=person
        )
        kind = DecisionType.objects.get(case_type=case.case_type, code="geweigerd")
        return decision_draft(case=case, decision_type=kind, actor=staff_a)


def test_a_refusal_from_text_blocks_previewed_sent_and_fixed(
    refusal: Decision, staff_a: Any
) -> None:
    assert "Uw aanvraag voldoet niet aan die regels" in refusal.reasoning  # the text blocks
    with time_machine.travel(at(2, 27), tick=False):
        decision = decision_update(
            decision=refusal,
            actor=staff_a,
            reasoning=refusal.reasoning + "\n\nHet evenement valt samen met de kermis.",
            legal_ground="Algemene plaatselijke verordening, artikel 2:25",
            effective_on=None,
            expires_on=None,
            mandate="",
        )
        preview = text_of(decision_letter(decision))
        assert "CONCEPT" in preview and "kermis" in preview
    with time_machine.travel(at(3, 2), tick=False):
        sent = decision_send(decision=decision, actor=staff_a)
    assert (sent.status, sent.sent_on, sent.effective_on) == (
        "sent",
        date(2026, 3, 2),
        date(2026, 3, 2),
    )
    case = sent.case
    case.refresh_from_db()
    assert case.result is not None and case.result.code == "geweigerd"
    assert sent.document is not None and sent.document.shared_with_applicant
    with sent.document.file.open("rb") as handle:
        letter = text_of(handle.read())
    assert "CONCEPT" not in letter
    assert "Vergunning geweigerd" in letter and "kermis" in letter
    assert "artikel 2:25" in letter
    assert "uiterlijk op 13 april 2026" in letter  # Awb 6:7, 6:8: from 3 March, six weeks
    assert "voorlopige voorziening" in letter
    assert "Namens het college van burgemeester en wethouders" in letter
    from loket.cases.errors import CaseRefused
    from loket.cases.services import case_withdraw

    with pytest.raises(CaseRefused):  # decided: the applicant objects instead of withdrawing
        case_withdraw(case=case, reason="Toch niet")
    message = OutboxMessage.objects.get(case=case, event="decision_sent")
    assert message.document == sent.document and message.channel == "e-mail"
    assert "tot en met 13 april 2026 bezwaar maken" in message.body_text
    with pytest.raises(DecisionRefused):
        decision_update(
            decision=sent,
            actor=staff_a,
            reasoning="anders",
            legal_ground="",
            effective_on=None,
            expires_on=None,
            mandate="",
        )
    with time_machine.travel(at(3, 5), tick=False):
        withdrawn = decision_withdraw(decision=sent, reason="Verkeerde aanvrager", actor=staff_a)
    assert withdrawn.status == "withdrawn" and withdrawn.withdrawn_reason == "Verkeerde aanvrager"
    assert case.events.filter(kind="decision").count() == 2


def test_a_result_a_decision_leads_to_needs_that_decision(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    case = make_case(municipality=municipality_a, product_slug="evenementenvergunning")
    granted = case.case_type.results.get(code="verleend")
    with pytest.raises(DecisionRequired):
        case_set_result(case=case, result=granted, actor=staff_a)
    withdrawn = case.case_type.results.get(code="ingetrokken")
    assert case_set_result(case=case, result=withdrawn, actor=staff_a).result == withdrawn


def test_a_decision_needs_its_reasoning_and_sensible_dates(refusal: Decision, staff_a: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        decision_update(
            decision=refusal,
            actor=staff_a,
            reasoning="  ",
            legal_ground="",
            effective_on=None,
            expires_on=None,
            mandate="",
        )
    assert refused.value.field == "reasoning"
    with pytest.raises(InvalidInput) as refused:
        decision_update(
            decision=refusal,
            actor=staff_a,
            reasoning="Reden",
            legal_ground="",
            effective_on=date(2026, 6, 1),
            expires_on=date(2026, 5, 1),
            mandate="",
        )
    assert refused.value.field == "expires_on"


def test_an_objection_against_a_sent_decision_runs_on_awb_7_10(
    refusal: Decision, staff_a: Any, municipality_a: Any
) -> None:
    with time_machine.travel(at(3, 2), tick=False):
        sent = decision_send(decision=refusal, actor=staff_a)
    with time_machine.travel(at(3, 16), tick=False):
        objection = make_case(
            municipality=municipality_a, product_slug="bezwaar", contested_decision=sent
        )
    assert objection.contested_decision == sent
    assert objection.contested_decision_on == date(2026, 3, 2)
    # Period ends Mon 13 April; six weeks from 14 April: Whit Monday 25 May -> Tue 26 May.
    assert objection.legal_due_at == datetime(2026, 5, 26, 23, 59, 59, 999999, tzinfo=AMSTERDAM)
    assert objection.days_objected_late == 0
    with time_machine.travel(at(4, 20), tick=False):
        late = make_case(
            municipality=municipality_a, product_slug="bezwaar", contested_decision=sent
        )
    assert late.days_objected_late == 7  # received 20 April, the period ended 13 April
