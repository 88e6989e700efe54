"""Periodic work, run by ``loket worker`` on the same database.

Each job has an interval; a run is claimed by inserting ``(job, slot)`` with a unique
constraint, so with several workers every job runs once per slot. (Django's tasks framework
has no database backend or scheduler of its own in Django 6.1, and none at all on the 5.2 line
this project also supports; this small scheduler needs nothing beyond the database.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from loket.notifications.models import JobRun, StaffNotification

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[], str]


def notify_staff(*, users: list, kind: str, text: str, url: str, key: str, case: Any = None) -> int:
    made = 0
    now = timezone.now()
    for user in users:
        try:
            with transaction.atomic():
                StaffNotification.objects.create(
                    user=user,
                    kind=kind,
                    text=text[:300],
                    url=url,
                    dedupe_key=key,
                    created_at=now,
                    case=case,
                )
                made += 1
        except IntegrityError:
            pass  # told before
    return made


def _team_members(case_or_request: object) -> list:
    from loket.accounts.models import User

    assignee = getattr(case_or_request, "assignee", None)
    if assignee is not None:
        return [assignee]
    team_id = getattr(case_or_request, "team_id", None)
    partner_id = getattr(case_or_request, "partner_id", None)
    municipality_id = getattr(case_or_request, "municipality_id", None)
    staff = User.objects.filter(is_active=True, municipalities=municipality_id)
    if partner_id:
        return list(staff.filter(partner_id=partner_id))
    if team_id:
        return list(staff.filter(teams=team_id))
    return []


def case_handlers(case: Any, *, leads: bool = False) -> list:
    """Who hears about a case: its assignee, else its team or partner. With ``leads``, the team
    leads of its team (a partner's case: the partner's workers)."""
    from loket.accounts.models import Role, User

    if leads and case.team_id:
        found = list(
            User.objects.filter(
                is_active=True,
                role=Role.TEAM_LEAD,
                municipalities=case.municipality_id,
                teams=case.team_id,
            )
        )
        if found:
            return found
    return _team_members(case)


_registered: list[Job] = []


def register_job(job: Job) -> None:
    """Let a domain app add its periodic work (in its ``AppConfig.ready``); the scheduler does
    not import the domains it serves."""
    if all(known.name != job.name for known in _registered):
        _registered.append(job)


def registered_jobs() -> tuple[Job, ...]:
    return (*JOBS, *_registered)


def at_risk_warnings() -> str:
    """Cases that entered their "at risk" period: the assignee, or else the team, hears it."""
    from loket.cases.models import Case, DueState, due_filter

    now = timezone.now()
    cases = (
        Case.objects.filter(due_filter(DueState.AT_RISK, now))
        .filter(at_risk_at__gte=now - timedelta(days=7))
        .select_related("product")
    )
    made = 0
    for case in cases.iterator():
        made += notify_staff(
            users=_team_members(case),
            kind=StaffNotification.Kind.AT_RISK,
            text=f"{case.identification} ({case.product.name_nl}) dreigt te laat te worden:"
            f" uiterlijk {timezone.localtime(case.due_at):%d-%m-%Y}.",
            url=reverse("workbench:case_detail", kwargs={"uuid": case.uuid}),
            key=f"at_risk:{case.pk}:{case.due_at.isoformat()}",
        )
    return f"{made} notifications"


def overdue_callbacks() -> str:
    from loket.contacts.models import ContactRequest

    made = 0
    for request in ContactRequest.objects.open().filter(due_at__lt=timezone.now()).iterator():
        made += notify_staff(
            users=_team_members(request),
            kind=StaffNotification.Kind.OVERDUE_CALLBACK,
            text=f"{request.get_kind_display()} is te laat: {request.question[:120]}",
            url=reverse("workbench:request_detail", kwargs={"uuid": request.uuid}),
            key=f"overdue_request:{request.pk}",
        )
    return f"{made} notifications"


def respond_reminders() -> str:
    """Two working days before the applicant's term ends, a reminder (Awb 4:5).

    Working days as the Algemene termijnenwet counts them (``loket.lib.calendar``): a response
    date on a Monday is reminded of on the Thursday before, not on the Saturday.
    """
    from loket.cases.models import Case, CaseEvent
    from loket.lib.calendar import add_working_days
    from loket.notifications.services import notify_case

    soon = add_working_days(timezone.localdate(), 2).date()
    made = 0
    for case in Case.objects.filter(
        closed_at__isnull=True, suspended_at__isnull=False, awaiting_until__lte=soon
    ).select_related("municipality", "product", "initiator_person"):
        asked = case.events.filter(kind=CaseEvent.Kind.SUSPENDED).order_by("-at").first()
        if notify_case(
            "reminder",
            case,
            key=f"{case.suspended_at.isoformat() if case.suspended_at else ''}",
            what=asked.reason if asked else "",
            respond_by=case.awaiting_until,
        ):
            made += 1
    return f"{made} reminders"


def clean_drafts() -> str:
    """Files of applications that were never sent are removed after a week."""
    from loket.portal.models import DraftUpload

    old = DraftUpload.objects.filter(created_at__lt=timezone.now() - timedelta(days=7))
    count = 0
    for draft in old.iterator():
        draft.file.delete(save=False)
        draft.delete()
        count += 1
    return f"{count} drafts removed"


JOBS = (
    Job("at_risk_warnings", timedelta(minutes=15), at_risk_warnings),
    Job("overdue_callbacks", timedelta(minutes=15), overdue_callbacks),
    Job("respond_reminders", timedelta(hours=24), respond_reminders),
    Job("clean_drafts", timedelta(hours=24), clean_drafts),
)


def run_due_jobs(jobs: tuple[Job, ...] | None = None) -> list[str]:
    """Run every job whose current slot has not run yet; returns what ran."""
    jobs = registered_jobs() if jobs is None else jobs
    now = timezone.now()
    ran = []
    for job in jobs:
        slot = str(int(now.timestamp() // job.every.total_seconds()))
        try:
            with transaction.atomic():
                run = JobRun.objects.create(job=job.name, slot=slot, started_at=now)
        except IntegrityError:
            continue  # another worker has it
        try:
            result = job.run()
        except Exception as error:  # one failing job must not stop the worker
            log.exception("job %s failed", job.name)
            result = f"failed: {error}"
        JobRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), result=result[:2000])
        ran.append(f"{job.name}: {result}")
    return ran
