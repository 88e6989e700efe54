"""In headless Chromium: a case worker filters overdue cases, opens one, sets the next step and
sees the timeline change. Skipped when Debian's chromium is not installed (.ci/run installs it)."""

from __future__ import annotations

import shutil
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from loket.catalogue.services import catalogue_load
from tests.factories import MunicipalityFactory, PersonFactory, StaffFactory, make_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed"),
]


def test_case_worker_moves_an_overdue_case_on(page: Any) -> None:
    catalogue_load()
    town = MunicipalityFactory.create(slug="browserdorp", name="Browserdorp")
    StaffFactory.create(username="behandelaar", municipalities=[town])
    late = make_case(
        municipality=town,
        product_slug="omgevingsvergunning",
        person=PersonFactory.create(municipality=town, surname="Laatkomer"),
        started_at=timezone.now() - timedelta(days=90),
    )
    on_time = make_case(municipality=town, product_slug="omgevingsvergunning")

    page.goto("/werkplek/inloggen")
    page.fill("#id_username", "behandelaar")
    page.fill("#id_password", "secret-pass")
    page.click("form.form button[type=submit]")
    page.get_by_role("link", name="Zaken").click()
    page.get_by_role("link", name="Alles wat ik mag zien").click()
    page.select_option("#f-state", "overdue")
    page.get_by_role("button", name="Filteren").click()
    assert page.get_by_role("link", name=late.identification).is_visible()
    assert page.get_by_role("link", name=on_time.identification).count() == 0

    page.get_by_role("link", name=late.identification).click()
    assert page.get_by_test_id("current-step").inner_text() == "Ontvangen"
    timeline = page.get_by_test_id("timeline")
    assert timeline.locator("li").count() == 1
    page.select_option("#id_step", label="Controle volledigheid")
    page.fill("#id_note", "Aanvraag is compleet")
    page.get_by_role("button", name="Stap zetten").click()

    assert page.get_by_role("status").first.inner_text() == "De stap is gewijzigd."
    assert page.get_by_test_id("current-step").inner_text() == "Controle volledigheid"
    assert timeline.locator("li").count() == 2
    first = timeline.locator("li").first.inner_text()
    assert "Controle volledigheid" in first and "Aanvraag is compleet" in first


def test_queue_dates_stay_on_one_line_at_1440_pixels(browser_context: Any, tmp_path: Any) -> None:
    """Issue 11: "16 mrt / 2026" wrapped at 1440 px. Every date and reference in the queue is
    one line high; the screenshot is kept for a person to look at."""
    catalogue_load()
    from loket.cases.services import case_assign

    # Long names squeeze the other columns, as in the demo.
    town = MunicipalityFactory.create(slug="breeddorp", name="Breeddorp aan de Lange Vaart")
    worker = StaffFactory.create(
        username="behandelaar",
        first_name="Maria-Magdalena",
        last_name="van Oldenbarnevelt-Verschuren",
        municipalities=[town],
    )
    for slug in ("kwijtschelding", "omgevingsvergunning", "kapvergunning"):
        case_assign(
            case=make_case(municipality=town, product_slug=slug), assignee=worker, actor=None
        )
    context = browser_context()
    page = context.new_page()
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/werkplek/inloggen")
    page.fill("#id_username", "behandelaar")
    page.fill("#id_password", "secret-pass")
    page.click("form.form button[type=submit]")
    page.goto("/werkplek/zaken?scope=all")
    cells = page.locator("table.table tbody td.nowrap")
    assert cells.count() == 3
    # One line box per cell: the text of a wrapped date would have two.
    lines = cells.evaluate_all(
        "cells => cells.map(c => { const r = document.createRange(); r.selectNodeContents(c);"
        " return [c.innerText, new Set([...r.getClientRects()].map(x => Math.round(x.top))).size];"
        " })"
    )
    assert all(count == 1 for _text, count in lines), lines
    shot = tmp_path / "queue-1440.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
