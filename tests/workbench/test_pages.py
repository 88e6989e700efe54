"""Staff pages show the record's content to those who may see it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ContactFactory, PersonFactory, make_case

pytestmark = pytest.mark.django_db


def test_case_detail_shows_steps_deadline_and_applicant(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    person = PersonFactory.create(municipality=municipality_a, first_name="Noor", surname="Visser")
    case = make_case(municipality=municipality_a, product_slug="paspoort", person=person)
    ContactFactory.create(
        municipality=municipality_a, case=case, person=person, subject="Belt over pasfoto"
    )
    client.force_login(staff_a)
    page = client.get(reverse("workbench:case_detail", args=[case.uuid])).content.decode()
    assert case.identification in page
    assert "Noor Visser" in page
    assert "Ontvangen" in page
    assert "Publiekszaken" in page
    assert "Belt over pasfoto" in page
    assert "op schema" in page


def test_case_list_filters_by_due_state(
    client: Any, catalogue: None, staff_a: Any, municipality_a: Any
) -> None:
    # Overdue: past the statutory term (a passport: eight weeks, Awb 4:13 lid 2).
    late = make_case(
        municipality=municipality_a,
        product_slug="paspoort",
        started_at=timezone.now() - timedelta(days=70),
    )
    # Past the promise of 5 working days, within the eight weeks: not overdue.
    slow = make_case(
        municipality=municipality_a,
        product_slug="paspoort",
        started_at=timezone.now() - timedelta(days=30),
    )
    fresh = make_case(municipality=municipality_a, product_slug="omgevingsvergunning")
    client.force_login(staff_a)
    overdue = client.get(reverse("workbench:case_list"), {"state": "overdue"}).content.decode()
    assert late.identification in overdue and fresh.identification not in overdue
    assert slow.identification not in overdue
    past = client.get(reverse("workbench:case_list"), {"state": "norm_exceeded"}).content.decode()
    assert slow.identification in past and late.identification not in past
    on_track = client.get(reverse("workbench:case_list"), {"state": "on_track"}).content.decode()
    assert fresh.identification in on_track and late.identification not in on_track


def test_staff_without_admin_role_cannot_use_the_django_admin(client: Any, staff_a: Any) -> None:
    client.force_login(staff_a)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
