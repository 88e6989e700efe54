"""The periodic work of cases, registered with the scheduler in ``CasesConfig.ready``."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from loket.cases.models import Case, CaseEvent, DueState, due_filter
from loket.lib.calendar import add_working_days
from loket.notifications.jobs import Job, notify_staff, team_members
from loket.notifications.models import StaffNotification
from loket.notifications.services import notify_case


def at_risk_warnings() -> str:
    """Cases that entered their "at risk" period: the assignee, or else the team, hears it."""
    now = timezone.now()
    cases = (
        Case.objects.filter(due_filter(DueState.AT_RISK, now))
        .filter(at_risk_at__gte=now - timedelta(days=7))
        .select_related("product")
    )
    made = 0
    for case in cases.iterator():
        made += notify_staff(
            users=team_members(case),
            kind=StaffNotification.Kind.AT_RISK,
            text=f"{case.identification} ({case.product.name_nl}) dreigt te laat te worden:"
            f" uiterlijk {timezone.localtime(case.due_at):%d-%m-%Y}.",
            url=reverse("workbench:case_detail", kwargs={"uuid": case.uuid}),
            key=f"at_risk:{case.pk}:{case.due_at.isoformat()}",
        )
    return f"{made} notifications"


def respond_reminders() -> str:
    """Two working days before the applicant's term ends, a reminder (Awb 4:5); only for a
    suspension that waits for the applicant, and never for a response date already past.

    Working days as the Algemene termijnenwet counts them (``loket.lib.calendar``): a response
    date on a Monday is reminded of on the Thursday before, not on the Saturday.
    """
    from loket.cases.services import waits_for_applicant

    today = timezone.localdate()
    soon = add_working_days(today, 2).date()
    made = 0
    for case in Case.objects.filter(
        closed_at__isnull=True,
        suspended_at__isnull=False,
        # Not a date already past (issue 12): that suspension ends by itself.
        awaiting_until__gte=today,
        awaiting_until__lte=soon,
    ).select_related("municipality", "product", "initiator_person"):
        if not waits_for_applicant(case):
            continue  # an agreed delay: nothing to send, nothing to remind of
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


def end_expired_suspensions() -> str:
    """Hourly, so a response date that passed at midnight restarts the clock the same morning
    (the restart date is the day after the response date, whenever the job runs)."""
    from loket.cases.services import case_end_expired_suspensions

    return f"{len(case_end_expired_suspensions())} suspensions ended"


AT_RISK_WARNINGS = Job("at_risk_warnings", timedelta(minutes=15), at_risk_warnings)
RESPOND_REMINDERS = Job("respond_reminders", timedelta(hours=24), respond_reminders)
END_EXPIRED_SUSPENSIONS = Job(
    "end_expired_suspensions", timedelta(hours=1), end_expired_suspensions
)
JOBS = (AT_RISK_WARNINGS, RESPOND_REMINDERS, END_EXPIRED_SUSPENSIONS)
