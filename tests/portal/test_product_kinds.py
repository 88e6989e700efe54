"""A report reads like a report (issue 11, defect 9): "Melden", "uw melding", "We handelen uw
melding af", never "Aanvragen", "aanvraag" or "We beslissen", on the product page, the apply
flow, the received page, Mijn Loket and the notification texts; an application still applies."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from loket.cases.services import case_set_status
from loket.catalogue.kinds import Kind, phrases
from loket.lib.calendar import AMSTERDAM
from loket.notifications.models import OutboxMessage
from loket.reports.services import report_create
from tests.factories import make_case
from tests.portal.conftest import login
from tests.reports.conftest import MARKT, STAD_AREA, report_setup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_login_on")]

REPORT = "melding-openbare-ruimte"


def url(name: str, town: Any, **kwargs: Any) -> str:
    return reverse(f"portal:{name}", kwargs={"municipality": town.slug, **kwargs})


def text(response: Any) -> str:
    """The visible words of a page, without tags (a CSS class may say anything)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def assert_report_words(words: str) -> None:
    assert "aanvraag" not in words.lower()
    assert "We beslissen" not in words
    assert "Aanvragen" not in words


def test_report_product_page_says_melden_and_an_application_still_says_aanvragen(
    client: Any, town: Any
) -> None:
    report = text(client.get(url("product", town, product=REPORT)))
    assert "Melden" in report
    assert_report_words(report)
    permit = client.get(url("product", town, product="parkeervergunning")).content.decode()
    assert re.search(r'class="button button--primary"[^>]*>Aanvragen</a>', permit)


def test_reporting_online_speaks_of_a_report_from_form_to_mijn_loket(
    client: Any, town: Any, resident: Any
) -> None:
    report_setup(town, STAD_AREA)
    login(client, town, resident)
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM), tick=False):
        # The former application form's address leads to the report form with the map.
        old = client.get(url("apply", town, product=REPORT))
        assert old.status_code == 301 and old["Location"] == url("report_form", town)
        form = text(client.get(url("report_form", town)))
        assert_report_words(form)
        made = report_create(
            site=town,
            point=MARKT,
            category="lantaarnpaal",
            description="Lamp is kapot.",
            person=resident,
        )
        case = made.report.case
        # 10 working days (the street-light category's norm) from Monday 23 November 2026:
        # Monday 7 December.
        received = OutboxMessage.objects.get(event="case_received", case=case).body_text
        assert "We handelen uw melding uiterlijk op 7 december 2026 af." in received
        assert_report_words(received)

        page = text(client.get(url("mijn_case", town, uuid=case.uuid)))
        assert "Waar uw melding nu is" in page
        assert "We handelen uw melding uiterlijk op 7 december af." in page
        assert_report_words(page)
        home = text(client.get(url("mijn", town)))
        assert "Melding Zaaknummer" in home  # the kind, as a tag before the reference
        assert "We handelen uw melding uiterlijk op 7 december af." in home
        assert_report_words(home)


def test_notifications_about_a_report_speak_of_a_report(town: Any, resident: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM), tick=False):
        case = make_case(municipality=town, person=resident, product_slug=REPORT)
        final = case.case_type.final_step
        case_set_status(
            case=case,
            step=final,
            actor=None,
            result=case.case_type.results.get(code="opgelost"),
        )
    received = OutboxMessage.objects.get(event="case_received")
    assert received.subject == f"We hebben uw melding ontvangen ({case.identification})"
    assert "We hebben uw melding “Melding openbare ruimte” ontvangen." in received.body_text
    assert "We handelen uw melding uiterlijk op 30 november 2026 af." in received.body_text
    decision = OutboxMessage.objects.get(event="decision")
    assert decision.subject == f"Uw melding is afgehandeld ({case.identification})"
    assert "We hebben uw melding “Melding openbare ruimte” afgerond: Opgelost." in (
        decision.body_text
    )
    for message in (received, decision):
        assert_report_words(message.subject + message.body_text)


def test_notifications_about_an_application_keep_their_words(town: Any, resident: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM), tick=False):
        case = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    received = OutboxMessage.objects.get(case=case)
    assert received.subject == f"We hebben uw aanvraag ontvangen ({case.identification})"
    assert (
        "We hebben uw aanvraag voor Parkeervergunning voor bewoners ontvangen. Uw kenmerk is"
        f" {case.identification}. We beslissen uiterlijk op 7 december 2026." in received.body_text
    )


def test_every_kind_has_all_its_words_in_both_languages() -> None:
    from django.utils import translation

    for language in ("nl", "en"):
        with translation.override(language):
            seen = set()
            for kind in Kind.values:
                words = phrases(kind)
                assert words.action and words.noun and words.outcome
                assert "7 december" in words.deadline("7 december")
                assert "7 december" in words.new_deadline("7 december")
                seen.add(words.action)
            assert len(seen) == len(Kind.values)  # every kind has its own button
    with translation.override("nl"):
        assert phrases("report").action == "Melden"
        assert phrases("complaint").action == "Klacht indienen"
        assert phrases("question").action == "Vraag stellen"
        assert phrases("application").action == "Aanvragen"
