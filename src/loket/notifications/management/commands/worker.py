"""``loket worker``: deliver the outbox and run periodic jobs, until stopped (SIGTERM/Ctrl-C).

Run one or more next to the web server; in production each is its own process (see README)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from loket.notifications.delivery import deliver_batch, worker_name
from loket.notifications.jobs import run_due_jobs


class Command(BaseCommand):
    help = "Deliver outgoing messages and run periodic jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=50, help="Messages claimed at a time.")
        parser.add_argument("--idle", type=float, default=1.0, help="Seconds to wait when idle.")
        parser.add_argument("--once", action="store_true", help="Deliver what is due, then stop.")
        parser.add_argument("--no-jobs", action="store_true", help="Only deliver messages.")

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        name = worker_name()
        self.stdout.write(f"worker {name} started")
        self.stdout.flush()
        while not stopping:
            close_old_connections()
            if not options["no_jobs"]:
                for line in run_due_jobs():
                    self.stdout.write(f"job {line}")
            sent, failed = deliver_batch(worker=name, size=options["batch"])
            if sent or failed:
                self.stdout.write(f"sent {sent}, failed {failed}")
                self.stdout.flush()
                continue
            if options["once"]:
                break
            time.sleep(options["idle"])
        self.stdout.write(f"worker {name} stopped")
