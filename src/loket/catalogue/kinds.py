"""What kind of thing a resident sends us, and the words that go with it.

A public-space report is not an application: nobody "applies" for a pothole to be fixed and we
do not "decide" on it. The kind is data on the product (``products.csv``, column ``kind``) with
its case type's kind as the default (``case_types.json``); the words for each kind live here
only, and the portal pages, Mijn Loket and the default notification texts all take them from
``phrases(kind)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    APPLICATION = "application", _("application (aanvraag)")
    REPORT = "report", _("report (melding)")
    QUESTION = "question", _("question (vraag)")
    COMPLAINT = "complaint", _("complaint (klacht)")
    OBJECTION = "objection", _("objection (bezwaar)")
    REQUEST = "request", _("request (verzoek)")


@dataclass(frozen=True)
class _Words:
    action: Promise  # the button on the product page: "Apply", "Report", ...
    noun: Promise  # "request" (aanvraag), "report" (melding), ...
    deadline: Promise  # with %(date)s: the promise while the case is open
    new_deadline: Promise  # with %(date)s: the promise after it moved
    outcome: Promise  # the case is closed: "There is a decision on your request"


_WORDS: dict[str, _Words] = {
    Kind.APPLICATION: _Words(
        action=_("Apply"),
        noun=pgettext_lazy("kind: aanvraag", "request"),
        deadline=_("We decide on %(date)s at the latest."),
        new_deadline=_("We now decide on %(date)s at the latest."),
        outcome=_("There is a decision on your request"),
    ),
    Kind.REPORT: _Words(
        action=pgettext_lazy("kind: melding", "Report"),
        noun=pgettext_lazy("kind: melding", "report"),
        deadline=_("We deal with your report by %(date)s at the latest."),
        new_deadline=_("We now deal with your report by %(date)s at the latest."),
        outcome=_("Your report has been dealt with"),
    ),
    Kind.QUESTION: _Words(
        action=_("Ask a question"),
        noun=pgettext_lazy("kind: vraag", "question"),
        deadline=_("You will have our answer by %(date)s at the latest."),
        new_deadline=_("You will now have our answer by %(date)s at the latest."),
        outcome=_("Your question has been answered"),
    ),
    Kind.COMPLAINT: _Words(
        action=_("Make a complaint"),
        noun=pgettext_lazy("kind: klacht", "complaint"),
        deadline=_("We deal with your complaint by %(date)s at the latest."),
        new_deadline=_("We now deal with your complaint by %(date)s at the latest."),
        outcome=_("Your complaint has been dealt with"),
    ),
    Kind.OBJECTION: _Words(
        action=_("Lodge an objection"),
        noun=pgettext_lazy("kind: bezwaar", "objection"),
        deadline=_("We decide on your objection by %(date)s at the latest."),
        new_deadline=_("We now decide on your objection by %(date)s at the latest."),
        outcome=_("There is a decision on your objection"),
    ),
    Kind.REQUEST: _Words(
        action=_("Make a request"),
        noun=pgettext_lazy("kind: verzoek", "request"),
        deadline=_("We deal with your request by %(date)s at the latest."),
        new_deadline=_("We now deal with your request by %(date)s at the latest."),
        outcome=_("Your request has been dealt with"),
    ),
}


@dataclass(frozen=True)
class Phrases:
    """The words for one kind in the active language (build it inside the language you need)."""

    kind: str
    action: str
    noun: str
    _deadline: str
    _new_deadline: str
    outcome: str

    @property
    def Noun(self) -> str:  # noqa: N802 - the capitalised noun, as a template reads it
        return capfirst(self.noun)

    def deadline(self, date: str) -> str:
        return self._deadline % {"date": date}

    def new_deadline(self, date: str) -> str:
        return self._new_deadline % {"date": date}

    def your_case(self, product: str) -> str:
        """``uw aanvraag voor Parkeervergunning`` / ``uw melding “Melding openbare ruimte”``."""
        if self.kind == Kind.APPLICATION:
            return str(_("your request for %(product)s")) % {"product": product}
        return str(_("your %(noun)s “%(product)s”")) % {"noun": self.noun, "product": product}

    def message_words(self, product: str, date: str) -> dict[str, str]:
        """The placeholders of the kind's words in notification texts (notifications.templating)."""
        return {
            "kind": self.noun,
            "your_case": self.your_case(product),
            "deadline": self.deadline(date),
            "new_deadline": self.new_deadline(date),
            "outcome": self.outcome,
        }


def phrases(kind: str) -> Phrases:
    """The words for ``kind`` (an unknown kind reads as an application)."""
    words = _WORDS.get(kind, _WORDS[Kind.APPLICATION])
    return Phrases(
        kind=kind if kind in _WORDS else Kind.APPLICATION,
        action=str(words.action),
        noun=str(words.noun),
        _deadline=str(words.deadline),
        _new_deadline=str(words.new_deadline),
        outcome=str(words.outcome),
    )
