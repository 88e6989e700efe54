"""Counting a case's terms: from which day, with which suspensions, to which end.

Every date a case shows (the service norm, the statutory term, the date promised to the
resident) is computed here from the case's own record and stored on the case by
``loket.cases.services``. The README page "How Loket counts terms" explains each rule for a
municipal lawyer; the docstrings below cite the articles.

Why by hand: no library counts Dutch legal terms (the Algemene termijnenwet, the Awb's
suspension rules, bridge days equated by royal decree); ``loket.lib.calendar`` has the calendar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from loket.cases.penalty import first_penalty_day
from loket.catalogue.terms import OBJECTION_PERIOD
from loket.lib.calendar import (
    Term,
    TermUnit,
    add_term,
    add_working_days,
    atw_end,
    end_of_day,
    local_date,
    working_days_between,
)

if TYPE_CHECKING:
    from loket.cases.models import Case


@dataclass(frozen=True)
class Pause:
    """The days on which the clock stood still, ``first`` up to and including ``last``."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def pause_between(stopped_on: date, restarted_on: date) -> Pause | None:
    """The suspended days between the day the clock was stopped and the day it runs again.

    Awb art. 4:15 lid 1 (and 7:10 lid 2 for objections): the term is suspended from the day
    after the invitation to supplement (``stopped_on``) until the day the information was
    received (``restarted_on``, which counts again). ``None`` when no day was suspended.
    """
    first, last = stopped_on + timedelta(days=1), restarted_on - timedelta(days=1)
    return Pause(first, last) if last >= first else None


def term_end(
    start: date,
    term: Term,
    pauses: Sequence[Pause] = (),
    extensions: Sequence[Term] = (),
    *,
    atw: bool = True,
) -> datetime:
    """The end (23:59:59.999999 Amsterdam) of ``term`` counted from the day after ``start``.

    - The term starts on the day after the event (receipt, Awb 4:13 lid 1; cf. Awb 6:8).
    - A term in working days ends on the ``amount``-th working day after ``start``; each
      suspended working day adds one (Awb 4:15). Saturdays, Sundays, holidays and equated days
      are not working days (Atw art. 3).
    - A term in weeks or days ends on the same weekday ``amount`` weeks later (or ``amount``
      days later); each suspended calendar day adds one day.
    - A suspension counts only when it began while the term ran (before its end, extensions and
      Atw included) and only from the term's first day: there is nothing to suspend before a
      term starts (an objection's repair request within the objection period) or after it ended.
    - Extensions that move the term (a special law's, Awb 7:10 lid 3 and 4, 9:11 lid 2) add
      their length to the end of the term as suspended, before Atw art. 1 is applied.
    - Atw art. 1 (a term ending on a Saturday, Sunday or holiday runs to the next working day)
      and art. 2 (a term of at least three days contains at least two working days) are applied
      once, to the final end, so a term that ended on a holiday is not pushed twice; not at all
      when ``atw`` is false (Atw art. 4: terms of more than twelve weeks or ninety days).
    """
    working = term.unit is TermUnit.WORKING_DAYS
    days = 0 if working else (7 * term.amount if term.unit is TermUnit.WEEKS else term.amount)

    def finish(end: date) -> date:
        return atw_end(start, end, days=days) if atw else end

    end = add_working_days(start, term.amount).date() if working else start + timedelta(days=days)
    for pause in sorted(pauses, key=lambda p: p.first):
        # Only a suspension that began while the term ran stops it: days before the term began
        # (an objection's repair request within the objection period) or after it ended (the
        # service norm was already missed) do not move it. A pause that began in time counts
        # whole: the rest of the term runs after it.
        first = max(pause.first, start + timedelta(days=1))
        if first > pause.last or first > finish(_extend_all(end, extensions)):
            continue
        if working:
            end = add_working_days(
                end, working_days_between(first - timedelta(days=1), pause.last)
            ).date()
        else:
            end += pause.last - first + timedelta(days=1)
    for extension in extensions:
        end = _extend(end, extension)
    return end_of_day(finish(end))


def _extend_all(end: date, extensions: Sequence[Term]) -> date:
    result = end
    for extension in extensions:
        result = _extend(result, extension)
    return result


def extend_by(end: date, extension: Term) -> date:
    """``end`` moved by ``extension`` (working days on the legal calendar), without the Atw."""
    return _extend(end, extension)


def _extend(end: date, extension: Term) -> date:
    if extension.unit is TermUnit.WORKING_DAYS:
        return add_working_days(end, extension.amount).date()
    days = 7 * extension.amount if extension.unit is TermUnit.WEEKS else extension.amount
    return end + timedelta(days=days)


def objection_period_end(decision_sent_on: date) -> date:
    """The last day of the objection period: six weeks from the day after the decision was
    sent (Awb art. 6:7 and 6:8 lid 1), moved to a working day by Atw art. 1."""
    return add_term(decision_sent_on, OBJECTION_PERIOD).date()


def objection_term_start(*, decision_sent_on: date, received_on: date) -> date:
    """The day after which the Awb 7:10 term is counted.

    Awb art. 7:10 lid 1: from the day after the objection period ended, not from the day the
    objection arrived. An objection received after that period (Awb 6:11 may excuse it) cannot
    have a term that had partly run before it arrived: then the term counts from receipt.
    """
    return max(objection_period_end(decision_sent_on), received_on)


def is_past(moment: datetime | None, now: datetime) -> bool:
    return moment is not None and now > moment


def date_to_name(case: Case) -> datetime | None:
    """The date an open case may name to its applicant today: the promised date while it has
    not passed, else the statutory term while that runs, else none (``promise_sentence``)."""
    from django.utils import timezone

    today = timezone.localdate()
    if local_date(case.due_at) >= today:
        return case.due_at
    if case.legal_due_at is not None and local_date(case.legal_due_at) >= today:
        return case.legal_due_at
    return None


def promise_sentence(case: Case, day: Callable[[datetime], str]) -> str:
    """What an open, running case tells its applicant about when it will be done: the one rule
    for Mijn Loket and the messages, so a resident never reads a date that has passed.

    The promised date while it holds; after it, the statutory term while that runs ("it is
    taking longer than we promised"); after that no date, but what the applicant can do (a
    notice of default, Awb 4:17, where the penalty applies). ``day`` formats a date.
    """
    from django.utils import timezone
    from django.utils.translation import gettext as _

    words = case.product.phrases
    today = timezone.localdate()
    if local_date(case.due_at) >= today:
        return str(words.deadline(day(case.due_at)))
    if date_to_name(case) is not None:
        assert case.legal_due_at is not None
        return (
            _("It is taking longer than we promised. We are sorry.")
            + " "
            + words.new_deadline(day(case.legal_due_at))
        )
    statutory = case.product.statutory
    if statutory is not None and statutory.penalty_applies:
        notice = case.default_notices.order_by("received_on", "pk").first()
        if notice is not None:
            first = first_penalty_day(
                term_expired_on=local_date(case.legal_due_at or case.due_at),
                notice_received_on=notice.received_on,
            )
            if first > today:
                return _(
                    "We did not decide within the time the law gives us, and we received your"
                    " notice of default. If we have not decided by then, we owe you a penalty"
                    " for each day from %(date)s, for at most 42 days (Awb art. 4:17)."
                ) % {"date": day(end_of_day(first))}
            return _(
                "We did not decide within the time the law gives us, and we received your"
                " notice of default. We owe you a penalty for each day we are late, for at most"
                " 42 days (Awb art. 4:17); we will decide on it and tell you the amount."
            )
        return _(
            "We did not decide within the time the law gives us. We are sorry. You can send"
            " us a written notice of default (ingebrekestelling). If we have still not"
            " decided two weeks after we receive it, we owe you a penalty for each day, for"
            " at most 42 days (Awb art. 4:17)."
        )
    return _(
        "We are later than we promised. We are sorry. We are working on it and will let you"
        " know as soon as we can."
    )
