"""The workbench for the legal terms: the case page's dates, the actions on suspension,
resumption, extension, corrected dates and notices of default through their real URLs, the
penalty panel, the queue's due states and the figures for team leads.

Expected dates are the worked examples of ``tests/cases/test_legal_terms.py`` (counted by hand
on a paper calendar of 2026); new ones are worked out in the comments. Interface texts added by
this change are compared with their translation (``_nl``), so the tests hold before and after
the Dutch catalogue has them; dates and service messages are asserted in Dutch.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from loket.accounts.models import Role
from loket.cases.figures import Share, term_figures
from loket.cases.models import Case, CaseEvent, DefaultNotice
from loket.cases.services import case_register_default_notice
from loket.lib.calendar import AMSTERDAM, local_date
from tests.factories import StaffFactory, make_case

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=AMSTERDAM)


def end(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, 59, 999999, tzinfo=AMSTERDAM)


def _nl(text: str) -> str:
    with translation.override("nl"):
        return gettext(text)


def _page(client: Any, case: Case) -> str:
    response = client.get(reverse("workbench:case_detail", args=[case.uuid]))
    assert response.status_code == 200
    return str(response.content.decode())


def _post(client: Any, case: Case, action: str, prefix: str, **fields: Any) -> Any:
    data = {f"{prefix}-{name}": value for name, value in fields.items()}
    if action != "default_notice":
        case.refresh_from_db()
        data.setdefault(f"{prefix}-version", case.version)
    return client.post(reverse("workbench:case_action", args=[case.uuid, action]), data)


def _field_error(page: str, field_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', page)
    assert found, f"no error on {field_id}"
    return found.group(1)


def _parking(municipality: Any) -> Case:
    # Received Monday 9 March 2026: service norm 10 working days -> Mon 23 March; the statutory
    # term eight weeks (Awb 4:13 lid 2) -> Mon 4 May.
    with time_machine.travel(at(2026, 3, 9), tick=False):
        return make_case(municipality=municipality, product_slug="parkeervergunning")


# --- the case page's facts --------------------------------------------------------------------


def test_objection_page_shows_receipt_decision_and_three_dates_with_source(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    # Decision sent Mon 2 March 2026, objection received (and registered) Mon 16 March: the
    # statutory term ends Tue 26 May (Awb 7:10 lid 1, from the end of the objection period).
    with time_machine.travel(at(2026, 3, 16), tick=False):
        case = make_case(
            municipality=municipality_a,
            product_slug="bezwaar",
            contested_decision_on=date(2026, 3, 2),
        )
        client.force_login(staff_a)
        page = _page(client, case)
    assert re.search(r'data-testid="received-on">16 maart 2026 ', page)
    assert "16 maart 2026 10:00" in page  # the moment it was registered, secondary
    assert 'data-testid="contested-decision-on">2 maart 2026<' in page
    assert re.search(r'data-testid="legal-due-at">26 mei 2026 <span class="muted">'
                     r"Awb art. 7:10 lid 1<", page)  # fmt: skip
    with translation.override("nl"):
        norm = date_format(local_date(case.norm_due_at), "j F Y")
    assert f'data-testid="norm-due-at">{norm} ' in page
    assert _nl("Promised date") in page and _nl("Service norm") in page
    assert _nl("Statutory term") in page
    # The correction form asks for the contested decision's date only for an objection.
    assert 'name="dates-contested_decision_on"' in page


def test_a_report_says_it_has_no_statutory_term(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    with time_machine.travel(at(2026, 4, 24), tick=False):
        report = make_case(municipality=municipality_a, product_slug="melding-openbare-ruimte")
        client.force_login(staff_a)
        page = _page(client, report)
    assert f'data-testid="legal-due-at"><span class="muted">{_nl("no statutory term")}<' in page
    assert 'data-testid="due-at">' in page and "4 mei 2026" in page
    assert 'name="dates-contested_decision_on"' not in page
    assert 'name="notice-received_on"' not in page  # no penalty regime (Awb 4:17)


def test_past_the_promise_but_within_the_law_has_its_own_badge(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    case = _parking(municipality_a)
    client.force_login(staff_a)
    with time_machine.travel(at(2026, 3, 30), tick=False):
        page = _page(client, case)
    assert (
        f'<span class="badge badge--norm_exceeded">{_nl("past the promised date")}</span>' in page
    )
    assert 'data-testid="norm-due-at">23 maart 2026' in page
    assert 'data-testid="legal-due-at">4 mei 2026 <span class="muted">Awb art. 4:13 lid 2<' in page
    with time_machine.travel(at(2026, 5, 5), tick=False):
        page = _page(client, case)
    assert f'<span class="badge badge--overdue">{_nl("overdue")}</span>' in page


# --- suspension and resumption (Awb 4:15) -----------------------------------------------------


def test_suspend_on_a_ground_and_day_then_resume_on_the_day_received(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    case = _parking(municipality_a)
    client.force_login(staff_a)
    with time_machine.travel(at(2026, 3, 10), tick=False):
        page = _page(client, case)
        assert '<option value="awb-4:15-1-a" selected>' in page
        assert 'value="awb-7:10-2"' not in page  # an objection's ground, not an application's
        response = _post(
            client,
            case,
            "suspend",
            "suspend",
            reason="Kenteken ontbreekt",
            basis="awb-4:15-1-a",
            stopped_on="2026-03-10",
        )
    assert response.status_code == 302
    suspended = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.SUSPENDED)
    assert (suspended.basis, suspended.effective_on) == ("awb-4:15-1-a", date(2026, 3, 10))
    # The letter arrived on Friday 13 March and is handled on Monday 16 March: 11 and 12 March
    # stood still, so the promise moves from Mon 23 to Wed 25 March.
    with time_machine.travel(at(2026, 3, 16, 9), tick=False):
        assert 'name="resume-received_on"' in _page(client, case)
        response = _post(client, case, "resume", "resume", received_on="2026-03-13")
        assert response.status_code == 302
        page = _page(client, case)
    case.refresh_from_db()
    assert case.suspended_at is None and case.due_at == end(2026, 3, 25)
    assert 'data-testid="due-at">' in page and "25 maart 2026" in page


def test_an_expired_term_cannot_be_suspended_and_the_page_says_why_on_the_day(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    case = _parking(municipality_a)
    client.force_login(staff_a)
    with time_machine.travel(at(2026, 5, 12), tick=False):
        response = _post(client, case, "suspend", "suspend", reason="Nog een stuk")
    assert response.status_code == 409
    page = response.content.decode()
    assert "4 mei 2026" in _field_error(page, "id_suspend-stopped_on")
    assert "Awb 4:17" in _field_error(page, "id_suspend-stopped_on")
    case.refresh_from_db()
    assert case.suspended_at is None and case.version == 1
    assert not case.events.filter(kind=CaseEvent.Kind.SUSPENDED).exists()


def test_consent_to_a_delay_needs_its_last_day(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    case = _parking(municipality_a)
    client.force_login(staff_a)
    with time_machine.travel(at(2026, 3, 10), tick=False):
        refused = _post(client, case, "suspend", "suspend", reason="Akkoord", basis="awb-4:15-2-a")
        assert refused.status_code == 400
        assert _field_error(refused.content.decode(), "id_suspend-respond_before")
        case.refresh_from_db()
        assert case.suspended_at is None
        agreed = _post(
            client,
            case,
            "suspend",
            "suspend",
            reason="Aanvrager stemt schriftelijk in met uitstel",
            basis="awb-4:15-2-a",
            respond_before="2026-03-13",
        )
    assert agreed.status_code == 302
    case.refresh_from_db()
    assert case.awaiting_until == date(2026, 3, 13)


# --- extension by its legal basis -------------------------------------------------------------


def test_special_law_extension_shows_its_rule_and_checks_the_maximum(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    # Received Mon 2 March; 8 weeks end Tue 28 April (27 April is King's Day).
    with time_machine.travel(at(2026, 3, 2), tick=False):
        case = make_case(municipality=municipality_a, product_slug="omgevingsvergunning")
    client.force_login(staff_a)
    with time_machine.travel(at(2026, 4, 20), tick=False):
        page = _page(client, case)
        rule = re.search(r'data-testid="extension-rule">([^<]*)<', page)
        assert rule and "Omgevingswet art. 16.64 lid 2" in rule.group(1)
        assert "6 weken" in rule.group(1)
        assert 'name="extend-term"' in page and 'name="extend-announced_on"' not in page
        assert 'name="extend-consent"' not in page  # no further delay under this law
        bad = _post(client, case, "extend", "extend", reason="Advies", term="vier weken")
        assert bad.status_code == 400
        assert _field_error(bad.content.decode(), "id_extend-term")
        too_long = _post(client, case, "extend", "extend", reason="Advies", term="7w")
        assert too_long.status_code == 400
        assert "Omgevingswet art. 16.64 lid 2" in _field_error(
            too_long.content.decode(), "id_extend-term"
        )
        case.refresh_from_db()
        assert case.extended_at is None and case.legal_due_at == end(2026, 4, 28)
        # Four weeks: 27 April + 4 weeks = Whit Monday 25 May -> Tue 26 May.
        done = _post(client, case, "extend", "extend", reason="Advies welstand", term="4w")
        assert done.status_code == 302
        page = _page(client, case)
    case.refresh_from_db()
    assert case.legal_due_at == case.due_at == end(2026, 5, 26)
    assert 'data-testid="legal-due-at">26 mei 2026' in page
    assert 'name="extend-term"' not in page  # once only


def test_reasonable_term_notice_names_a_date(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    with time_machine.travel(at(2026, 3, 2), tick=False):
        case = make_case(municipality=municipality_a, product_slug="evenementenvergunning")
    client.force_login(staff_a)
    with time_machine.travel(at(2026, 4, 20), tick=False):
        page = _page(client, case)
        assert "Awb art. 4:14 lid 3" in page
        assert 'name="extend-announced_on"' in page and 'name="extend-term"' not in page
        missing = _post(client, case, "extend", "extend", reason="Politieadvies")
        assert missing.status_code == 400
        assert _field_error(missing.content.decode(), "id_extend-announced_on")
        done = _post(
            client, case, "extend", "extend", reason="Politieadvies", announced_on="2026-05-20"
        )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.legal_due_at == case.due_at == end(2026, 5, 20)


def test_objection_extension_then_further_delay_only_with_consent(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    with time_machine.travel(at(2026, 3, 16), tick=False):
        case = make_case(
            municipality=municipality_a,
            product_slug="bezwaar",
            contested_decision_on=date(2026, 3, 2),
        )
    client.force_login(staff_a)
    with time_machine.travel(at(2026, 5, 18), tick=False):
        # Six weeks (7:10 lid 3): raw end Mon 25 May + 6 weeks = Mon 6 July.
        assert _post(client, case, "extend", "extend", reason="Hoorzitting").status_code == 302
        case.refresh_from_db()
        assert case.legal_due_at == end(2026, 7, 6)
        page = _page(client, case)
        assert 'name="extend-consent"' in page  # a further delay stays possible (lid 4)
        refused = _post(client, case, "extend", "extend", reason="Meer tijd", term="2w")
        assert refused.status_code == 409
        case.refresh_from_db()
        assert case.legal_due_at == end(2026, 7, 6)
        agreed = _post(
            client,
            case,
            "extend",
            "extend",
            reason="Bezwaarmaker stemt in",
            term="2w",
            consent="on",
        )
    assert agreed.status_code == 302
    case.refresh_from_db()
    assert case.legal_due_at == end(2026, 7, 20)


# --- correcting the dates ---------------------------------------------------------------------


def test_correcting_the_date_stamp_counts_the_terms_again(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    # Received Fri 6 March, registered Mon 9 March: 10 working days end Fri 20 March; from
    # Thu 5 March they end Thu 19 March.
    with time_machine.travel(at(2026, 3, 9), tick=False):
        case = make_case(
            municipality=municipality_a,
            product_slug="parkeervergunning",
            channel="brief",
            received_on=date(2026, 3, 6),
        )
        client.force_login(staff_a)
        page = _page(client, case)
        assert 'name="dates-received_on" value="2026-03-06"' in page
        future = _post(client, case, "dates", "dates", received_on="2026-03-10", reason="Stempel")
        assert future.status_code == 400
        assert "10 maart 2026" in _field_error(future.content.decode(), "id_dates-received_on")
        case.refresh_from_db()
        assert case.received_on == date(2026, 3, 6) and case.version == 1
        done = _post(
            client,
            case,
            "dates",
            "dates",
            received_on="2026-03-05",
            reason="Datumstempel verkeerd overgenomen",
        )
        assert done.status_code == 302
        page = _page(client, case)
    case.refresh_from_db()
    assert case.received_on == date(2026, 3, 5) and case.norm_due_at == end(2026, 3, 19)
    assert re.search(r'data-testid="received-on">5 maart 2026 ', page)
    assert 'data-testid="norm-due-at">19 maart 2026' in page
    assert "Datumstempel verkeerd overgenomen" in page  # in the timeline


# --- notice of default and the penalty (Awb 4:17) --------------------------------------------


def test_notice_of_default_from_the_page_and_the_penalty_panel(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    case = _parking(municipality_a)  # statutory term ends Mon 4 May 2026
    client.force_login(staff_a)
    with time_machine.travel(at(2026, 5, 12), tick=False):
        assert 'data-testid="penalty"' not in _page(client, case)
        future = _post(client, case, "default_notice", "notice", received_on="2026-05-13")
        assert future.status_code == 400
        assert "13 mei 2026" in _field_error(future.content.decode(), "id_notice-received_on")
        assert not DefaultNotice.objects.exists()
        done = _post(client, case, "default_notice", "notice", received_on="2026-05-12")
        assert done.status_code == 302
    # Notice Tue 12 May: two weeks 13-26 May, first penalty day Wed 27 May, the 42nd Tue 7 July.
    # On Wed 10 June: 14 days of € 23 and one of € 35 = € 357.
    with time_machine.travel(at(2026, 6, 10), tick=False):
        page = _page(client, case)
    panel = page[page.index('data-testid="penalty"') :]
    panel = panel[: panel.index("</section>")]
    for shown in ("12 mei 2026", "27 mei 2026", "7 juli 2026", "<dd>15</dd>", "€ 357"):
        assert shown in panel, shown
    assert "Awb art. 4:17" in panel and "Awb art. 4:18" in panel


def test_no_notice_of_default_where_no_penalty_applies(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    with time_machine.travel(at(2026, 3, 9), tick=False):
        report = make_case(municipality=municipality_a, product_slug="melding-openbare-ruimte")
    client.force_login(staff_a)
    with time_machine.travel(at(2026, 5, 12), tick=False):
        response = _post(client, report, "default_notice", "notice", received_on="2026-05-12")
    assert response.status_code == 409
    # The form is not offered for a report, so the refusal is the page's alert.
    alert = re.search(r'role="alert">([^<]*)<', response.content.decode())
    assert alert and "Awb 4:17" in alert.group(1)
    assert not DefaultNotice.objects.exists()


def test_an_outsider_gets_404_on_every_new_action(
    client: Any, catalogue: None, staff_a: Any, staff_b: Any, municipality_a: Any
) -> None:
    case = _parking(municipality_a)
    client.force_login(staff_b)
    with time_machine.travel(at(2026, 3, 10), tick=False):
        posts = {
            ("suspend", "suspend"): {"reason": "x", "basis": "awb-4:15-2-c"},
            ("resume", "resume"): {"received_on": "2026-03-10"},
            ("extend", "extend"): {"reason": "x", "announced_on": "2026-06-01"},
            ("dates", "dates"): {"received_on": "2026-03-06", "reason": "x"},
            ("default_notice", "notice"): {"received_on": "2026-03-10"},
        }
        for (action, prefix), fields in posts.items():
            assert _post(client, case, action, prefix, **fields).status_code == 404, action
        assert client.get(reverse("workbench:case_detail", args=[case.uuid])).status_code == 404
    case.refresh_from_db()
    assert case.version == 1 and not case.events.exists()
    assert not DefaultNotice.objects.exists()


# --- the queue and the dashboard ------------------------------------------------------------


def test_queue_tells_past_the_promise_from_overdue(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    case = _parking(municipality_a)
    client.force_login(staff_a)
    url = reverse("workbench:case_list")
    with time_machine.travel(at(2026, 3, 30), tick=False):
        exceeded = client.get(url, {"scope": "all", "state": "norm_exceeded"}).content.decode()
        overdue = client.get(url, {"scope": "all", "state": "overdue"}).content.decode()
    assert case.identification in exceeded and case.identification not in overdue
    assert f'badge--norm_exceeded">{_nl("past the promised date")}<' in exceeded
    with time_machine.travel(at(2026, 5, 5), tick=False):
        exceeded = client.get(url, {"scope": "all", "state": "norm_exceeded"}).content.decode()
        overdue = client.get(url, {"scope": "all", "state": "overdue"}).content.decode()
        dashboard = client.get(reverse("workbench:dashboard")).content.decode()
    assert case.identification in overdue and case.identification not in exceeded
    assert 'state=overdue">1<' in dashboard and 'state=norm_exceeded">0<' in dashboard


def _closed(case: Case, on: datetime) -> None:
    # The figures read only ``closed_at``; setting it directly keeps the hand-made data small.
    Case.objects.filter(pk=case.pk).update(closed_at=on)


@pytest.fixture
def worked_figures(catalogue: None, staff_a: Any, municipality_a: Any, municipality_b: Any) -> Any:
    """Parking permits received Mon 9 March 2026 (norm Mon 23 March, statutory Mon 4 May) and
    one report (norm 5 working days: Mon 16 March, no statutory term). The period is 15 March
    up to and including 10 June 2026.

    - early: closed Fri 13 March, before the period: not counted.
    - prompt: closed Fri 20 March: within the norm and the statutory term.
    - late: closed Wed 1 April: past the norm, within the statutory term.
    - report: closed Fri 20 March: past the norm; it has no statutory term.
    - open_penalty: notice Tue 12 May, still open on 10 June: 14 x 23 + 35 = € 357.
    - decided: notice Tue 12 May, decided Wed 3 June: 27 May - 2 June, 7 x 23 = € 161; closed
      in the period, past both terms.
    - elsewhere: municipality B, notice 12 May: staff of A never count it.

    Notices: 2. Cases owing a penalty: 2, € 518. Closed in the period: prompt, late, report,
    decided = 4, within the norm 1 (25%); with a statutory term 3, within it 2 (67%).
    """
    made = {
        name: _parking(municipality_a)
        for name in ("early", "prompt", "late", "open_penalty", "decided")
    }
    made["elsewhere"] = _parking(municipality_b)
    with time_machine.travel(at(2026, 3, 9), tick=False):
        made["report"] = make_case(
            municipality=municipality_a, product_slug="melding-openbare-ruimte"
        )
    with time_machine.travel(at(2026, 5, 12), tick=False):
        for name in ("open_penalty", "decided", "elsewhere"):
            case_register_default_notice(
                case=made[name], received_on=date(2026, 5, 12), actor=staff_a
            )
    _closed(made["early"], at(2026, 3, 13))
    _closed(made["prompt"], at(2026, 3, 20))
    _closed(made["late"], at(2026, 4, 1))
    _closed(made["report"], at(2026, 3, 20))
    _closed(made["decided"], at(2026, 6, 3))
    return made


def test_term_figures_on_hand_worked_data(worked_figures: Any, staff_a: Any) -> None:
    figures = term_figures(staff_a, since=date(2026, 3, 15), until=date(2026, 6, 10))
    assert figures.notices == 2
    assert figures.cases_with_penalty == 2
    assert figures.penalties == Decimal("518")
    assert figures.within_norm == Share(1, 4) and figures.within_norm.percent == 25
    assert figures.within_statutory == Share(2, 3) and figures.within_statutory.percent == 67
    # A period with nothing closed has no percentage, not a division by zero.
    empty = term_figures(staff_a, since=date(2025, 1, 1), until=date(2025, 12, 31))
    assert empty.within_norm == Share(0, 0) and empty.within_norm.percent is None


def test_dashboard_shows_the_figures_to_team_leads_only(
    client: Any, worked_figures: Any, staff_a: Any, municipality_a: Any
) -> None:
    lead = StaffFactory.create(
        username="lead-a", role=Role.TEAM_LEAD, municipalities=[municipality_a]
    )
    # The dashboard counts the 365 days up to today: 11 June 2025 - 10 June 2026 holds the
    # same cases as the worked period (the early one included: closed within the norm).
    with time_machine.travel(at(2026, 6, 10), tick=False):
        client.force_login(lead)
        page = client.get(reverse("workbench:dashboard")).content.decode()
        client.force_login(
            StaffFactory.create(username="plain-worker", municipalities=[municipality_a])
        )
        worker_page = client.get(reverse("workbench:dashboard")).content.decode()
    assert 'data-testid="figure-notices">2<' in page
    assert 'data-testid="figure-penalty-cases">2<' in page
    assert 'data-testid="figure-penalties">€ 518<' in page
    assert re.search(r'data-testid="figure-norm">2 \w+ 5 \(40%\)<', page)
    assert re.search(r'data-testid="figure-statutory">3 \w+ 4 \(75%\)<', page)
    assert "11 juni 2025" in page and "10 juni 2026" in page
    assert 'data-testid="term-figures"' not in worker_page
