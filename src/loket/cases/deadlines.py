"""A case's deadlines, computed from its own record: the receipt date, the suspensions and the
extensions (Awb 4:13-4:15, 7:10, 9:11; the Algemene termijnenwet through ``loket.cases.terms``).

The case services store what ``compute_terms`` gives (``due_at``, ``norm_due_at``,
``legal_due_at``, ``at_risk_at``) whenever one of those events happens, so every page and query
reads stored, indexed moments; this module is the arithmetic only, changing nothing itself.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings

from loket.cases.models import Case, CaseEvent
from loket.cases.terms import Pause, objection_term_start, pause_between, term_end
from loket.catalogue.terms import ExtensionBasis
from loket.lib.calendar import Term, TermUnit, end_of_day, local_date

# The fields ``compute_terms`` sets, for the services' ``save(update_fields=...)``.
TERM_FIELDS = ["due_at", "norm_due_at", "legal_due_at", "at_risk_at"]


def _legal_start(case: Case) -> date:
    statutory = case.product.statutory
    if (
        statutory is not None
        and statutory.counts_from_objection_period
        and case.contested_decision_on is not None
    ):
        return objection_term_start(
            decision_sent_on=case.contested_decision_on, received_on=case.received_on
        )
    return case.received_on


TERM_EVENT_KINDS = (CaseEvent.Kind.SUSPENDED, CaseEvent.Kind.RESUMED, CaseEvent.Kind.EXTENDED)


def term_events(case: Case, *pending: CaseEvent) -> list[CaseEvent]:
    """The events that move a case's terms, in order, with ``pending`` ones not yet stored."""
    return [*case.events.filter(kind__in=TERM_EVENT_KINDS).order_by("at", "pk"), *pending]


def norm_term(case: Case) -> Term:
    """The service norm the case was promised: its own (a report's category) or its product's."""
    return Term.parse(case.service_norm) if case.service_norm else case.product.term


def compute_terms(case: Case, *, events: list[CaseEvent] | None = None) -> None:
    """Set ``norm_due_at``, ``legal_due_at``, ``due_at`` and ``at_risk_at`` from the case's own
    record: its receipt date, its suspensions and its extensions (``loket.cases.terms``).

    - The service norm runs from receipt; suspended days do not count (the municipality waits
      for the applicant). Extensions do not move it: it is what was promised first.
    - The statutory term runs from receipt (Awb 4:13 lid 1, 9:11 lid 1) or from the end of the
      objection period (7:10 lid 1), with the same suspended days, and moves only by an
      extension that the law lets move it (``loket.catalogue.terms``).
    - The promised date is the earlier of the two (a promise never exceeds the law), or after an
      extension the new statutory end or the date a notice named (Awb 4:14 lid 1).
    """
    if events is None:
        events = term_events(case)
    pauses: list[Pause] = []
    stopped: date | None = None
    moves: list[Term] = []
    announced: date | None = None  # Awb 4:14 lid 1: the date named; the term stays
    reasonable: tuple[date, date] | None = None  # 4:14 lid 3: (notice day, the term named)
    extended = False
    for event in events:
        if event.kind == CaseEvent.Kind.SUSPENDED:
            stopped = event.effective_on or local_date(event.at)
        elif event.kind == CaseEvent.Kind.RESUMED and stopped is not None:
            pause = pause_between(stopped, event.effective_on or local_date(event.at))
            if pause is not None:
                pauses.append(pause)
            stopped = None
        elif event.kind == CaseEvent.Kind.EXTENDED:
            extended = True
            if event.basis == ExtensionBasis.NOTICE and event.until:
                announced = event.until
            elif event.basis == ExtensionBasis.REASONABLE_TERM and event.until:
                reasonable = (event.effective_on or local_date(event.at), event.until)
            elif event.detail:
                moves.append(Term.parse(event.detail))
    product = case.product
    own = norm_term(case)
    norm = term_end(case.received_on, own, pauses)
    statutory = product.statutory
    legal: datetime | None = None
    if statutory is not None:
        legal = term_end(
            _legal_start(case), statutory.term, pauses, moves, atw=statutory.atw_applies
        )
        if reasonable is not None:
            # Awb 4:14 lid 3: the reasonable term named replaces the eight weeks; a suspension
            # that begins after the notice stops that term too (4:15).
            notice_day, named = reasonable
            legal = term_end(
                notice_day,
                Term((named - notice_day).days, TermUnit.DAYS),
                [p for p in pauses if p.first > notice_day],
                atw=False,  # the date named is the date; it is not counted by the Atw
            )
            announced = local_date(legal)
    promised = norm if legal is None else min(norm, legal)
    if extended and legal is not None:
        promised = max(promised, legal)
    if announced is not None:
        promised = max(promised, end_of_day(announced))
    case.norm_due_at, case.legal_due_at, case.due_at = norm, legal, promised
    # "At risk" is the last part of the service norm's length before the promised date.
    length = term_end(case.received_on, own) - end_of_day(case.received_on)
    case.at_risk_at = promised - length * (1 - settings.LOKET_AT_RISK_FRACTION)


def deadline_moved(before: datetime | None, after: datetime | None) -> bool:
    """A deadline change is recorded (and shown) only when the date changed: "moved from
    30 November to 30 November" is not an event (issue 11)."""
    return before is not None and after is not None and local_date(before) != local_date(after)
