"""Periodic work, run by ``loket worker`` on the same database.

The scheduler only: each app registers its own jobs from its ``AppConfig.ready`` (``cases.jobs``,
``contacts.jobs``, ``portal.jobs``), so this infrastructure imports none of the domains it
serves (bin/check-layers). Each job has an interval; a run is claimed by inserting
``(job, slot)`` with a unique constraint, so with several workers every job runs once per slot. (Django's tasks framework
has no database backend or scheduler of its own in Django 6.1, and none at all on the 5.2 line
this project also supports; this small scheduler needs nothing beyond the database.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from loket.notifications.models import JobRun, StaffNotification

if TYPE_CHECKING:
    from loket.accounts.models import User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[], str]


def notify_staff(
    *, users: list[User], kind: str, text: str, url: str, key: str, case: Any = None
) -> int:
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


def team_members(case_or_request: object) -> list[User]:
    """Who hears about a case or contact request: its assignee, else its partner's workers or
    its team, in its municipality."""
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


def case_handlers(case: Any, *, leads: bool = False) -> list[User]:
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
    return team_members(case)


_team_members = team_members  # the older name, still used by notifications.services


_registered: list[Job] = []


def register_job(job: Job) -> None:
    """Let a domain app add its periodic work (in its ``AppConfig.ready``); the scheduler does
    not import the domains it serves."""
    if all(known.name != job.name for known in _registered):
        _registered.append(job)


def registered_jobs() -> tuple[Job, ...]:
    return tuple(_registered)


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
