"""A resident never reads a date that has already passed as a promise (issue 12).

Every open case of the demo is opened in Mijn Loket by its own applicant; every date in a
sentence that says what will happen (marked ``data-promise``: the expected date, the law's term,
the response date, the timeline's "we now decide on ...") must be today or later. Dates of what
happened (the timeline's time stamps, "received on") are not promises and are not marked.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from loket.cases.models import Case, DueState
from loket.cases.services import case_resume, case_suspend
from loket.demo.demo_data import load_demo
from loket.lib.calendar import AMSTERDAM
from tests.portal.conftest import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_login_on")]

MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ],
        start=1,
    )
}
_DATE = re.compile(r"\b(\d{1,2}) (" + "|".join(MONTHS) + r")(?: (\d{4}))?\b")
_PROMISE = re.compile(r"<[^>]*\bdata-promise\b[^>]*>(.*?)</(?:p|span)>", re.S)


def promised_dates(html: str, today: dt.date) -> list[dt.date]:
    """The dates in the page's promise sentences (a date without a year is this year's, as the
    portal writes it)."""
    found = []
    for sentence in _PROMISE.findall(html):
        for day, month, year in _DATE.findall(re.sub(r"<[^>]+>", " ", sentence)):
            found.append(dt.date(int(year or today.year), MONTHS[month], int(day)))
    return found


def test_the_checker_sees_a_past_date() -> None:
    html = '<p class="expected" data-promise>We beslissen uiterlijk op 4 mei.</p>'
    assert promised_dates(html, dt.date(2026, 5, 12)) == [dt.date(2026, 5, 4)]
    assert promised_dates(
        "<span data-promise>op 17 februari 2027</span>", dt.date(2026, 5, 12)
    ) == [dt.date(2027, 2, 17)]


def test_every_demo_case_shows_its_resident_only_dates_from_today_on(client: Any) -> None:
    load_demo()
    today = timezone.localdate()
    cases = list(
        Case.objects.filter(closed_at__isnull=True, initiator_person__isnull=False)
        .exclude(initiator_person__bsn="")
        .select_related("municipality", "initiator_person", "product__case_type")
    )
    states = {case.due_state() for case in cases}
    # The walk must meet every situation in which a stale date could appear.
    assert {
        DueState.ON_TRACK,
        DueState.AT_RISK,
        DueState.NORM_EXCEEDED,
        DueState.OVERDUE,
        DueState.SUSPENDED,
    } <= states, states
    checked = 0
    for case in cases:
        login(client, case.municipality, case.initiator_person)
        for name in ("portal:mijn_case", "portal:mijn_case_received"):
            url = reverse(name, kwargs={"municipality": case.municipality.slug, "uuid": case.uuid})
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            past = [day for day in promised_dates(html, today) if day < today]
            assert not past, f"{case.identification} ({case.due_state()}) promises {past}"
            checked += 1
    assert checked == 2 * len(cases) and checked > 100


def test_a_moved_date_that_has_passed_is_no_longer_promised(
    client: Any, town: Any, resident: Any
) -> None:
    from tests.factories import StaffFactory, make_case

    staff = StaffFactory.create(username="clerk", municipalities=[town])
    with time_machine.travel(dt.datetime(2026, 3, 9, 10, tzinfo=AMSTERDAM), tick=False):
        case = make_case(municipality=town, product_slug="parkeervergunning", person=resident)
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, tzinfo=AMSTERDAM), tick=False):
        case = case_suspend(case=case, reason="Kentekenbewijs", actor=staff)
    with time_machine.travel(dt.datetime(2026, 3, 13, 10, tzinfo=AMSTERDAM), tick=False):
        case = case_resume(case=case, actor=staff)
        login(client, town, resident)
        page = client.get(reverse("portal:mijn_case", args=[town.slug, case.uuid])).content.decode()
        # On the day: the new promise, Wednesday 25 March.
        assert "We beslissen nu uiterlijk op 25 maart" in page
    with time_machine.travel(dt.datetime(2026, 3, 30, 10, tzinfo=AMSTERDAM), tick=False):
        login(client, town, resident)
        page = client.get(reverse("portal:mijn_case", args=[town.slug, case.uuid])).content.decode()
        assert "25 maart" not in " ".join(_PROMISE.findall(page))
        # Past the promise: the law's term (Mon 4 May + 2 suspended days = Wed 6 May) is named.
        assert "Het duurt langer dan we beloofden" in page
        assert "6 mei" in page
    with time_machine.travel(dt.datetime(2026, 5, 12, 10, tzinfo=AMSTERDAM), tick=False):
        login(client, town, resident)
        page = client.get(reverse("portal:mijn_case", args=[town.slug, case.uuid])).content.decode()
        assert promised_dates(page, dt.date(2026, 5, 12)) == []
        assert "U kunt ons schriftelijk in gebreke stellen" in page
        # The applicant gave notice on 12 May (term ended Wed 6 May): penalty from 27 May.
        from loket.cases.services import case_register_default_notice

        case_register_default_notice(case=case, received_on=dt.date(2026, 5, 12), actor=staff)
        page = client.get(reverse("portal:mijn_case", args=[town.slug, case.uuid])).content.decode()
        assert "we hebben uw ingebrekestelling ontvangen" in page
        assert "vanaf 27 mei een dwangsom" in page
        assert "U kunt ons schriftelijk in gebreke stellen" not in page
    with time_machine.travel(dt.datetime(2026, 6, 2, 10, tzinfo=AMSTERDAM), tick=False):
        login(client, town, resident)
        page = client.get(reverse("portal:mijn_case", args=[town.slug, case.uuid])).content.decode()
        assert promised_dates(page, dt.date(2026, 6, 2)) == []
        assert "We zijn u een dwangsom verschuldigd" in page


def test_a_date_counted_across_a_predicted_bridge_day_says_it_is_provisional(
    client: Any, town: Any, resident: Any
) -> None:
    """Atw art. 3 lid 3: no decree covers 2029 yet; Loket predicts Friday 11 May 2029 (the
    Friday after Ascension Day) and tells the resident the date may still change."""
    from tests.factories import make_case

    with time_machine.travel(dt.datetime(2029, 5, 7, 10, tzinfo=AMSTERDAM), tick=False):
        case = make_case(municipality=town, product_slug="verhuizing", person=resident)
        login(client, town, resident)
        page = client.get(reverse("portal:mijn_case", args=[town.slug, case.uuid])).content.decode()
    assert 'data-testid="provisional"' in page and "11 mei" in page
    with time_machine.travel(dt.datetime(2026, 3, 9, 10, tzinfo=AMSTERDAM), tick=False):
        other = make_case(municipality=town, product_slug="verhuizing", person=resident)
        login(client, town, resident)
        page = client.get(
            reverse("portal:mijn_case", args=[town.slug, other.uuid])
        ).content.decode()
    assert 'data-testid="provisional"' not in page
