"""A case as the applicant sees it: where it is, what comes next, when we decide, and what we
are waiting for from them, in plain words (seed 004: an applicant knows which steps come next)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from loket.cases.models import Case, CaseEvent
from loket.cases.services import waits_for_applicant
from loket.cases.terms import promise_sentence
from loket.catalogue.kinds import Kind, Phrases
from loket.catalogue.models import StatusStep
from loket.catalogue.terms import SuspensionBasis
from loket.lib.calendar import local_date, provisional_days_between


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

    @cached_property
    def suspension(self) -> CaseEvent | None:
        if self.case.suspended_at is None:
            return None
        return self.case.events.filter(kind=CaseEvent.Kind.SUSPENDED).order_by("-at", "-pk").first()

    @property
    def asks_the_applicant(self) -> bool:
        """Suspended because we asked the applicant for something (``waits_for_applicant``)."""
        return waits_for_applicant(self.case)

    @property
    def waiting_for(self) -> str:
        """What we asked the applicant for, while the case waits for it."""
        event = self.suspension
        return event.reason if event is not None and self.asks_the_applicant else ""

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
            basis = self.suspension.basis if self.suspension is not None else ""
            if basis == SuspensionBasis.CONSENT:
                return _("You agreed that we take more time. Our term stands still until then.")
            if basis == SuspensionBasis.FOREIGN:
                return _(
                    "We are waiting for information from an authority abroad. Our term stands"
                    " still until we have it; we will tell you when it runs again."
                )
            if basis == SuspensionBasis.FORCE_MAJEURE:
                return _(
                    "Circumstances beyond our control keep us from deciding now. Our term stands"
                    " still; we will tell you when it runs again."
                )
            if basis == SuspensionBasis.APPLICANT_DELAY:
                return _("Our term stands still while we wait for you.")
            if self.phrases.kind == Kind.APPLICATION:
                return _(
                    "The time we have to decide stands still until we receive what we asked"
                    " you for."
                )
            return _("Our term stands still until we receive what we asked you for.")
        if case.decisions.filter(status="sent").exists():
            return _("We have decided. You can read the decision below.")
        # Never a date that has passed (issue 12): one rule for the portal and the messages.
        return promise_sentence(case, day)

    @property
    def provisional_note(self) -> str:
        """Atw art. 3 lid 3: a date counted across a day no decree has equated yet says so."""
        case = self.case
        if case.closed_at is not None:
            return ""
        last = max(filter(None, (case.due_at, case.legal_due_at)))
        days = provisional_days_between(case.received_on, local_date(last))
        if not days:
            return ""
        return _(
            "This date may still change by a day: it counts %(days)s as a holiday, which the"
            " government has not yet decided."
        ) % {"days": ", ".join(day(equated.day) for equated in days)}

    @property
    def legal_sentence(self) -> str:
        """The law's term beside the promise, where it ends later than the promise."""
        case = self.case
        if case.closed_at is not None or case.suspended_at is not None:
            return ""
        if case.legal_due_at is None or case.legal_due_at <= case.due_at:
            return ""
        today = timezone.localdate()
        if local_date(case.due_at) < today:
            return ""  # the expected sentence already names the law's term
        statutory = case.product.statutory
        source = statutory.source if statutory is not None else ""
        return _(
            "That is our promise. By law (%(source)s) we must be done by %(date)s at the latest."
        ) % {"source": source, "date": day(case.legal_due_at)}

    @property
    def respond_sentence(self) -> str:
        if self.case.suspended_at is None or self.case.awaiting_until is None:
            return ""
        if self.case.awaiting_until < timezone.localdate():
            return _("The time to send it has passed. You can still send it; we will look at it.")
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
    today = timezone.localdate()

    def still_promised(moment: dt.datetime | None) -> str:
        """The new date an event announced, only while it is still the date we keep to."""
        if moment is None or case.closed_at is not None or case.suspended_at is not None:
            return ""
        if moment != case.due_at or local_date(moment) < today:
            return ""
        return " " + words.new_deadline(day(moment))

    entries: list[Entry] = []
    for status in case.statuses.select_related("step").order_by("set_at", "pk"):
        if status.step.informs_resident:
            entries.append(Entry(status.set_at, status.step.resident_text or status.step.name))
    for event in case.events.order_by("at", "pk"):
        if event.kind == CaseEvent.Kind.SUSPENDED and not (
            event.basis and not SuspensionBasis(event.basis).asks_the_applicant
        ):
            entries.append(
                Entry(
                    event.at,
                    _("We asked you for more information: %(what)s") % {"what": event.reason},
                    "asked",
                )
            )
        elif event.kind == CaseEvent.Kind.RESUMED:
            received = (
                _("The time to send it has passed; we continue with your request.")
                if event.basis == "expired-unused"
                else _("We received your information.")
            )
            entries.append(Entry(event.at, received + still_promised(event.due_after), "received"))
        elif event.kind == CaseEvent.Kind.EXTENDED:
            entries.append(
                Entry(
                    event.at,
                    _("We need more time: %(why)s") % {"why": event.reason}
                    + still_promised(event.due_after),
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
