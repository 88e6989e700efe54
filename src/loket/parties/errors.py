"""Refusals of the party services, each with a message for people and a stable code."""

from __future__ import annotations

from django.db.models import Model
from django.utils.functional import Promise

from loket.lib.errors import Refused


class PartyRefused(Refused):
    """Nothing was saved. ``field`` names the form field the message belongs to, if any."""


class InvalidPartyInput(PartyRefused):
    """A value the services cannot store (too long, malformed); a 400, not a conflict."""

    code = "invalid"
    status = 400


class PartyExists(PartyRefused):
    """A person with this BSN (or an organisation with this KvK number) is already known."""

    code = "party-exists"

    def __init__(self, existing: Model, message: str | Promise, *, field: str) -> None:
        self.existing = existing
        super().__init__(message, field=field)
