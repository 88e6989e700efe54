"""Refusals of the contact services, each with a message for people and a stable code."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from loket.lib.errors import Refused


class ContactRefused(Refused):
    """Nothing was saved. ``field`` names the form field the message belongs to, if any."""


class InvalidContactInput(ContactRefused):
    """A value the services cannot store (too long, malformed); a 400, not a conflict."""

    code = "invalid"
    status = 400


class PartyExists(ContactRefused):
    """A person with this BSN (or an organisation with this KvK number) is already known."""

    code = "party-exists"

    def __init__(self, existing: Any, message: str | Promise, *, field: str) -> None:
        self.existing = existing
        super().__init__(message, field=field)


class ReceiverRequired(ContactRefused):
    code = "receiver-required"
    default_message = _("Choose the team, partner or colleague who takes this over.")


class RequestClosed(ContactRefused):
    code = "request-closed"
    default_message = _("This request is already closed.")


class StaleRequest(ContactRefused):
    code = "stale"
    default_message = _("Someone else changed this request in the meantime. Look again.")
