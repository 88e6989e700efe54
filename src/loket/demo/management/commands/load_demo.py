from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from loket.demo.demo_data import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo: catalogue, three municipalities, staff, residents and a year of history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_demo(seed=options["seed"])
        if not counts:
            self.stdout.write("Demo data is already loaded; the catalogue was brought up to date.")
            return
        summary = ", ".join(f"{value} {key}" for key, value in counts.items())
        self.stdout.write(f"Demo loaded: {summary}. Staff password: {DEMO_PASSWORD!r}.")
