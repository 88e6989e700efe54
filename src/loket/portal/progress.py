"""A case as the applicant sees it: where it is, what comes next, when we decide, and what we
are waiting for from them, in plain words (seed 004: an applicant knows which steps come next)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from loket.cases.models import Case, CaseEvent
from loket.catalogue.kinds import Kind, Phrases
from loket.catalogue.models import StatusStep
from loket.lib.calendar import local_date


def day(value: dt.date | dt.datetime) -> str:
    """``12 december`` (or ``12 December``), with the year when it is not this year."""
    date = local_date(value) if isinstance(value, dt.datetime) else value
    if date.year == timezone.localdate().year:
        return date_format(date, "j F")
    return date_format(date, "j F Y")


@dataclass
class Entry:
    at: dt.datetime
    text: str
    kind: str = "step"


@dataclass
class Progress:
    case: Case
    current: StatusStep
    to_come: list[StatusStep]
    timeline: list[Entry] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.case.closed_at is None

    @property
    def phrases(self) -> Phrases:
        """The words for this kind of case: a report is dealt with, an application decided."""
        return self.case.product.phrases

    @property
    def your_case(self) -> str:
        return self.phrases.your_case(self.case.product.name)

    @property
    def waiting_for(self) -> str:
        """What we asked the applicant for, while the case waits for it."""
        if self.case.suspended_at is None:
            return ""
        event = (
            self.case.events.filter(kind=CaseEvent.Kind.SUSPENDED).order_by("-at", "-pk").first()
        )
        return event.reason if event else ""

    @property
    def expected_sentence(self) -> str:
        case = self.case
        if case.closed_at is not None:
            result = case.result.name if case.result else ""
            return _("Closed on %(date)s: %(result)s.") % {
                "date": day(case.closed_at),
                "result": result,
            }
        if case.suspended_at is not None:
            if self.phrases.kind == Kind.APPLICATION:
                return _(
                    "The time we have to decide stands still until we receive what we asked"
                    " you for."
                )
            return _("Our term stands still until we receive what we asked you for.")
        return self.phrases.deadline(day(case.due_at))

    @property
    def respond_sentence(self) -> str:
        if self.case.suspended_at is None or self.case.awaiting_until is None:
            return ""
        return _("Send it to us by %(date)s at the latest.") % {
            "date": day(self.case.awaiting_until)
        }


def case_progress(case: Case) -> Progress:
    steps = case.case_type.ordered_steps
    current = case.status
    position = next((i for i, s in enumerate(steps) if s.pk == current.pk), 0)
    to_come = [] if case.closed_at else [s for s in steps[position + 1 :] if s.informs_resident]
    progress = Progress(case=case, current=current, to_come=to_come)
    words = progress.phrases
    entries: list[Entry] = []
    for status in case.statuses.select_related("step").order_by("set_at", "pk"):
        if status.step.informs_resident:
            entries.append(Entry(status.set_at, status.step.resident_text or status.step.name))
    for event in case.events.order_by("at", "pk"):
        if event.kind == CaseEvent.Kind.SUSPENDED:
            entries.append(
                Entry(
                    event.at,
                    _("We asked you for more information: %(what)s") % {"what": event.reason},
                    "asked",
                )
            )
        elif event.kind == CaseEvent.Kind.RESUMED and event.due_after:
            entries.append(
                Entry(
                    event.at,
                    _("We received your information.")
                    + " "
                    + words.new_deadline(day(event.due_after)),
                    "received",
                )
            )
        elif event.kind == CaseEvent.Kind.EXTENDED and event.due_after:
            entries.append(
                Entry(
                    event.at,
                    _("We need more time: %(why)s") % {"why": event.reason}
                    + " "
                    + words.new_deadline(day(event.due_after)),
                    "extended",
                )
            )
    for document in case.documents.filter(shared_with_applicant=True):
        text = (
            _("You sent “%(name)s”.") if document.from_applicant else _("We sent you “%(name)s”.")
        ) % {"name": document.name}
        entries.append(Entry(document.uploaded_at, text, "document"))
    progress.timeline = sorted(entries, key=lambda e: e.at)
    return progress
