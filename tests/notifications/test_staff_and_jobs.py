"""Staff hear about work: new assignments, cases at risk, overdue callbacks; periodic jobs run
once per slot, also with several workers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from loket.accounts.models import Role
from loket.cases.jobs import AT_RISK_WARNINGS, RESPOND_REMINDERS
from loket.cases.services import case_assign, case_suspend
from loket.contacts.jobs import OVERDUE_CALLBACKS
from loket.contacts.models import Contact
from loket.contacts.services import Receiver, contact_register
from loket.lib.calendar import AMSTERDAM
from loket.notifications.jobs import Job, registered_jobs, run_due_jobs
from loket.notifications.models import JobRun, OutboxMessage, StaffNotification
from loket.organisation.models import Team
from loket.portal.jobs import CLEAN_DRAFTS
from tests.factories import StaffFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def parking(town: Any) -> Any:
    worker = StaffFactory.create(username="parkeren", municipalities=[town], first_name="Piet")
    worker.teams.set(Team.objects.filter(slug="parkeren"))
    return worker


def test_assignment_notifies_the_colleague_and_shows_in_the_workbench(
    client: Any, town: Any, resident: Any, parking: Any
) -> None:
    lead = StaffFactory.create(username="lead", role=Role.TEAM_LEAD, municipalities=[town])
    case = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    case_assign(case=case, assignee=parking, actor=lead)
    note = StaffNotification.objects.get(user=parking)
    assert note.kind == "assigned" and case.identification in note.text
    client.force_login(parking)
    nav = client.get(reverse("workbench:dashboard")).content.decode()
    assert '1<span class="visually-hidden"> ongelezen' in nav
    page = client.get(reverse("workbench:notifications")).content.decode()
    assert case.identification in page
    assert reverse("workbench:case_detail", kwargs={"uuid": case.uuid}) in page
    client.post(reverse("workbench:notifications"))
    assert StaffNotification.objects.get(user=parking).read_at is not None
    client.force_login(lead)
    assert (
        case.identification not in client.get(reverse("workbench:notifications")).content.decode()
    )


def test_at_risk_warning_reaches_the_team_once(town: Any, resident: Any, parking: Any) -> None:
    start = dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)
    with time_machine.travel(start, tick=False):
        case = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    assert case.at_risk_at.astimezone(AMSTERDAM).date() == dt.date(2026, 12, 5)  # 80% of the term
    with time_machine.travel(dt.datetime(2026, 12, 4, 9, 0, tzinfo=AMSTERDAM), tick=False):
        run_due_jobs((AT_RISK_WARNINGS,))  # not at risk yet
    assert not StaffNotification.objects.exists()
    with time_machine.travel(dt.datetime(2026, 12, 6, 9, 0, tzinfo=AMSTERDAM), tick=False):
        ran = run_due_jobs((AT_RISK_WARNINGS,))
        again = run_due_jobs((AT_RISK_WARNINGS,))  # same slot: a second worker does nothing
    assert ran and again == []
    note = StaffNotification.objects.get(user=parking, kind="at_risk")
    assert case.identification in note.text
    with time_machine.travel(dt.datetime(2026, 12, 6, 9, 30, tzinfo=AMSTERDAM), tick=False):
        run_due_jobs((AT_RISK_WARNINGS,))  # next slot: runs, but tells nobody twice
    assert StaffNotification.objects.filter(kind="at_risk").count() == 1
    assert JobRun.objects.filter(job="at_risk_warnings").count() == 3


def test_overdue_callback_reaches_the_team(town: Any, resident: Any) -> None:
    kcc = StaffFactory.create(username="kcc", role=Role.FRONT_OFFICE, municipalities=[town])
    kcc.teams.set(Team.objects.filter(slug="klantcontactcentrum"))
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM), tick=False):
        contact_register(
            municipality=town,
            actor=None,
            channel="telefoon",
            subject="Bel mij terug",
            text="Vraag over de afvalpas",
            outcome=Contact.Outcome.CALLBACK,
            person=resident,
            receiver=Receiver(team=Team.objects.get(slug="klantcontactcentrum")),
        )
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, tzinfo=AMSTERDAM), tick=False):
        run_due_jobs((OVERDUE_CALLBACKS,))
    note = StaffNotification.objects.get(user=kcc)
    assert note.kind == "overdue_callback" and "afvalpas" in note.text


@pytest.mark.parametrize(
    ("today", "reminded"),
    [
        (dt.date(2026, 12, 2), False),  # Wednesday: three working days before
        (dt.date(2026, 12, 3), True),  # Thursday: two working days before Monday 7 December
        (dt.date(2026, 12, 8), False),  # the day after: the date has passed, no reminder of it
    ],
)
def test_awb_4_5_reminder_two_working_days_before_the_response_date(
    town: Any, resident: Any, today: dt.date, reminded: bool
) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM), tick=False):
        case = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
        case_suspend(
            case=case,
            reason="Stuur uw kentekenbewijs.",
            actor=None,
            respond_before=dt.date(2026, 12, 7),
        )
    moment = dt.datetime.combine(today, dt.time(8, 0), tzinfo=AMSTERDAM)
    with time_machine.travel(moment, tick=False):
        run_due_jobs((RESPOND_REMINDERS,))
        run_due_jobs((RESPOND_REMINDERS,))
    reminders = list(OutboxMessage.objects.filter(event="reminder"))
    assert len(reminders) == (1 if reminded else 0)
    if reminded:
        assert "Stuur uw kentekenbewijs." in reminders[0].body_text
        assert "7 december 2026" in reminders[0].body_text


def test_no_reminder_for_an_agreed_delay(town: Any, resident: Any) -> None:
    """Awb 4:15 lid 2 a: a delay the applicant agreed to asks nothing of them."""
    from loket.catalogue.terms import SuspensionBasis

    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM), tick=False):
        case = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
        case_suspend(
            case=case,
            reason="Aanvrager stemt in met uitstel",
            actor=None,
            respond_before=dt.date(2026, 12, 7),
            basis=SuspensionBasis.CONSENT,
        )
    with time_machine.travel(dt.datetime(2026, 12, 3, 8, 0, tzinfo=AMSTERDAM), tick=False):
        run_due_jobs((RESPOND_REMINDERS,))
    assert not OutboxMessage.objects.filter(event="reminder").exists()


def test_a_failing_job_does_not_stop_the_others(town: Any) -> None:
    def broken() -> str:
        raise RuntimeError("boom")

    ran = run_due_jobs((Job("broken", dt.timedelta(minutes=5), broken), CLEAN_DRAFTS))
    assert ran[0] == "broken: failed: boom"
    assert ran[1].startswith("clean_drafts")


def test_every_app_registers_its_own_jobs_with_the_scheduler() -> None:
    """The scheduler in notifications knows no domain: cases, contacts, appointments and the
    portal add their
    jobs in their ``AppConfig.ready``, and the worker runs what was registered."""
    assert {job.name: job.run.__module__ for job in registered_jobs()} == {
        "at_risk_warnings": "loket.cases.jobs",
        "respond_reminders": "loket.cases.jobs",
        "end_expired_suspensions": "loket.cases.jobs",
        "overdue_callbacks": "loket.contacts.jobs",
        "clean_drafts": "loket.portal.jobs",
        "appointment_reminders": "loket.appointments.jobs",
        "appointment_no_shows": "loket.appointments.jobs",
    }
