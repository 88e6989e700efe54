"""SMS gateways. A gateway is a class with ``send(to: str, text: str) -> str`` (the provider's
message id) that raises ``PermanentFailure`` for a number that can never work,
``OutcomeUnknown`` when it cannot tell whether the provider took the message (a time-out after
sending), and any other exception for a failure worth retrying (the provider did not take it).
``LOKET_SMS_GATEWAY`` names the one to use; a municipality plugs in its provider (MessageBird,
CM, Spryng...) by writing such a class."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from loket.lib.identifiers import normalise_phone


class PermanentFailure(Exception):  # noqa: N818
    """The message can never be delivered this way (bad address); do not retry."""


class OutcomeUnknown(Exception):  # noqa: N818
    """The hand-over broke off after the provider may have taken the message (a connection
    lost or timed out while waiting for its answer). It is retried, and the retry is marked
    as possibly delivered twice."""


class SmsGateway(Protocol):
    def send(self, to: str, text: str) -> str: ...


class RecordingGateway:
    """Records messages in the database instead of sending them (demo and tests)."""

    def send(self, to: str, text: str) -> str:
        from loket.notifications.models import RecordedSms

        try:
            normalise_phone(to)
        except ValueError:
            raise PermanentFailure(f"not a phone number: {to}") from None
        return str(RecordedSms.objects.create(to=to, text=text[:1600]).pk)


def sms_gateway() -> SmsGateway:
    gateway: SmsGateway = import_string(settings.LOKET_SMS_GATEWAY)()
    return gateway


class NoGateway:
    """Production's default until a real gateway is configured: every SMS is refused at once,
    so it ends as a dead letter that says why instead of waiting in a table nobody reads."""

    def send(self, to: str, text: str) -> str:
        raise PermanentFailure("no SMS gateway is configured (set LOKET_SMS_GATEWAY)")
