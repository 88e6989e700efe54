"""In headless Chromium: a front-office agent finds a resident by postcode and house number,
answers the question from a knowledge article and registers the contact, in three clicks."""

from __future__ import annotations

import datetime as dt
import shutil
from typing import Any

import pytest

from loket.accounts.models import Role
from loket.catalogue.models import Product
from loket.catalogue.services import catalogue_load
from loket.contacts.models import Contact
from loket.knowledge.models import Article
from tests.factories import MunicipalityFactory, PersonFactory, StaffFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed"),
]


def test_agent_answers_from_the_knowledge_base_and_registers_in_three_clicks(page: Any) -> None:
    catalogue_load()  # also builds the wegwijzer index, after its transaction commits
    town = MunicipalityFactory.create(slug="kccdorp", name="KCC-dorp")
    StaffFactory.create(
        username="balie", first_name="Bente", role=Role.FRONT_OFFICE, municipalities=[town]
    )
    resident = PersonFactory.create(
        municipality=town,
        first_name="Noor",
        surname="Hendriks",
        postcode="3312 CD",
        house_number="7",
        phone="+31612345678",
    )
    PersonFactory.create(
        municipality=town, surname="Buurvrouw", postcode="3312 CD", house_number="9"
    )
    article = Article.objects.create(
        product=Product.objects.get(slug="grofvuil"),
        title_nl="Grofvuil laten ophalen",
        title_en="Bulky waste collection",
        answer_nl="Maak online een afspraak. Zet het grofvuil de avond ervoor aan de straat.",
        answer_en="Book online. Put it out the evening before.",
        instructions_nl="Vier keer per jaar gratis; daarna € 25.",
        valid_from=dt.date(2020, 1, 1),
    )

    page.goto("/werkplek/inloggen")
    page.fill("#id_username", "balie")
    page.fill("#id_password", "secret-pass")
    page.click("form.form button[type=submit]")
    page.get_by_role("link", name="Klantcontact").click()

    clicks = 0

    def click(locator: Any) -> None:
        nonlocal clicks
        clicks += 1
        locator.click()

    # 1. Find the resident by postcode and house number: one match opens the single view.
    page.fill("#q", "3312cd 7")
    click(page.get_by_role("button", name="Zoeken"))
    assert page.get_by_role("heading", level=1).inner_text() == "Noor Hendriks"
    assert "Buurvrouw" not in page.content()

    # 2. Type the resident's question in their words; the knowledge article answers it.
    page.fill("#vraag", "hoe kom ik van mijn oude bank en matras af")
    click(page.get_by_role("button", name="Antwoord zoeken"))
    answer = page.locator("article.answer").first
    assert "Zet het grofvuil de avond ervoor aan de straat" in answer.inner_text()
    assert "Vier keer per jaar gratis" in answer.inner_text()  # the staff instructions

    # 3. Answered: register the contact (channel preselected: phone).
    click(answer.get_by_role("button", name="Beantwoord — contact registreren"))
    assert (
        "Contact geregistreerd: Grofvuil laten ophalen"
        in page.get_by_role("status").first.inner_text()
    )
    assert clicks <= 3

    contact = Contact.objects.get(person=resident)
    assert (
        contact.article,
        contact.channel,
        contact.outcome,
        contact.resolved_on_first_contact,
    ) == (
        article,
        "telefoon",
        "answered",
        True,
    )
    # The single view now lists the contact.
    assert page.get_by_role("link", name="Grofvuil laten ophalen").is_visible()


def test_search_by_bsn_keeps_the_bsn_out_of_every_address(page: Any) -> None:
    """Issue 11: the search box is a POST form, so the BSN is in no URL the browser visits
    (history, access log, Referer); one match opens the single view as before."""
    catalogue_load()
    town = MunicipalityFactory.create(slug="bsndorp", name="BSN-dorp")
    StaffFactory.create(username="balie", role=Role.FRONT_OFFICE, municipalities=[town])
    PersonFactory.create(municipality=town, bsn="111222333", first_name="Noor", surname="Hendriks")
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))

    page.goto("/werkplek/inloggen")
    page.fill("#id_username", "balie")
    page.fill("#id_password", "secret-pass")
    page.click("form.form button[type=submit]")
    page.get_by_role("link", name="Klantcontact").click()
    page.fill("#q", "111222333")
    page.get_by_role("button", name="Zoeken").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Noor Hendriks"
    assert "111222333" in page.content()  # on the page ...
    assert visited and not [url for url in visited if "111222333" in url]  # ... in no URL

    # An unknown BSN: the link to register the resident carries an opaque key, not the BSN.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Klantcontact"
    ).click()
    page.fill("#q", "123456782")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name="Nieuwe inwoner registreren").last.click()
    assert page.get_by_label("BSN").input_value() == "123456782"
    assert not [url for url in visited if "123456782" in url]
