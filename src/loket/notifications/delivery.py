"""Delivering the outbox: claim, send, record, retry, park.

* Claiming takes due messages and messages whose lease ran out (a worker that died). On
  PostgreSQL it uses ``SELECT ... FOR UPDATE SKIP LOCKED``, so several workers never claim the
  same message; on SQLite the database's single writer does the same.
* Each message is marked sent in its own commit right after the server accepted it, so a worker
  killed halfway through a batch resends nothing that was marked; the rest is picked up when the
  lease runs out. The one window left is between the server's "250 OK" and that commit (well
  under a millisecond): a crash exactly there sends that message twice, with the same
  Message-ID. Delivery is therefore at-least-once, and exactly-once outside that window.
* A failure is recorded as an attempt. Temporary failures are retried with exponential back-off
  (30 s, 1 min, 2 min ... at most 1 hour); after ``LOKET_DELIVERY_MAX_ATTEMPTS``, or at once
  for a permanent failure (an address the server refuses), the message becomes a dead letter
  that administrators see and can retry.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import socket
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from loket.notifications.gateways import PermanentFailure, sms_gateway
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


def claim(*, worker: str, size: int = 50) -> list[OutboxMessage]:
    now = timezone.now()
    lease = now + timedelta(seconds=settings.LOKET_DELIVERY_LEASE_SECONDS)
    with transaction.atomic():
        due = OutboxMessage.objects.filter(
            Q(status=Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Status.SENDING, claimed_until__lt=now)
        ).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:size])
        if not ids:
            return []
        OutboxMessage.objects.filter(pk__in=ids).update(
            status=Status.SENDING, claimed_by=worker, claimed_until=lease
        )
    return list(OutboxMessage.objects.filter(pk__in=ids).order_by("next_attempt_at", "pk"))


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
            self.smtp = _mailer()
            self.smtp.open()
        mail = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            to=[message.recipient],
            headers={"Message-ID": message.message_id, "X-Loket-Event": message.event},
            connection=self.smtp,
        )
        if message.body_html:
            mail.attach_alternative(message.body_html, "text/html")
        try:
            mail.send()
        except smtplib.SMTPRecipientsRefused as error:
            raise PermanentFailure(str(error)) from error
        except smtplib.SMTPResponseException as error:
            if 500 <= error.smtp_code < 600:
                raise PermanentFailure(f"{error.smtp_code} {error.smtp_error!r}") from error
            self.close()
            raise
        except Exception:
            self.close()
            raise

    def _letter(self, message: OutboxMessage) -> None:
        from loket.notifications.letters import render_letter

        message.letter.save(f"{message.uuid}.pdf", ContentFile(render_letter(message)), save=False)

    def deliver(self, message: OutboxMessage) -> None:
        started = time.perf_counter()
        error, permanent = "", False
        try:
            if message.channel == Channel.EMAIL:
                self._email(message)
            elif message.channel == Channel.SMS:
                sms_gateway().send(message.recipient, message.body_text)
            else:
                self._letter(message)
        except PermanentFailure as failure:
            error, permanent = str(failure) or "permanent failure", True
        except Exception as failure:  # any other failure is retried
            error = f"{type(failure).__name__}: {failure}"
        self._record(message, error, permanent, started)

    def _record(self, message: OutboxMessage, error: str, permanent: bool, started: float) -> None:
        now = timezone.now()
        attempts = message.attempts + 1
        fields: dict[str, Any] = {"attempts": attempts, "claimed_until": None, "claimed_by": ""}
        if not error:
            fields.update(status=Status.SENT, sent_at=now, last_error="")
            self.sent += 1
        elif permanent or attempts >= settings.LOKET_DELIVERY_MAX_ATTEMPTS:
            fields.update(status=Status.FAILED, last_error=error)
            self.failed += 1
        else:
            fields.update(
                status=Status.PENDING, last_error=error, next_attempt_at=now + backoff(attempts)
            )
            self.failed += 1
        if error:
            self.errors.append(error)
        with transaction.atomic():
            updated = OutboxMessage.objects.filter(
                pk=message.pk, status=Status.SENDING, claimed_by=self.worker
            ).update(**fields)
            if message.letter and not error:
                OutboxMessage.objects.filter(pk=message.pk).update(letter=message.letter.name)
            if updated:
                DeliveryAttempt.objects.create(
                    message=message,
                    at=now,
                    worker=self.worker,
                    ok=not error,
                    permanent=permanent,
                    error=error[:2000],
                    milliseconds=int((time.perf_counter() - started) * 1000),
                )


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
