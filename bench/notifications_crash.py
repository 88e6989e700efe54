"""Crash benchmark of the outbox (issue 11, "Notifications under crashes").

Queues BENCH_CRASH_MESSAGES messages (default 3,000) over many cases, several per case, through
the real case services; starts BENCH_CRASH_WORKERS ``loket worker`` processes (the real CLI,
lease 5 s, fast polling) that deliver to a real SMTP server (aiosmtpd, in its own process, on
127.0.0.1) which records every Message-ID in the order it arrives; and kills a random worker
with SIGKILL at random moments (restarting it), until every message is sent or dead. Prints, and
writes as JSON under bench/results/:

* lost: queued, never received by the SMTP server, and not a dead letter (must be 0);
* duplicates: extra copies received, in total and per kill (must be at most 1 per kill), and
  whether every duplicated message is marked "possibly delivered twice" (must be yes);
* out-of-order pairs: two messages of one case whose first copies arrived in the other order
  than they were queued (must be 0);
* the elapsed time.

Bounded: at most BENCH_CRASH_KILLS kills (default 80) and BENCH_CRASH_SECONDS (default 300) of
delivery. Needs PostgreSQL on 127.0.0.1: BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/loket_crash), a database it drops and creates again.
Exits 1 when a guarantee does not hold.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = int(os.environ.get("BENCH_CRASH_MESSAGES", "3000"))
PER_CASE = int(os.environ.get("BENCH_CRASH_PER_CASE", "4"))
WORKERS = int(os.environ.get("BENCH_CRASH_WORKERS", "3"))
MAX_KILLS = int(os.environ.get("BENCH_CRASH_KILLS", "80"))
MAX_SECONDS = float(os.environ.get("BENCH_CRASH_SECONDS", "300"))
LEASE_SECONDS = 5
SEED = int(os.environ.get("BENCH_CRASH_SEED", "11"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/loket_crash"
LOCAL = {"127.0.0.1", "localhost", "::1"}


# --- The SMTP server (run as its own process: ``notifications_crash.py --smtp PORT FILE``) ---


def smtp_server(port: int, record: Path) -> None:
    """Accept everything on 127.0.0.1:PORT; append each message's Message-ID to RECORD, one a
    line, flushed before the "250 OK" (so a copy counts even when its sender dies next)."""
    import re

    from aiosmtpd.controller import Controller

    message_id = re.compile(rb"^Message-ID:\s*(\S+)", re.I | re.M)
    out = record.open("a", encoding="ascii")

    class Recorder:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            found = message_id.search(envelope.original_content or envelope.content)
            out.write((found[1].decode() if found else "-") + "\n")
            out.flush()
            return "250 OK"

    controller = Controller(Recorder(), hostname="127.0.0.1", port=port)
    controller.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print("ready", flush=True)
    done.wait()
    controller.stop()
    out.close()


# --- The benchmark ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    if parts.hostname not in LOCAL:
        sys.exit(f"refusing to drop a database on {parts.hostname}: only 127.0.0.1")
    server = parts._replace(path="/postgres").geturl()
    name = parts.path.lstrip("/")
    pg_ready = ROOT / "bin" / "pg-ready"
    if subprocess.call([sys.executable, str(pg_ready), server, "--recreate", name]) != 0:  # noqa: S603
        sys.exit(f"PostgreSQL not reachable at {server}")


@dataclass
class Worker:
    number: int
    env: dict[str, str]
    log: Any
    process: subprocess.Popen[bytes] = field(init=False)
    started: float = 0.0

    def start(self) -> None:
        loket = Path(sys.executable).with_name("loket")
        self.process = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
            [str(loket), "worker", "--no-jobs", "--batch", "25", "--idle", "0.1"],
            env=self.env,
            stdout=self.log,
            stderr=self.log,
        )
        self.started = time.monotonic()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


def queue_messages() -> tuple[int, int]:
    """Cases with PER_CASE messages each (the acknowledgement, then messages from the case
    worker), through the real services; returns (messages, cases)."""
    from django.db import transaction

    from loket.cases.services import case_create, case_send_message
    from loket.catalogue.models import Product
    from loket.catalogue.services import catalogue_load
    from loket.notifications.models import OutboxMessage
    from loket.parties.models import Person
    from loket.tenancy.models import Municipality, Package

    catalogue_load()
    town = Municipality.objects.create(slug="crash", name="Crashdorp")
    town.additional_packages.set(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    product = Product.objects.get(slug="parkeervergunning")
    cases = -(-MESSAGES // PER_CASE)
    for number in range(cases):
        with transaction.atomic():
            person = Person.objects.create(
                municipality=town, surname=f"Inwoner {number}", email=f"inwoner{number}@example.org"
            )
            case = case_create(municipality=town, product=product, subject="crash", person=person)
            for reply in range(1, PER_CASE):
                case_send_message(case=case, text=f"Bericht {reply} van {PER_CASE - 1}.")
    extra = OutboxMessage.objects.order_by("-pk")[: cases * PER_CASE - MESSAGES]
    OutboxMessage.objects.filter(pk__in=[m.pk for m in extra]).delete()
    return OutboxMessage.objects.count(), cases


def undelivered() -> int:
    from django.db import close_old_connections

    from loket.notifications.models import OutboxMessage

    close_old_connections()
    return OutboxMessage.objects.filter(status__in=["pending", "sending"]).count()


def main() -> int:
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    recreate_database(url)
    port = free_port()
    os.environ.update(
        DATABASE_URL=url,
        LOKET_MODE="test",
        DJANGO_SETTINGS_MODULE="loket.settings",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        LOKET_DELIVERY_LEASE_SECONDS=str(LEASE_SECONDS),
        PYTHONPATH=str(ROOT / "src"),  # the workers run this checkout's code
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    queued, cases = queue_messages()
    print(f"queued {queued} messages over {cases} cases in {time.perf_counter() - started:.1f} s")

    (ROOT / "var").mkdir(exist_ok=True)
    record = ROOT / "var" / "notifications-crash-received.txt"
    record.unlink(missing_ok=True)
    record.touch()
    server = subprocess.Popen(  # noqa: S603 - this script, fixed arguments
        [sys.executable, __file__, "--smtp", str(port), str(record)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None and server.stdout.readline().strip() == "ready"

    rng = random.Random(SEED)  # picking moments, not secrets
    log = (ROOT / "var" / "notifications-crash-workers.log").open("w")
    workers = [Worker(number, dict(os.environ), log) for number in range(WORKERS)]
    began = time.monotonic()
    for worker in workers:
        worker.start()
    kills = 0
    try:
        while time.monotonic() - began < MAX_SECONDS and undelivered():
            time.sleep(rng.uniform(0.3, 1.2))
            for worker in workers:
                if worker.process.poll() is not None:  # stopped by itself: see the log
                    print(f"worker {worker.number} exited with {worker.process.returncode}")
                    worker.start()
            if kills >= MAX_KILLS:
                continue
            # Only a worker that has had time to start (about a second) is delivering.
            ready = [w for w in workers if time.monotonic() - w.started > 1.5]
            if ready:
                victim = rng.choice(ready)
                victim.kill()
                kills += 1
                victim.start()
    finally:
        delivery_seconds = time.monotonic() - began
        for worker in workers:
            worker.process.terminate()
        for worker in workers:
            worker.process.wait(30)
        log.close()
        time.sleep(0.5)
        server.terminate()
        server.wait(10)

    from loket.notifications.models import OutboxMessage

    rows = list(
        OutboxMessage.objects.order_by("pk").values_list(
            "uuid", "case_id", "status", "possibly_duplicated"
        )
    )
    from django.conf import settings

    def message_id(uuid: Any) -> str:
        return f"<{uuid}@{settings.LOKET_MAIL_DOMAIN}>"

    arrivals = record.read_text().split()
    copies = Counter(arrivals)
    first_arrival: dict[str, int] = {}
    for position, mid in enumerate(arrivals):
        first_arrival.setdefault(mid, position)
    by_case: dict[int, list[str]] = defaultdict(list)
    status: dict[str, str] = {}
    flagged: set[str] = set()
    for uuid, case_id, state, twice in rows:
        mid = message_id(uuid)
        by_case[case_id].append(mid)
        status[mid] = state
        if twice:
            flagged.add(mid)
    lost = sum(1 for mid, state in status.items() if state != "failed" and mid not in copies)
    duplicated = {mid for mid, n in copies.items() if n > 1}
    duplicates = sum(n - 1 for n in copies.values())
    out_of_order = 0
    for mids in by_case.values():
        seen = [first_arrival[m] for m in mids if m in first_arrival]
        out_of_order += sum(1 for i, a in enumerate(seen) for b in seen[i + 1 :] if b < a)
    result = {
        "database": "postgresql",
        "messages_queued": len(rows),
        "cases": len(by_case),
        "workers": WORKERS,
        "lease_seconds": LEASE_SECONDS,
        "kills": kills,
        "sent": sum(1 for s in status.values() if s == "sent"),
        "dead_letters": sum(1 for s in status.values() if s == "failed"),
        "unfinished": sum(1 for s in status.values() if s in ("pending", "sending")),
        "received_copies": len(arrivals),
        "unknown_message_ids_received": sum(1 for m in copies if m not in status),
        "lost": lost,
        "duplicates": duplicates,
        "duplicated_messages": len(duplicated),
        "duplicates_per_crash": round(duplicates / kills, 3) if kills else 0.0,
        "marked_possibly_duplicated": len(flagged),
        "every_duplicate_marked": duplicated <= flagged,
        "out_of_order_pairs": out_of_order,
        "elapsed_seconds": round(delivery_seconds, 1),
    }
    for key, value in result.items():
        print(f"{key}: {value}")
    out = ROOT / "bench" / "results" / f"notifications-crash-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")
    holds = (
        lost == 0
        and result["unfinished"] == 0
        and duplicates <= kills
        and duplicated <= flagged
        and out_of_order == 0
    )
    if not holds:
        print("A GUARANTEE DOES NOT HOLD (see above)")
    return 0 if holds else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--smtp"]:
        smtp_server(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        sys.path.insert(0, str(ROOT / "src"))
        sys.exit(main())
