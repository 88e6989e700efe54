"""Which terms the law sets for a product's cases: the statutory decision term with its source,
how it may be extended, and whether the penalty for a late decision applies.

The *service norm* (``Product.service_norm``) is the municipality's own promise, an internal
target shown to residents as a promise. The *statutory term* below is what the law says; a case is
overdue, and a penalty may become due, only against the statutory term (README, "How Loket counts
terms"). This module only decides which rule applies; ``loket.cases.terms`` counts the days.

Sources (Algemene wet bestuursrecht, Awb):
- Awb art. 4:13 lid 1: a decision on an application is given within the term set by law or,
  failing that, within a reasonable term after receipt of the application; lid 2: that
  reasonable term has been exceeded in any case eight weeks after receipt.
- Awb art. 4:14 lid 1: when the decision cannot be given within the term a law sets, the
  applicant is told so and given the shortest possible term within which the decision will
  follow. The notice does not move the statutory term: after it expires the applicant may still
  give notice of default and a penalty can become due (Awb 4:17). Only a special law's own
  extension moves such a term (for example the Omgevingswet's single extension of at most six
  weeks, art. 16.64 lid 2; the Woo's two weeks, art. 4.4 lid 2).
- Awb art. 4:14 lid 3: where no law sets a term, a notice given within the eight weeks names a
  reasonable term; the eight weeks of 4:13 lid 2 then no longer apply, so the term announced is
  the statutory term.
- Awb art. 7:10 lid 1: a decision on an objection within six weeks, or twelve weeks where an
  advisory committee (art. 7:13) hears it, counted from the day after the objection period ended;
  lid 3: one extension of at most six weeks; lid 4: a further extension with the objector's
  consent.
- Awb art. 9:11 lid 1: a complaint is dealt with within six weeks after receipt, or ten weeks
  where the complaints advice procedure of afdeling 9.1.3 applies; lid 2: one extension of at most
  four weeks; lid 3: further delay with the complainant's written consent.
- Awb art. 4:17: the penalty (dwangsom) for a decision on an application given late; it applies
  to a decision on objection as well (Awb 7:14 excepts paragraph 4.1.3.2). Where it does not
  apply (a complaint, a report, a Woo request: Woo art. 8.2), the case type says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.lib.calendar import Term, TermUnit


class LegalBasis(models.TextChoices):
    """The statutory decision term a case type's cases have."""

    NONE = "none", _("no statutory decision term (a report, a question)")
    APPLICATION = "awb-4:13", _("decision on an application (Awb art. 4:13)")
    OBJECTION = "awb-7:10", _("decision on an objection (Awb art. 7:10)")
    COMPLAINT = "awb-9:11", _("dealing with a complaint (Awb art. 9:11)")


class ExtensionBasis(models.TextChoices):
    """Why and how a term may be extended; recorded on every extension."""

    NOTICE = "awb-4:14-1", _("notice that the decision comes later (Awb art. 4:14 lid 1)")
    REASONABLE_TERM = (
        "awb-4:14-3",
        _("notice of a reasonable term, within the eight weeks (Awb art. 4:14 lid 3)"),
    )
    SPECIAL_LAW = "special-law", _("extension by the special law")
    OBJECTION = "awb-7:10-3", _("extension of the objection term (Awb art. 7:10 lid 3)")
    OBJECTION_CONSENT = (
        "awb-7:10-4",
        _("further extension with the objector's consent (Awb art. 7:10 lid 4)"),
    )
    COMPLAINT = "awb-9:11-2", _("extension of the complaint term (Awb art. 9:11 lid 2)")
    COMPLAINT_CONSENT = (
        "awb-9:11-3",
        _("further delay with the complainant's written consent (Awb art. 9:11 lid 3)"),
    )


class SuspensionBasis(models.TextChoices):
    """The grounds on which a decision term stands still (Awb 4:15; 7:10 lid 2 for objections)."""

    SUPPLEMENT = (
        "awb-4:15-1-a",
        _("the applicant is invited to supplement the request (4:15 lid 1 a)"),
    )
    FOREIGN = "awb-4:15-1-b", _("information was asked from a foreign authority (4:15 lid 1 b)")
    CONSENT = "awb-4:15-2-a", _("the applicant agreed in writing to a delay (4:15 lid 2 a)")
    APPLICANT_DELAY = "awb-4:15-2-b", _("the delay is attributable to the applicant (4:15 lid 2 b)")
    FORCE_MAJEURE = "awb-4:15-2-c", _("force majeure (4:15 lid 2 c)")
    REPAIR = "awb-7:10-2", _("the objector is asked to repair an omission (7:10 lid 2)")

    @classmethod
    def for_basis(cls, legal_basis: str) -> list[SuspensionBasis]:
        """The grounds that exist for a case type's legal basis. Awb 7:14 leaves 4:15 lid 1 b,
        lid 2 b and c to objections; an objector's consent is an extension (7:10 lid 4)."""
        if legal_basis == LegalBasis.OBJECTION:
            return [cls.REPAIR, cls.FOREIGN, cls.APPLICANT_DELAY, cls.FORCE_MAJEURE]
        return [cls.SUPPLEMENT, cls.FOREIGN, cls.CONSENT, cls.APPLICANT_DELAY, cls.FORCE_MAJEURE]

    @property
    def asks_the_applicant(self) -> bool:
        """The applicant has a term to respond (Awb 4:5 lid 1, 6:6): a response date is set."""
        return self in (SuspensionBasis.SUPPLEMENT, SuspensionBasis.REPAIR)

    @property
    def has_agreed_end(self) -> bool:
        """Suspended for the term the applicant agreed to (4:15 lid 2 a): the end is known."""
        return self == SuspensionBasis.CONSENT


@dataclass(frozen=True)
class Extension:
    """How a case's term may be extended.

    ``maximum`` is the longest extension the law allows (``None``: a notice under Awb 4:14, which
    names a date instead). ``moves_statutory`` says whether the statutory term itself moves;
    ``further_with_consent`` allows the further delays of Awb 7:10 lid 4 and 9:11 lid 3.
    """

    basis: ExtensionBasis
    maximum: Term | None
    moves_statutory: bool
    source: str
    further_with_consent: bool = False

    @property
    def names_a_date(self) -> bool:
        """A notice names the date the decision can be expected, not a length."""
        return self.maximum is None

    @property
    def consent_basis(self) -> ExtensionBasis | None:
        if not self.further_with_consent:
            return None
        if self.basis == ExtensionBasis.COMPLAINT:
            return ExtensionBasis.COMPLAINT_CONSENT
        return ExtensionBasis.OBJECTION_CONSENT


@dataclass(frozen=True)
class StatutoryTerm:
    """The statutory decision term of a product's cases."""

    basis: LegalBasis
    term: Term
    source: str
    extension: Extension | None
    penalty_applies: bool

    @property
    def atw_applies(self) -> bool:
        """Atw art. 4: the Act does not apply to terms of more than twelve weeks or ninety days."""
        if self.term.unit is TermUnit.WEEKS:
            return self.term.amount <= 12
        return self.term.unit is TermUnit.WORKING_DAYS or self.term.amount <= 90

    @property
    def counts_from_objection_period(self) -> bool:
        """Awb 7:10 lid 1: from the day after the objection period ended, not from receipt."""
        return self.basis == LegalBasis.OBJECTION


EIGHT_WEEKS = Term(8, TermUnit.WEEKS)
SIX_WEEKS = Term(6, TermUnit.WEEKS)
OBJECTION_PERIOD = SIX_WEEKS  # Awb art. 6:7, counted from the day after sending (art. 6:8 lid 1)


def statutory_term(
    *,
    basis: str,
    committee: bool,
    penalty_applies: bool,
    allows_extension: bool,
    legal_term: str = "",
    legal_source: str = "",
    extension_term: str = "",
    extension_source: str = "",
) -> StatutoryTerm | None:
    """The statutory term for a case type's ``basis`` and a product's special law, if any.

    ``legal_term``/``legal_source``: the special law's term (for example ``4w``, "Woo art. 4.4
    lid 1"); empty means the Awb's own default. ``extension_term``/``extension_source``: a special
    law's extension maximum; without it an application's term can only be followed by the notice
    of Awb 4:14 lid 1, which does not move the statutory term.
    """
    if basis == LegalBasis.APPLICATION:
        extension: Extension | None = None
        if legal_term:
            term, source = Term.parse(legal_term), legal_source or "bijzondere wet"
            if allows_extension and extension_term and extension_source:
                extension = Extension(
                    ExtensionBasis.SPECIAL_LAW, Term.parse(extension_term), True, extension_source
                )
            elif allows_extension:
                extension = Extension(ExtensionBasis.NOTICE, None, False, "Awb art. 4:14 lid 1")
        else:
            term, source = EIGHT_WEEKS, "Awb art. 4:13 lid 2"
            if allows_extension:
                extension = Extension(
                    ExtensionBasis.REASONABLE_TERM, None, True, "Awb art. 4:14 lid 3"
                )
        return StatutoryTerm(LegalBasis.APPLICATION, term, source, extension, penalty_applies)
    if basis == LegalBasis.OBJECTION:
        term = Term(12, TermUnit.WEEKS) if committee else SIX_WEEKS
        source = "Awb art. 7:10 lid 1" + (" (adviescommissie, art. 7:13)" if committee else "")
        extension = (
            Extension(ExtensionBasis.OBJECTION, SIX_WEEKS, True, "Awb art. 7:10 lid 3", True)
            if allows_extension
            else None
        )
        return StatutoryTerm(LegalBasis.OBJECTION, term, source, extension, penalty_applies)
    if basis == LegalBasis.COMPLAINT:
        term = Term(10, TermUnit.WEEKS) if committee else SIX_WEEKS
        source = "Awb art. 9:11 lid 1" + (" (afdeling 9.1.3)" if committee else "")
        extension = (
            Extension(
                ExtensionBasis.COMPLAINT, Term(4, TermUnit.WEEKS), True, "Awb art. 9:11 lid 2", True
            )
            if allows_extension
            else None
        )
        return StatutoryTerm(LegalBasis.COMPLAINT, term, source, extension, False)
    return None
