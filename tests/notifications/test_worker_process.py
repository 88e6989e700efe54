"""Fault test with real processes: ``loket worker`` is killed with SIGKILL in the middle of a
batch, right after the SMTP server took message 25's data and before the worker heard the
server's "250 OK". A new worker takes over when the lease runs out. Counted at the server by
Message-ID: every message arrives, message 25 twice (SMTP allows no better: the server has it,
the worker died before it could know), and exactly that message is marked "possibly delivered
twice"; the messages the dead worker had claimed but not started arrive once.

Runs on PostgreSQL (the worker is a separate process and needs the same database)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from loket.catalogue.services import catalogue_load
from loket.notifications.delivery import STOPPED
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


def test_sigkill_after_the_hand_over_then_restart_delivers_all_and_marks_the_one_in_doubt(
    smtp_server: Any,
) -> None:
    catalogue_load()
    town = MunicipalityFactory.create(slug="stad", name="Stad")
    for number in range(COUNT):
        # A resident each, so that one batch holds many messages (one per order key).
        person = PersonFactory.create(municipality=town, email=f"inwoner{number}@example.org")
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
    in_doubt = ""

    def kill_after_the_data(message: EmailMessage) -> None:
        nonlocal seen, in_doubt
        seen += 1
        if seen == KILL_AT and first is not None:
            # The server has message 25; the worker waits for our answer: kill it now.
            in_doubt = str(message["Message-ID"])
            first.send_signal(signal.SIGKILL)
            first.wait()
            killed.set()

    smtp_server.on_data = kill_after_the_data
    first = _worker(smtp_server.port)
    assert killed.wait(60), "the first worker never reached message 25"
    assert first.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 5
    while len(smtp_server.messages) < KILL_AT and time.monotonic() < deadline:
        time.sleep(0.01)  # the server stores message 25 once our hook returns
    assert len(smtp_server.messages) == KILL_AT
    statuses = Counter(OutboxMessage.objects.values_list("status", flat=True))
    # Only the message handed over is in doubt; the rest of the batch was never started.
    assert statuses == {"sent": KILL_AT - 1, "sending": 1, "pending": COUNT - KILL_AT}
    assert OutboxMessage.objects.get(status="sending").message_id == in_doubt

    smtp_server.on_data = None
    second = _worker(smtp_server.port)
    try:
        deadline = time.monotonic() + 60
        while len(smtp_server.messages) < COUNT + 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)  # anything extra would arrive now
    finally:
        second.terminate()
        second.wait(10)

    received = Counter(smtp_server.message_ids())
    assert set(received) == {m.message_id for m in OutboxMessage.objects.all()}
    assert {mid for mid, n in received.items() if n > 1} == {in_doubt}
    assert received[in_doubt] == 2 and sum(received.values()) == COUNT + 1
    assert [m.message_id for m in OutboxMessage.objects.filter(possibly_duplicated=True)] == [
        in_doubt
    ]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert DeliveryAttempt.objects.filter(ok=True).count() == COUNT
    assert list(
        DeliveryAttempt.objects.filter(ok__isnull=True).values_list("error", flat=True)
    ) == [STOPPED]
