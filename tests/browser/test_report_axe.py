"""The report pages in headless Chromium, each checked by axe-core (zero violations): the form
with its map (JavaScript on) and with errors, the check step with a report nearby, the
thank-you page, the follow page with "Is het opgelost?", the link that no longer works, the
public map, and Mijn Loket's case page of a closed report.

Set ``LOKET_SCREENSHOTS=/some/dir`` to keep a full-page screenshot of every page checked.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from loket.cases.services import case_set_status
from loket.notifications.models import OutboxMessage
from loket.reports.models import Report
from loket.reports.services import report_create
from tests.browser.conftest import MARKUP_ONLY
from tests.browser.test_report_journey import photo_bytes, stad_with_reports
from tests.browser.test_workbench_axe import Checker
from tests.factories import PersonFactory
from tests.reports.conftest import MARKT

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed"),
    MARKUP_ONLY,
]


def _close(report: Report) -> None:
    case = report.case
    steps = {s.code: s for s in case.case_type.steps.all()}
    case = case_set_status(case=case, step=steps["ingepland"], actor=None)
    case_set_status(
        case=case,
        step=steps["afgehandeld"],
        actor=None,
        result=case.case_type.results.get(code="opgelost"),
    )


def _follow_path(address: str) -> str:
    message = OutboxMessage.objects.filter(recipient=address).order_by("-pk").first()
    assert message is not None
    found = re.search(r"/stad/melding/volgen/[A-Za-z0-9_-]+", message.body_text)
    assert found is not None
    return found.group(0)


def test_every_report_page_has_no_axe_violations(page: Any, settings: Any) -> None:
    from playwright.sync_api import expect

    settings.LOKET_DEMO_LOGIN = True
    stad = stad_with_reports()
    existing = report_create(
        site=stad, point=MARKT, category="lantaarnpaal", description="Lamp kapot", email="a@x.nl"
    ).report
    axe = Checker(page)
    shots = os.environ.get("LOKET_SCREENSHOTS", "")

    def check(label: str) -> None:
        axe.check(label)
        if shots:
            name = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
            page.screenshot(path=str(Path(shots) / f"report-axe-{name}.png"), full_page=True)

    def visit(path: str, label: str) -> None:
        response = page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        check(label)

    submit = "form[data-testid=report-form] button[type=submit]"
    page.goto("/stad/melden")
    page.locator("#report-map").wait_for()
    check("report form with the map")
    # Without a mouse: the map takes focus, Enter puts the pin in the middle.
    page.locator("#report-map").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#id_latitude")).not_to_have_value("")
    assert page.get_by_test_id("picked").inner_text() != ""
    page.locator("#id_latitude").evaluate("node => { node.value = ''; }")  # errors again
    page.locator(submit).click()
    check("report form with errors")
    page.fill("#id_adres", "Markt 1")
    page.locator("[data-action=address-search]").click()
    expect(page.locator("#id_latitude")).not_to_have_value("")
    page.fill("#id_description", "De lamp is kapot")
    page.locator("#report-suggestion button").click()
    page.set_input_files(
        "#id_photos", files=[{"name": "a.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}]
    )
    page.locator(submit).click()
    page.wait_for_url("**/melden/controleren")
    check("check step with a report nearby")
    page.get_by_test_id("follow").click()
    check("check step: following needs an address")
    page.get_by_test_id("send").click()
    page.wait_for_url("**/melden/ontvangen")
    check("thank-you page")

    visit(_follow_path("a@x.nl"), "follow page, open")
    _close(existing)
    visit(_follow_path("a@x.nl") + "?opgelost=nee", "follow page: is it solved?")
    page.goto("/stad/melding/volgen/onbekend")
    check("a link that no longer works")
    visit("/stad/meldingen-kaart", "public map")
    page.wait_for_selector("#report-map path.leaflet-interactive")
    check("public map with its dots")

    emma = PersonFactory.create(municipality=stad, bsn="111222333", first_name="Emma")
    own = report_create(
        site=stad, point=MARKT, category="zwerfafval", description="Glas", person=emma
    ).report
    _close(own)
    page.goto("/stad/mijn/inloggen")
    page.get_by_role("button", name=re.compile("Emma")).click()
    visit(f"/stad/mijn/zaken/{own.case.uuid}", "Mijn Loket: a closed report")
    assert page.get_by_test_id("report-answer").is_visible()

    print("\naxe-core checked these report pages:\n  " + "\n  ".join(axe.checked))
    assert len(axe.checked) == 11
    assert axe.problems == [], "\n".join(axe.problems)
