"""Issue 11, defect 6: interface texts of the workbench. Each test failed before its fix."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from loket.cases.models import CaseEvent
from loket.cases.services import case_extend, case_resume, case_suspend
from loket.lib.calendar import AMSTERDAM
from tests.factories import PersonFactory, make_case

pytestmark = pytest.mark.django_db

MOVED = "Uiterste datum verschoven van"


def test_a_resume_that_does_not_move_the_date_records_no_deadline_change(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    """Asked and answered on the same day: the case resumed, the date stayed. The timeline
    says it resumed and nothing about a date "moved" to itself."""
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=AMSTERDAM)):
        case = make_case(
            municipality=municipality_a,
            product_slug="omgevingsvergunning",
            person=PersonFactory.create(municipality=municipality_a),
        )
        case = case_suspend(case=case, reason="Stuur de tekening", actor=staff_a)
    with time_machine.travel(dt.datetime(2026, 11, 2, 15, 0, tzinfo=AMSTERDAM)):
        case = case_resume(case=case, actor=staff_a, reason="Tekening ontvangen")
    resumed = case.events.get(kind=CaseEvent.Kind.RESUMED)
    assert resumed.due_before is None  # no change recorded ...
    assert resumed.due_after == case.due_at  # ... but the date to expect is kept
    client.force_login(staff_a)
    page = client.get(reverse("workbench:case_detail", args=[case.uuid])).content.decode()
    assert "Hervat" in page and "Tekening ontvangen" in page
    assert MOVED not in page


def test_a_real_move_is_still_shown_and_old_no_op_events_are_hidden(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=AMSTERDAM)):
        case = make_case(municipality=municipality_a, product_slug="omgevingsvergunning")
        before = case.due_at
        case = case_extend(case=case, reason="Advies welstand nodig", actor=staff_a)
    # An event written before the fix: a "change" from a date to the same date.
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.RESUMED,
        at=case.started_at,
        due_before=case.due_at,
        due_after=case.due_at,
    )
    client.force_login(staff_a)
    page = client.get(reverse("workbench:case_detail", args=[case.uuid])).content.decode()
    assert page.count(MOVED) == 1
    extended = case.events.get(kind=CaseEvent.Kind.EXTENDED)
    assert extended.due_before == before and extended.due_after == case.due_at


def test_selects_offer_a_dutch_empty_choice(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    case = make_case(municipality=municipality_a, product_slug="kapvergunning")
    client.force_login(staff_a)
    page = client.get(reverse("workbench:case_detail", args=[case.uuid])).content.decode()
    assert '<option value="" selected>- Kies -</option>' in page
    assert "Select an option" not in page and "---------" not in page


def test_an_optional_field_says_so_once(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    from loket.portal.forms import UploadForm, WithdrawForm

    case = make_case(municipality=municipality_a, product_slug="kapvergunning")
    client.force_login(staff_a)
    page = client.get(reverse("workbench:case_detail", args=[case.uuid])).content.decode()
    assert "(niet verplicht) <span" not in page and "(niet verplicht) (niet verplicht)" not in page
    assert 'Toelichting <span class="muted">(niet verplicht)</span>' in page  # the step form
    assert 'Uiterlijk reageren op <span class="muted">(niet verplicht)</span>' in page  # suspend
    case = case_suspend(case=case, reason="Stuur de foto", actor=staff_a)
    page = client.get(reverse("workbench:case_detail", args=[case.uuid])).content.decode()
    assert page.count('Toelichting <span class="muted">(niet verplicht)</span>') == 1  # resume
    # The resident's forms: the label itself no longer says it; their template does.
    assert str(UploadForm().fields["note"].label) == "Toelichting"
    assert str(WithdrawForm().fields["reason"].label) == "Waarom trekt u uw aanvraag in?"


def test_the_staff_login_page_is_dutch_by_default(client: Any, staff_a: Any) -> None:
    url = reverse("workbench:login")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    for dutch in ("Inloggen op de werkplek", "Gebruikersnaam", "Wachtwoord", ">Inloggen</button>"):
        assert dutch in page
    for english in ("Username", "Password", "Log in"):
        assert english not in page
    wrong = client.post(url, {"username": "worker-a", "password": "fout"}).content.decode()
    assert "Uw gebruikersnaam en wachtwoord horen niet bij elkaar" in wrong
    assert "Please enter" not in wrong and "correct" not in wrong
    staff_a.is_active = False
    staff_a.save()
    inactive = client.post(url, {"username": "worker-a", "password": "secret-pass"})
    assert inactive.status_code == 200
    assert "Uw gebruikersnaam en wachtwoord horen niet bij elkaar" in inactive.content.decode()
