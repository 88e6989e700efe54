"""Figures on terms for team leads and managers: notices of default, penalties, and how many
closed cases met the service norm and the statutory term. Read-only (a selector); every case
comes through ``visible_to``, so a figure never counts another municipality's cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import F

from loket.accounts.models import User
from loket.accounts.permissions import Action, permitted
from loket.cases.models import Case, DefaultNotice
from loket.cases.services import case_penalty
from loket.lib.calendar import AMSTERDAM


@dataclass(frozen=True)
class Share:
    """``part`` of ``whole``, with the percentage rounded to a whole number (None of none)."""

    part: int
    whole: int

    @property
    def percent(self) -> int | None:
        if not self.whole:
            return None
        return round(100 * self.part / self.whole)


@dataclass(frozen=True)
class TermFigures:
    since: date
    until: date
    notices: int  # notices of default received in the period
    cases_with_penalty: int  # of the cases with such a notice: those owing a penalty on ``until``
    penalties: Decimal  # what they owe on ``until`` (Awb 4:17), before any decision (4:18)
    within_norm: Share  # cases closed in the period: on or before the service norm
    within_statutory: Share  # of those with a statutory term: on or before it


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=AMSTERDAM)


def term_figures(user: User, *, since: date, until: date) -> TermFigures:
    """The figures for the days ``since`` up to and including ``until`` (Amsterdam dates).

    The penalty is what the schedule of Awb 4:17 gives on ``until`` for the first notice of each
    case (``case_penalty``); the amount owed is fixed by the team lead's decision (Awb 4:18).
    A closed case met a term when it was closed on or before the term's last day; ``norm_due_at``
    and ``legal_due_at`` are stored as the end of that day.
    """
    # Only the municipalities where the user's role may see figures (a municipality can refuse
    # it in the role table); a superuser sees them all.
    cases = Case.objects.visible_to(user)
    if not user.is_superuser:
        cases = cases.filter(
            municipality_id__in=[
                pk for pk in user.municipality_ids if permitted(user, Action.FIGURES, pk)
            ]
        )
    notices = DefaultNotice.objects.filter(
        case__in=cases, received_on__gte=since, received_on__lte=until
    )
    noticed = (
        cases.filter(pk__in=notices.values("case_id"))
        .select_related("product__case_type")
        .order_by("pk")
    )
    owed = [
        statement.amount
        for case in noticed
        if (statement := case_penalty(case, on=until)) is not None and statement.amount > 0
    ]
    closed = cases.filter(
        closed_at__gte=_start_of(since), closed_at__lt=_start_of(until + timedelta(days=1))
    )
    with_legal = closed.filter(legal_due_at__isnull=False)
    return TermFigures(
        since=since,
        until=until,
        notices=notices.count(),
        cases_with_penalty=len(owed),
        penalties=sum(owed, Decimal("0")),
        within_norm=Share(closed.filter(closed_at__lte=F("norm_due_at")).count(), closed.count()),
        within_statutory=Share(
            with_legal.filter(closed_at__lte=F("legal_due_at")).count(), with_legal.count()
        ),
    )
