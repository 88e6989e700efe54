"""Issue 13 in headless Chromium: a case worker refuses an application with a reasoning,
previews and sends the letter; the resident reads the PDF in Mijn Loket (its text is checked:
the reasoning and the objection clause with the right last day), clicks "Bezwaar maken", and the
objection case shows the contested decision with its Awb 7:10 term."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from typing import Any

import pytest
import time_machine
from pypdf import PdfReader

from loket.accounts.models import Role
from loket.cases.models import Case
from loket.catalogue.models import Product
from loket.lib.calendar import AMSTERDAM
from tests.browser.test_portal_browser import emma, town  # noqa: F401 - shared fixtures
from tests.factories import StaffFactory, make_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed"),
]


def _text(pdf: bytes) -> str:
    return " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages
    )


def test_refusal_letter_read_by_the_resident_and_objected_to(
    page: Any,
    browser_context: Any,
    town: Any,  # noqa: F811
    emma: Any,  # noqa: F811
) -> None:
    product = Product.objects.get(slug="evenementenvergunning")
    assert product.team is not None
    worker = StaffFactory.create(
        username="vergunningen", role=Role.CASE_WORKER, municipalities=[town]
    )
    worker.teams.set([product.team])
    with time_machine.travel(dt.datetime(2026, 1, 19, 10, tzinfo=AMSTERDAM), tick=False):
        case = make_case(municipality=town, person=emma, product_slug="evenementenvergunning")

    # Monday 2 March 2026: the case worker decides.
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=AMSTERDAM), tick=True):
        staff = browser_context().new_page()
        staff.goto("/werkplek/inloggen")
        staff.fill("#id_username", "vergunningen")
        staff.fill("#id_password", "secret-pass")
        staff.click("form.form button[type=submit]")
        staff.goto(f"/werkplek/zaken/{case.uuid}")
        staff.get_by_label("Soort besluit").select_option(label="Vergunning geweigerd")
        staff.get_by_role("button", name="Concept maken").click()
        reasoning = staff.get_by_label("Motivering")
        assert "Uw aanvraag voldoet niet aan die regels" in reasoning.input_value()
        reasoning.fill(
            "Op de dag van uw evenement is het Marktplein al in gebruik voor de weekmarkt.\n\n"
            "Twee evenementen tegelijk op het plein zijn niet veilig."
        )
        staff.get_by_label("Wettelijke grondslag").fill(
            "Algemene plaatselijke verordening, artikel 2:25"
        )
        staff.get_by_role("button", name="Concept opslaan").click()
        preview = staff.get_by_test_id("preview").get_attribute("href")
        draft_pdf = staff.request.get(preview)
        assert draft_pdf.headers["content-type"] == "application/pdf"
        assert "CONCEPT" in _text(draft_pdf.body())
        staff.get_by_test_id("send-decision").click()
        assert "Het besluit is verstuurd" in staff.content()
        assert (
            "bezwaar mogelijk tot en met 13 april 2026"
            in staff.get_by_test_id("decisions").inner_text()
        )

        # The resident reads the letter in Mijn Loket and objects.
        page.goto(f"/stad/mijn/zaken/{case.uuid}")
        page.get_by_role("button", name="Inloggen als Emma Visser").click()
        decisions = page.get_by_test_id("decisions")
        assert "Vergunning geweigerd" in decisions.inner_text()
        assert "tot en met 13 april 2026 bezwaar maken" in decisions.inner_text()
        letter = page.request.get(page.get_by_test_id("decision-letter").get_attribute("href"))
        text = _text(letter.body())
        assert "Marktplein al in gebruik voor de weekmarkt" in text
        assert "artikel 2:25" in text
        assert "Uw bezwaar moet uiterlijk op 13 april 2026 bij ons zijn" in text
        assert "voorlopige voorziening" in text and "CONCEPT" not in text
        page.get_by_test_id("object").click()
        assert (
            "verzonden op 2 maart 2026"
            in page.get_by_label("Kenmerk of datum van het besluit").input_value()
        )
        page.get_by_label("Waarom bent u het niet eens met het besluit?").fill(
            "De weekmarkt is die dag op het Kerkplein, niet op het Marktplein."
        )
        page.get_by_role("button", name="Volgende: controleer uw antwoorden").click()
        page.get_by_role("button", name="versturen").click()
        objection_reference = page.get_by_test_id("reference").inner_text()

    objection = Case.objects.get(identification=objection_reference)
    assert objection.contested_decision is not None
    assert objection.contested_decision.case == case
    # Awb 7:10: period ends Mon 13 April; six weeks from 14 April end Mon 25 May, Whit Monday,
    # so Tuesday 26 May 2026.
    with time_machine.travel(dt.datetime(2026, 3, 2, 11, tzinfo=AMSTERDAM), tick=True):
        lawyer = StaffFactory.create(
            username="jurist", role=Role.CASE_WORKER, municipalities=[town]
        )
        assert objection.product.team is not None
        lawyer.teams.set([objection.product.team])
        other = browser_context().new_page()
        other.goto("/werkplek/inloggen")
        other.fill("#id_username", "jurist")
        other.fill("#id_password", "secret-pass")
        other.click("form.form button[type=submit]")
        other.goto(f"/werkplek/zaken/{objection.uuid}")
        facts = other.content()
        assert (
            case.decisions.get().identification
            in other.get_by_test_id("contested-decision").inner_text()
        )
        assert "26 mei 2026" in facts and "Awb art. 7:10 lid 1" in facts
