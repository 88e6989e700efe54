"""Fault test with real processes: ``loket worker`` is killed with SIGKILL in the middle of a
batch (while it talks to the SMTP server), a new worker takes over when the lease runs out, and
every message reaches the SMTP server exactly once, counted at the server by Message-ID.

Runs on PostgreSQL (the worker is a separate process and needs the same database)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from loket.catalogue.services import catalogue_load
from loket.notifications.models import DeliveryAttempt, OutboxMessage
from loket.notifications.services import enqueue
from tests.factories import MunicipalityFactory, PersonFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

COUNT = 60
KILL_AT = 25


def _worker(smtp_port: int) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "LOKET_MODE": "test",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "LOKET_DELIVERY_LEASE_SECONDS": "5",
    }
    loket = Path(sys.executable).with_name("loket")
    return subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [str(loket), "worker", "--no-jobs", "--batch", "50", "--idle", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_sigkill_mid_batch_then_restart_delivers_each_message_once(smtp_server: Any) -> None:
    catalogue_load()
    town = MunicipalityFactory(slug="stad", name="Stad")
    person = PersonFactory(municipality=town, email="emma@example.org", surname="Visser")
    for number in range(COUNT):
        enqueue(
            event="message",
            municipality=town,
            person=person,
            context={"message": f"Bericht {number}", "case_url": "-", "reference": "-"},
            dedupe_key=f"fault-test-{number}",
        )

    first: subprocess.Popen[bytes] | None = None
    seen = 0
    killed = threading.Event()

    def kill_in_the_middle(address: str) -> None:
        nonlocal seen
        seen += 1
        if seen == KILL_AT and first is not None:
            # The worker is waiting for our answer to RCPT of message 25: kill it now.
            first.send_signal(signal.SIGKILL)
            first.wait()
            killed.set()

    smtp_server.on_rcpt = kill_in_the_middle
    first = _worker(smtp_server.port)
    assert killed.wait(60), "the first worker never reached message 25"
    assert first.returncode == -signal.SIGKILL
    received_before_restart = len(smtp_server.messages)
    assert received_before_restart == KILL_AT - 1
    stuck = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENDING).count()
    assert stuck > 0  # claimed by the dead worker, not sent

    smtp_server.on_rcpt = None
    second = _worker(smtp_server.port)
    try:
        deadline = time.monotonic() + 60
        while len(smtp_server.messages) < COUNT and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)  # anything extra would arrive now
    finally:
        second.terminate()
        second.wait(10)

    ids = smtp_server.message_ids()
    assert len(ids) == COUNT, f"{len(ids)} messages received for {COUNT}"
    assert len(set(ids)) == COUNT  # exactly once each
    assert set(ids) == {m.message_id for m in OutboxMessage.objects.all()}
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert DeliveryAttempt.objects.filter(ok=True).count() == COUNT
