"""A message about a case never names a date that has passed (issue 12): it uses the same
sentence as Mijn Loket (``loket.cases.terms.promise_sentence``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import time_machine

from loket.cases.services import case_set_status
from loket.lib.calendar import AMSTERDAM
from loket.notifications.models import OutboxMessage
from tests.factories import PersonFactory, StaffFactory, make_case

pytestmark = pytest.mark.django_db


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=AMSTERDAM)


def test_a_step_message_after_the_promise_names_the_law_s_term(
    catalogue: None, municipality_a: Any
) -> None:
    person = PersonFactory.create(municipality=municipality_a, email="emma@example.org")
    staff = StaffFactory.create(username="clerk", municipalities=[municipality_a])
    with time_machine.travel(at(3, 9), tick=False):  # 10 wd: Mon 23 March; 8 weeks: Mon 4 May
        case = make_case(municipality=municipality_a, product_slug="straatfeest", person=person)
    received = OutboxMessage.objects.get(case=case, event="case_received")
    assert "uiterlijk op 23 maart 2026" in received.body_text
    with time_machine.travel(at(3, 30), tick=False):
        for step in case.case_type.ordered_steps[1:-1]:  # volledigheid, beoordeling, besluit
            case = case_set_status(case=case, step=step, actor=staff)
    news = OutboxMessage.objects.filter(case=case, event="step_changed").last()
    assert news is not None
    assert "23 maart" not in news.body_text
    assert "Het duurt langer dan we beloofden" in news.body_text
    assert "uiterlijk op 4 mei 2026" in news.body_text
