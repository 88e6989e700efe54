"""The demo: three municipalities, every role, a year of history; loading twice adds nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from loket.accounts.models import Role, User
from loket.cases.models import Case, CaseStatus
from loket.contacts.models import Contact
from loket.demo.demo_data import load_demo
from loket.lib.identifiers import bsn_is_valid
from loket.parties.models import Person
from loket.tenancy.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> dict[str, int]:
    return load_demo()


def test_the_demo(client: Any, demo: dict[str, int]) -> None:
    """One load of the demo (about 15 s), checked from every side in turn; the checks that add
    to it (a new case, loading again) come last."""
    _demo_has_what_the_readme_promises(demo)
    _status_history_is_consistent(demo)
    _demo_accounts_log_in_and_see_their_work(client, demo)
    _demo_has_notices_of_default_with_their_penalty(demo)
    _identifications_are_unique_and_continue_after_the_demo(demo)
    _loading_twice_does_not_duplicate(demo)


def _demo_has_what_the_readme_promises(demo: dict[str, int]) -> None:
    municipalities = Municipality.objects.order_by("name")
    assert [m.name for m in municipalities] == ["Beekveld", "Lindeoord", "Waterdal"]
    assert {
        m.service_organisation.name if m.service_organisation else None for m in municipalities
    } == {"Dienstverlening Lindenwaard"}
    assert Municipality.objects.get(slug="lindeoord").additional_packages.count() == 0
    assert Municipality.objects.get(slug="waterdal").additional_packages.count() >= 1
    assert {u.role for u in User.objects.all()} == set(Role.values)

    assert 2000 <= Case.objects.count() <= 5000
    assert Contact.objects.count() >= Case.objects.count()
    assert all(bsn_is_valid(bsn) for bsn in Person.objects.values_list("bsn", flat=True))

    now = timezone.now()
    open_cases = Case.objects.filter(closed_at__isnull=True)
    assert open_cases.filter(due_at__lt=now).exists(), "some cases are overdue"
    assert open_cases.filter(at_risk_at__lte=now, due_at__gte=now).exists(), "some at risk"
    assert open_cases.filter(at_risk_at__gt=now).exists(), "some on track"
    closed = Case.objects.filter(closed_at__isnull=False)
    assert closed.count() > open_cases.count()
    assert not closed.filter(result__isnull=True).exists()
    assert Case.objects.filter(started_at__lt=now - timedelta(days=300)).exists()
    assert set(Contact.objects.values_list("channel", flat=True)) >= {"telefoon", "balie", "web"}


def _status_history_is_consistent(demo: dict[str, int]) -> None:
    for case in Case.objects.select_related("status", "case_type")[:300]:
        history = list(case.statuses.select_related("step"))
        assert history[0].step.code == "ontvangen"
        assert history[0].set_at == case.started_at
        assert history[-1].step == case.status
        numbers = [s.step.number for s in history]
        assert numbers == sorted(numbers)
        times = [s.set_at for s in history]
        assert times == sorted(times)
        assert (case.closed_at is not None) == (case.status == case.case_type.final_step)


def _identifications_are_unique_and_continue_after_the_demo(demo: dict[str, int]) -> None:
    duplicates = (
        Case.objects.values("municipality", "identification")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()
    from tests.factories import make_case

    waterdal = Municipality.objects.get(slug="waterdal")
    year = timezone.localtime().year
    highest = (
        Case.objects.filter(municipality=waterdal, identification__startswith=f"ZAAK-{year}-")
        .order_by("-identification")
        .values_list("identification", flat=True)
        .first()
    )
    new = make_case(municipality=waterdal)
    assert highest is not None
    assert int(new.identification.rsplit("-", 1)[1]) == int(highest.rsplit("-", 1)[1]) + 1


def _loading_twice_does_not_duplicate(demo: dict[str, int]) -> None:
    counts = (
        Case.objects.count(),
        Contact.objects.count(),
        Person.objects.count(),
        CaseStatus.objects.count(),
    )
    call_command("load_demo")
    assert load_demo() == {}
    assert counts == (
        Case.objects.count(),
        Contact.objects.count(),
        Person.objects.count(),
        CaseStatus.objects.count(),
    )


def _demo_accounts_log_in_and_see_their_work(client: Any, demo: dict[str, int]) -> None:
    assert client.login(username="waterdal", password="demo")
    page = client.get(reverse("workbench:dashboard")).content.decode()
    assert "Waterdal" in page and "Beekveld" not in page
    client.logout()
    assert client.login(username="sociaalteam", password="demo")
    listing = client.get(reverse("workbench:case_list")).content.decode()
    shown = Case.objects.filter(partner__slug="sociaal-team", closed_at__isnull=True).count()
    assert f"{shown} " in listing
    assert "<td>Paspoort aanvragen</td>" not in listing
    assert "<td>Wmo: hulp en ondersteuning thuis</td>" in listing


def _demo_has_notices_of_default_with_their_penalty(demo: dict[str, int]) -> None:
    """Awb 4:17: a few overdue cases carry a notice, so the penalty panel has something."""
    from loket.cases.models import DefaultNotice
    from loket.cases.services import case_penalty

    notices = list(DefaultNotice.objects.select_related("case__product__case_type"))
    assert notices and demo["default_notices"] == len(notices)
    for notice in notices:
        case = notice.case
        assert case.legal_due_at is not None and case.legal_due_at < timezone.now()
        statement = case_penalty(case)
        assert statement is not None
        assert statement.first_day > notice.received_on  # two weeks after the later day
