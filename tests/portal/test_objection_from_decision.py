"""From a decision in Mijn Loket to an objection against it (issue 13): the last day to object,
the "Bezwaar maken" button, the form with the decision named, and the objection case that knows
the contested decision and its Awb 7:10 term."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from loket.cases.decisions import decision_draft, decision_send
from loket.cases.models import Case
from loket.catalogue.models import DecisionType
from loket.lib.calendar import AMSTERDAM
from tests.factories import StaffFactory, make_case
from tests.portal.conftest import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_login_on")]


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=AMSTERDAM)


def test_object_from_the_decision(client: Any, town: Any, resident: Any, neighbour: Any) -> None:
    staff = StaffFactory.create(username="jurist", municipalities=[town])
    with time_machine.travel(at(1, 19), tick=False):
        case = make_case(municipality=town, product_slug="evenementenvergunning", person=resident)
        draft = decision_draft(
            case=case,
            decision_type=DecisionType.objects.get(case_type=case.case_type, code="geweigerd"),
            actor=staff,
            reasoning="Het plein is die dag al bezet.",
        )
    with time_machine.travel(at(3, 2), tick=False):
        decision = decision_send(decision=draft, actor=staff)
    assert decision.document is not None
    page_url = reverse("portal:mijn_case", args=[town.slug, case.uuid])
    with time_machine.travel(at(3, 10), tick=False):
        login(client, town, resident)
        page = client.get(page_url).content.decode()
        assert "Vergunning geweigerd" in page
        assert "tot en met 13 april 2026 bezwaar maken" in page
        # Decided: no promise of a decision date any more, and no withdrawing the request.
        assert "We hebben besloten" in page and "We beslissen uiterlijk" not in page
        assert reverse("portal:mijn_case_withdraw", args=[town.slug, case.uuid]) not in page
        letter = reverse(
            "portal:mijn_case_document", args=[town.slug, case.uuid, decision.document.uuid]
        )
        assert letter in page and client.get(letter)["Content-Type"] == "application/pdf"
        start = client.get(
            reverse("portal:mijn_object", args=[town.slug, case.uuid, decision.uuid])
        )
        assert start["Location"] == reverse("portal:apply", args=[town.slug, "bezwaar"])
        form = client.get(start["Location"]).content.decode()
        assert f"{decision.identification}, verzonden op 2 maart 2026" in form
        client.post(
            start["Location"],
            {"kenmerk": f"{decision.identification}", "gronden": "Het plein is vrij."},
        )
        check = client.get(reverse("portal:apply_check", args=[town.slug, "bezwaar"]))
        key = check.context["submission_key"]
        sent = client.post(
            reverse("portal:apply_send", args=[town.slug, "bezwaar"]), {"submission_key": key}
        )
        assert sent.status_code == 302
    objection = Case.objects.get(product__slug="bezwaar")
    assert objection.contested_decision == decision
    assert objection.contested_decision_on == dt.date(2026, 3, 2)
    # Period ends Mon 13 April; six weeks from 14 April: Whit Monday 25 May -> Tue 26 May.
    assert objection.legal_due_at is not None
    assert objection.legal_due_at.astimezone(AMSTERDAM).date() == dt.date(2026, 5, 26)
    # Someone else cannot object to this decision through the same link.
    with time_machine.travel(at(3, 10), tick=False):
        login(client, town, neighbour)
        other = client.get(
            reverse("portal:mijn_object", args=[town.slug, case.uuid, decision.uuid])
        )
        assert other.status_code == 404
