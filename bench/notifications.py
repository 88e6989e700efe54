"""Benchmark of the outbox (issue: notifications). Prints:

1. the extra cost of writing the outbox row per event: the time of ``enqueue`` (render the
   template, check the dedupe key, insert the row) inside the transaction of the change, and the
   time of a whole change (``case_send_message``) with and without its outbox row;
2. how many e-mails per second one worker delivers to a local SMTP server (aiosmtpd in its own
   process), counted at the server.

Runs on a scratch database: SQLite under var/ by default, or BENCH_DATABASE_URL (PostgreSQL).
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVENTS = int(os.environ.get("BENCH_EVENTS", "1000"))
MAILS = int(os.environ.get("BENCH_MAILS", "3000"))
CASES = int(os.environ.get("BENCH_CASES", "300"))


def setup() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    os.environ.update(
        DATABASE_URL=url,
        LOKET_MODE="test",
        DJANGO_SETTINGS_MODULE="loket.settings",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
    )
    return url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    url = setup()
    port = free_port()
    os.environ["EMAIL_PORT"] = str(port)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from loket.cases.models import Case
    from loket.cases.services import case_create, case_send_message
    from loket.catalogue.models import Product
    from loket.catalogue.services import catalogue_load
    from loket.notifications import services as notify
    from loket.notifications.delivery import deliver_all
    from loket.notifications.models import OutboxMessage
    from loket.parties.models import Person
    from loket.tenancy.models import Municipality, Package

    catalogue_load()
    town = Municipality.objects.create(slug="bench", name="Benchdorp")
    town.additional_packages.set(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    person = Person.objects.create(
        municipality=town, surname="Visser", first_name="Emma", email="emma@example.org"
    )
    product = Product.objects.get(slug="parkeervergunning")
    case: Case = case_create(municipality=town, product=product, subject="bench", person=person)

    print(f"database: {connection.vendor} ({url.split('@')[-1]})")
    figures: dict[str, object] = {"database": connection.vendor, "events": EVENTS, "mails": MAILS}
    # 1. The outbox row per event.
    timings = []
    for number in range(EVENTS):
        with transaction.atomic():
            started = time.perf_counter()
            notify.notify_case("message", case, key=f"bench-{number}", message="Hallo")
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    figures["outbox_row_ms"] = {
        "mean": statistics.mean(timings),
        "median": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95)],
    }
    print(
        f"outbox row per event ({EVENTS} events): mean {statistics.mean(timings):.3f} ms,"
        f" median {statistics.median(timings):.3f} ms,"
        f" p95 {timings[int(len(timings) * 0.95)]:.3f} ms"
    )

    def change_timings(with_outbox: bool) -> float:
        original = notify.notify_case
        if not with_outbox:
            notify.notify_case = lambda *a, **k: None  # type: ignore[assignment]
        try:
            started = time.perf_counter()
            for _ in range(EVENTS):
                case_send_message(case=case, text="Uw aanvraag is in behandeling.")
            return (time.perf_counter() - started) * 1000 / EVENTS
        finally:
            notify.notify_case = original

    without = change_timings(False)
    with_row = change_timings(True)
    figures["change_ms"] = {"without_outbox": without, "with_outbox": with_row}
    print(
        f"a whole change (message to the applicant, {EVENTS} times): {without:.3f} ms without"
        f" outbox, {with_row:.3f} ms with: extra {with_row - without:.3f} ms per event"
    )

    # 2. Delivery throughput of one worker. Messages of one case go out in the order they were
    # queued, one at a time, so the figure depends on how they spread over cases: many cases
    # (the normal mix) and, as the worst case, every message on one case.
    spread = [case] + [
        case_create(municipality=town, product=product, subject=f"bench {n}", person=person)
        for n in range(CASES - 1)
    ]

    def delivery(cases: list[Case], label: str) -> None:
        """Deliver MAILS messages spread round-robin over ``cases``; print and keep the rate."""
        OutboxMessage.objects.all().delete()
        for number in range(MAILS):
            notify.notify_case(
                "message",
                cases[number % len(cases)],
                key=f"mail-{number}",
                message=f"Bericht {number}",
            )
        count_file = Path(tempfile.mkstemp(suffix=".count")[1])
        sink = subprocess.Popen(  # noqa: S603 - our own script
            [sys.executable, str(ROOT / "bench" / "smtp_sink.py"), str(port), str(count_file)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
        started = time.perf_counter()
        sent = deliver_all(size=200)
        elapsed = time.perf_counter() - started
        sink.terminate()
        sink.wait(10)
        received, distinct = (int(x) for x in count_file.read_text().split())
        count_file.unlink()
        print(
            f"delivery, {label}: one worker sent {sent} e-mails in {elapsed:.2f} s ="
            f" {sent / elapsed:.0f} e-mails/s; the SMTP server received {received}"
            f" ({distinct} distinct Message-IDs)"
        )
        figures[f"delivery_{len(cases)}_cases"] = {
            "sent": sent,
            "seconds": elapsed,
            "per_second": sent / elapsed,
            "received": received,
            "distinct_message_ids": distinct,
        }

    delivery(spread, f"spread over {len(spread)} cases")
    delivery([case], "all on one case (delivered one by one, in order)")
    out = (
        ROOT
        / "bench"
        / "results"
        / f"notifications-{connection.vendor}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
