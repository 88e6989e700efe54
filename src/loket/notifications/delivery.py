"""Delivering the outbox: claim, hand over, record, retry, park.

What is guaranteed, and why (SMTP cannot do better: a server's "250 OK" and our record of it
can never be one atomic step):

* **Claiming** takes messages that are due, at most one per *order key* (a case, or one
  recipient without a case): the oldest one of that key that is not yet sent or dead. A later
  message of a case therefore waits while an earlier one is waiting, backing off or being
  handed over; a dead letter no longer holds the ones after it back. On PostgreSQL the claim
  uses ``SELECT ... FOR UPDATE SKIP LOCKED``, so several workers never claim the same message;
  on SQLite the database's single writer does the same, and the claim itself is a conditional
  UPDATE. A claim is a lease (``LOKET_DELIVERY_LEASE_SECONDS``): a worker that dies leaves its
  claimed messages to others when it runs out.
* **Before** a message is handed over (SMTP DATA, the SMS gateway, the print queue), it is
  marked ``sending`` and the attempt is written, in a commit of its own; **after** the server
  accepted it, it is marked ``sent`` in the next commit. So a worker that dies leaves every
  message it had not started ``pending`` (taken over without any doubt), and at most one
  message ``sending``: the only one whose fate is unknown. When its lease has run out, another
  worker sends it again, with the same Message-ID, and marks it ``possibly_duplicated`` for
  administrators. Delivery is at-least-once; a second copy needs a worker to die (or the
  connection to break) between handing a message over and recording the answer, and each such
  event can add at most one copy of one message.
* A failure is recorded on the attempt. A failure the server answered (4xx) or a connection
  that could not be made is *clean*: the message was certainly not accepted, and it is retried
  with exponential back-off (30 s, 1 min, 2 min ... at most 1 hour) without any mark. A
  connection lost while waiting for the server's answer is *unknown* and its retry is marked.
  After ``LOKET_DELIVERY_MAX_ATTEMPTS``, or at once for a permanent failure (an address the
  server refuses), the message becomes a dead letter that administrators see and can retry.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from loket.notifications.gateways import OutcomeUnknown, PermanentFailure, sms_gateway
from loket.notifications.models import Channel, DeliveryAttempt, OutboxMessage

Status = OutboxMessage.Status


def _mailer() -> Any:
    """A new connection to the configured mail backend (Django 6.1 mailers, or 5.2)."""
    import django

    if django.VERSION >= (6, 1):
        from importlib import import_module

        return import_module("django.core.mail").mailers.default
    return get_connection(fail_silently=False)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


UNDELIVERED = (Status.PENDING, Status.SENDING)
STOPPED = "The worker stopped before it could record whether the server accepted the message."


def claimable(now: datetime) -> Q:
    """Waiting and due, and not claimed by a worker that is still within its lease; or left
    ``sending`` by a worker whose lease ran out (fate unknown: send again)."""
    unclaimed = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return Q(status=Status.PENDING, next_attempt_at__lte=now) & unclaimed | Q(
        status=Status.SENDING, claimed_until__lt=now
    )


def _earlier_undelivered() -> Exists:
    return Exists(
        OutboxMessage.objects.filter(
            order_key=OuterRef("order_key"), pk__lt=OuterRef("pk"), status__in=UNDELIVERED
        )
    )


def claim(*, worker: str, size: int = 50) -> list[OutboxMessage]:
    """Claim up to ``size`` messages for ``worker``: per order key only the first one not yet
    sent or dead, and only when it is due (so a later message of a case never overtakes an
    earlier one that is backing off)."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.LOKET_DELIVERY_LEASE_SECONDS)
    with transaction.atomic():
        due = (
            OutboxMessage.objects.filter(claimable(now))
            .filter(~_earlier_undelivered())
            .order_by("next_attempt_at", "pk")
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:size])
        if not ids:
            return []
        # Conditional, so that without row locks (SQLite) two workers cannot both claim one.
        OutboxMessage.objects.filter(claimable(now), pk__in=ids).update(
            claimed_by=worker, claimed_until=lease
        )
    return list(
        OutboxMessage.objects.filter(pk__in=ids, claimed_by=worker, claimed_until=lease).order_by(
            "next_attempt_at", "pk"
        )
    )


@dataclass
class Courier:
    """Sends one batch, reusing one SMTP connection for all its e-mails."""

    worker: str
    smtp: Any = None
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(Exception):  # closing a broken connection
                self.smtp.close()
            self.smtp = None

    def _email(self, message: OutboxMessage) -> None:
        if self.smtp is None:
            mailer = _mailer()
            mailer.open()  # a connection that cannot be made has handed nothing over
            self.smtp = mailer
        mail = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            to=[message.recipient],
            headers={"Message-ID": message.message_id, "X-Loket-Event": message.event},
            connection=self.smtp,
        )
        if message.body_html:
            mail.attach_alternative(message.body_html, "text/html")
        if message.document is not None:
            with message.document.file.open("rb") as handle:
                mail.attach(message.document.name, handle.read(), message.document.content_type)
        if message.attachment_name:
            mail.attach(message.attachment_name, message.attachment_text, message.attachment_type)
        try:
            mail.send()
        except smtplib.SMTPRecipientsRefused as error:
            raise PermanentFailure(str(error)) from error
        except smtplib.SMTPResponseException as error:  # the server answered: not accepted
            if 500 <= error.smtp_code < 600:
                raise PermanentFailure(f"{error.smtp_code} {error.smtp_error!r}") from error
            self.close()
            raise
        except OSError as error:  # lost or timed out mid-conversation: perhaps accepted
            self.close()
            raise OutcomeUnknown(f"{type(error).__name__}: {error}") from error
        except Exception:
            self.close()
            raise

    def _letter(self, message: OutboxMessage) -> None:
        from loket.notifications.letters import render_letter

        if message.document is not None and message.document.content_type == "application/pdf":
            # A decision letter is itself the letter that is printed and posted.
            with message.document.file.open("rb") as handle:
                content = handle.read()
        else:
            content = render_letter(message)
        message.letter.save(f"{message.uuid}.pdf", ContentFile(content), save=False)

    def deliver(self, message: OutboxMessage) -> None:
        attempt = self._begin(message)
        if attempt is None:
            return
        started = time.perf_counter()
        error, permanent = "", False
        ok: bool | None = True  # None: the server may or may not have accepted it
        try:
            if message.channel == Channel.EMAIL:
                self._email(message)
            elif message.channel == Channel.SMS:
                sms_gateway().send(message.recipient, message.body_text)
            else:
                self._letter(message)
        except PermanentFailure as failure:
            error, ok, permanent = str(failure) or "permanent failure", False, True
        except OutcomeUnknown as failure:
            error, ok = f"Outcome unknown: {failure}", None
        except Exception as failure:  # any other failure: not delivered, retried
            error, ok = f"{type(failure).__name__}: {failure}", False
        self._record(message, attempt, ok, permanent, error, started)

    def _begin(self, message: OutboxMessage) -> DeliveryAttempt | None:
        """Commit "sending" and the attempt before anything is handed over. None when this
        worker no longer holds the message (its lease ran out and another took it)."""
        now = timezone.now()
        mine = OutboxMessage.objects.filter(
            pk=message.pk, claimed_by=self.worker, status=message.status
        )
        if (
            message.status == Status.SENDING
            and message.attempts >= settings.LOKET_DELIVERY_MAX_ATTEMPTS
        ):
            # Workers keep dying while handing this one over: stop trying (it may have arrived).
            error = f"{STOPPED} ({message.attempts} times)"
            if mine.update(
                status=Status.FAILED, last_error=error, claimed_by="", claimed_until=None
            ):
                self.failed += 1
                self.errors.append(error)
            return None
        # Sent again after an attempt that may have been accepted (its outcome unknown, or
        # accepted by a worker that lost its lease before recording it): possibly a 2nd copy.
        duplicate = (
            message.possibly_duplicated
            or DeliveryAttempt.objects.filter(message=message)
            .filter(Q(ok__isnull=True) | Q(ok=True))
            .exists()
        )
        lease = now + timedelta(seconds=settings.LOKET_DELIVERY_LEASE_SECONDS)
        with transaction.atomic():
            if not mine.update(
                status=Status.SENDING,
                attempts=F("attempts") + 1,
                claimed_until=lease,
                possibly_duplicated=duplicate,
            ):
                return None
            DeliveryAttempt.objects.filter(message=message, ok__isnull=True, error="").update(
                error=STOPPED
            )
            attempt = DeliveryAttempt.objects.create(
                message=message, at=now, worker=self.worker, ok=None
            )
        message.status, message.attempts = Status.SENDING, message.attempts + 1
        message.possibly_duplicated = duplicate
        return attempt

    def _record(
        self,
        message: OutboxMessage,
        attempt: DeliveryAttempt,
        ok: bool | None,
        permanent: bool,
        error: str,
        started: float,
    ) -> None:
        now = timezone.now()
        fields: dict[str, Any] = {"claimed_until": None, "claimed_by": ""}
        if ok:
            fields.update(status=Status.SENT, sent_at=now, last_error="")
        elif permanent or message.attempts >= settings.LOKET_DELIVERY_MAX_ATTEMPTS:
            fields.update(status=Status.FAILED, last_error=error)
        else:
            fields.update(
                status=Status.PENDING,
                last_error=error,
                next_attempt_at=now + backoff(message.attempts),
            )
        with transaction.atomic():
            updated = OutboxMessage.objects.filter(
                pk=message.pk, status=Status.SENDING, claimed_by=self.worker
            ).update(**fields)
            if message.letter and ok:
                OutboxMessage.objects.filter(pk=message.pk).update(letter=message.letter.name)
            # What this attempt did is a fact even when another worker holds the message now.
            DeliveryAttempt.objects.filter(pk=attempt.pk).update(
                ok=ok,
                permanent=permanent,
                error=error[:2000],
                milliseconds=int((time.perf_counter() - started) * 1000),
            )
        if updated and ok:
            self.sent += 1
        elif updated:
            self.failed += 1
        if error:
            self.errors.append(error)


def deliver_batch(*, worker: str | None = None, size: int = 50) -> tuple[int, int]:
    """Claim and deliver one batch; ``(sent, failed)``."""
    name = worker or worker_name()
    messages = claim(worker=name, size=size)
    courier = Courier(worker=name)
    try:
        for message in messages:
            courier.deliver(message)
    finally:
        courier.close()
    return courier.sent, courier.failed


def deliver_all(*, size: int = 50) -> int:
    """Deliver everything that is due now (tests, the demo); returns how many were sent."""
    total = 0
    while True:
        sent, failed = deliver_batch(size=size)
        total += sent
        if sent == 0 and failed == 0:
            return total


def retry(message: OutboxMessage) -> None:
    """An administrator sends a dead letter again."""
    OutboxMessage.objects.filter(pk=message.pk, status=Status.FAILED).update(
        status=Status.PENDING, next_attempt_at=timezone.now(), attempts=0, last_error=""
    )
