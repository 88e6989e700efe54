"""Refusals of the contact services, each with a message for people and a stable code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from loket.lib.errors import Refused


class ContactRefused(Refused):
    """Nothing was saved. ``field`` names the form field the message belongs to, if any."""


class InvalidContactInput(ContactRefused):
    """A value the services cannot store (too long, malformed); a 400, not a conflict."""

    code = "invalid"
    status = 400


class ReceiverRequired(ContactRefused):
    code = "receiver-required"
    default_message = _("Choose the team, partner or colleague who takes this over.")


class RequestClosed(ContactRefused):
    code = "request-closed"
    default_message = _("This request is already closed.")


class StaleRequest(ContactRefused):
    code = "stale"
    default_message = _("Someone else changed this request in the meantime. Look again.")
