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
    town = MunicipalityFactory(slug="browserdorp", name="Browserdorp")
    StaffFactory(username="behandelaar", municipalities=[town])
    late = make_case(
        municipality=town,
        product_slug="omgevingsvergunning",
        person=PersonFactory(municipality=town, surname="Laatkomer"),
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
