"""Refusals of the case services. Each carries a message for people (translated lazily) and a
stable ``code`` that the API puts in its problem document."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from loket.lib.errors import Refused


class CaseRefused(Refused):
    """The requested change to a case is not allowed; nothing was changed."""

    default_message: str | Promise = _("This change is not allowed.")


class TransitionNotAllowed(CaseRefused):
    code = "transition-not-allowed"
    default_message = _("This step cannot follow the current step.")


class ResultRequired(CaseRefused):
    code = "result-required"
    default_message = _("Choose a result before closing the case.")


class DecisionRequired(CaseRefused):
    code = "decision-required"
    default_message = _("This result needs a decision: send the decision letter first.")


class CaseClosed(CaseRefused):
    code = "case-closed"
    default_message = _("The case is closed. Reopen it first.")


class CaseSuspended(CaseRefused):
    code = "case-suspended"
    default_message = _("The case is suspended. Resume it first.")


class SuspensionNotAllowed(CaseRefused):
    code = "suspension-not-allowed"
    default_message = _("Cases of this type cannot be suspended.")


class NotSuspended(CaseRefused):
    code = "not-suspended"
    default_message = _("The case is not suspended.")


class ExtensionNotAllowed(CaseRefused):
    code = "extension-not-allowed"
    default_message = _("The term of this case cannot be extended.")


class AlreadyExtended(CaseRefused):
    code = "already-extended"
    default_message = _("The term has already been extended once; the law allows one extension.")


class StaleCase(CaseRefused):
    code = "stale"
    default_message = _(
        "Someone else changed this case while you were working on it. "
        "Look at the latest version and try again."
    )


class InvalidInput(CaseRefused):
    code = "invalid"
    status = 400
