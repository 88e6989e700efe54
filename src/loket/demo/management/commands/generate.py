"""``loket generate``: a synthetic shared service organisation at scale, for benchmarks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loket.demo.synthetic import generate


class Command(BaseCommand):
    help = "Write a large, deterministic synthetic dataset (persons, cases, contacts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipalities", type=int, default=4)
        parser.add_argument("--residents", type=int, default=290_000)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["municipalities"] < 1 or options["residents"] < options["municipalities"]:
            raise CommandError("Give at least one municipality and one resident per municipality.")
        try:
            report = generate(
                municipalities=options["municipalities"],
                residents=options["residents"],
                years=options["years"],
                seed=options["seed"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Generated: {report}")
