"""A case worker decides from the case page: a draft from text blocks, saved, previewed as a
PDF, sent; a sent decision can only be withdrawn. Real URLs, real POSTs."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from loket.cases.models import Decision
from loket.catalogue.models import DecisionType
from loket.lib.calendar import AMSTERDAM
from tests.factories import PersonFactory, make_case

pytestmark = pytest.mark.django_db


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=AMSTERDAM)


def test_decide_preview_send_and_withdraw_from_the_case_page(
    client: Any, catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    person = PersonFactory.create(
        municipality=municipality_a, surname="Visser", email="e@example.org"
    )
    with time_machine.travel(at(1, 19), tick=False):
        case = make_case(
            municipality=municipality_a, product_slug="evenementenvergunning", person=person
        )
    client.force_login(staff_a)
    page = reverse("workbench:case_detail", args=[case.uuid])
    refusal = DecisionType.objects.get(case_type=case.case_type, code="geweigerd")
    with time_machine.travel(at(3, 2), tick=False):
        response = client.post(
            reverse("workbench:case_action", args=[case.uuid, "decide"]),
            {"decide-version": case.version, "decide-decision_type": refusal.pk},
        )
        assert response.status_code == 302
        decision = Decision.objects.get(case=case)
        html = client.get(page).content.decode()
        assert "Vergunning geweigerd" in html and "Uw aanvraag voldoet niet" in html

        def action(name: str) -> str:
            return reverse("workbench:decision_action", args=[case.uuid, decision.uuid, name])

        empty = client.post(action("opslaan"), {f"decision-{decision.pk}-reasoning": ""})
        assert empty.status_code == 400
        saved = client.post(
            action("opslaan"),
            {
                f"decision-{decision.pk}-reasoning": "Het plein is die dag al bezet.",
                f"decision-{decision.pk}-legal_ground": "APV, artikel 2:25",
            },
        )
        assert saved.status_code == 302
        preview = client.get(action("voorbeeld"))
        assert preview["Content-Type"] == "application/pdf"
        text = " ".join(
            (p.extract_text() or "") for p in PdfReader(io.BytesIO(preview.content)).pages
        )
        assert "CONCEPT" in text and "plein is die dag al bezet" in text
        assert client.post(action("versturen")).status_code == 302
        decision.refresh_from_db()
        assert (decision.status, decision.sent_on) == ("sent", date(2026, 3, 2))
        html = client.get(page).content.decode()
        assert "De brief zoals verstuurd" in html and "13 april 2026" in html
        again = client.post(
            action("opslaan"), {f"decision-{decision.pk}-reasoning": "Toch anders."}
        )
        assert again.status_code == 409
        decision.refresh_from_db()
        assert decision.reasoning == "Het plein is die dag al bezet."
        withdrawn = client.post(
            action("intrekken"), {f"withdraw-{decision.pk}-reason": "Verkeerde aanvrager"}
        )
        assert withdrawn.status_code == 302
    decision.refresh_from_db()
    assert decision.status == "withdrawn"
