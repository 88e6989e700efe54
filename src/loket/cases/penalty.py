"""The penalty for a decision given late (dwangsom bij niet tijdig beslissen, Awb art. 4:17).

- Awb 4:17 lid 1: when a decision on an application is not given in time, the administrative
  body owes the applicant a penalty for each day it is in default, for at most 42 days.
- Awb 4:17 lid 2: the daily amounts (``SCHEDULES``: data with their period of validity). The
  amounts of 1 January 2019 (Stcrt. 2018, 65542) apply to notices of default received from that
  day; that regulation's transition rule lets the day the notice was received decide.
- Awb 4:17 lid 3: the first day of the penalty is the day on which two weeks have passed after
  the later of the day the term expired and the day the written notice of default
  (ingebrekestelling) was received. The two weeks run from the day after that day, so a notice
  received on 1 March (after the term) gives 2-15 March to decide and 16 March as the first
  penalty day.
- Awb 4:17 lid 1, last sentence: the Algemene termijnenwet does not apply to the 42 days; they are
  calendar days.
- It stops on the day the decision is given (from then on the body is no longer in default).
- Awb 4:17 lid 6 (a notice unreasonably late, an applicant who is no interested party, an
  application manifestly inadmissible or unfounded) is a judgment staff make; Loket shows the
  amount the schedule gives and the team lead decides (Awb 4:18: the amount is fixed by decision
  within two weeks after the last penalty day).

Counted by hand because no library knows this regime.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

MAX_DAYS = 42
GRACE = timedelta(weeks=2)  # the two weeks of Awb 4:17 lid 3, counted from the day after


@dataclass(frozen=True)
class PenaltySchedule:
    """The daily amounts of Awb 4:17 lid 2 for days from ``valid_from`` (up to ``valid_until``,
    inclusive, when a later schedule replaced it): ``bands`` of (number of days, euro per day)."""

    valid_from: date
    valid_until: date | None
    bands: tuple[tuple[int, Decimal], ...]
    source: str

    def amount_for(self, day_number: int) -> Decimal:
        """The amount for the ``day_number``-th penalty day (1-based)."""
        counted = 0
        for days, amount in self.bands:
            counted += days
            if day_number <= counted:
                return amount
        return self.bands[-1][1]


SCHEDULES: tuple[PenaltySchedule, ...] = (
    PenaltySchedule(
        valid_from=date(2009, 10, 1),
        valid_until=date(2018, 12, 31),
        bands=((14, Decimal("20")), (14, Decimal("30")), (14, Decimal("40"))),
        source="Awb art. 4:17 lid 2 (Wet dwangsom en beroep bij niet tijdig beslissen, 2009)",
    ),
    PenaltySchedule(
        valid_from=date(2019, 1, 1),
        valid_until=None,
        bands=((14, Decimal("23")), (14, Decimal("35")), (14, Decimal("45"))),
        source="Awb art. 4:17 lid 2 (bedragen per 1 januari 2019, Stcrt. 2018, 65542)",
    ),
)


def schedule_on(day: date) -> PenaltySchedule:
    for schedule in SCHEDULES:
        if schedule.valid_from <= day and (
            schedule.valid_until is None or day <= schedule.valid_until
        ):
            return schedule
    raise LookupError(f"no penalty schedule for {day.isoformat()}")


@dataclass(frozen=True)
class PenaltyStatement:
    """Where a penalty stands on ``on``: first day, days counted so far, amount owed so far."""

    first_day: date
    last_day: date  # the 42nd day
    on: date
    days: int
    amount: Decimal
    stopped_on: date | None  # the day the decision was given, if it was

    @property
    def running(self) -> bool:
        return self.stopped_on is None and self.days < MAX_DAYS and self.on >= self.first_day

    @property
    def complete(self) -> bool:
        return self.days == MAX_DAYS


def first_penalty_day(*, term_expired_on: date, notice_received_on: date) -> date:
    """Awb 4:17 lid 3: the day after the two weeks that follow the later of the term's last day
    and the notice's receipt. ``term_expired_on`` is the last day of the statutory term."""
    return max(term_expired_on, notice_received_on) + GRACE + timedelta(days=1)


def penalty_statement(
    *,
    term_expired_on: date,
    notice_received_on: date,
    on: date,
    decided_on: date | None = None,
) -> PenaltyStatement:
    """The penalty owed on day ``on`` (inclusive) for a term whose last day was
    ``term_expired_on``, after a notice of default received on ``notice_received_on``; a
    decision given on ``decided_on`` stops it (that day is not a penalty day)."""
    first = first_penalty_day(
        term_expired_on=term_expired_on, notice_received_on=notice_received_on
    )
    last = first + timedelta(days=MAX_DAYS - 1)
    until = min(on, last)
    if decided_on is not None:
        until = min(until, decided_on - timedelta(days=1))
    days = max((until - first).days + 1, 0)
    schedule = schedule_on(notice_received_on)
    amount = sum((schedule.amount_for(n + 1) for n in range(days)), Decimal("0"))
    return PenaltyStatement(first, last, on, days, amount, decided_on)
