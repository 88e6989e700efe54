"""``loket eval_wegwijzer``: top-1 / top-3 accuracy and latency on the evaluation sets."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from loket.wegwijzer.evaluation import EVAL_DIR, evaluate


class Command(BaseCommand):
    help = "Measure the wegwijzer on its evaluation sets (top-1, top-3, latency)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--misses", action="store_true", help="List every question missed.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"database: {connection.vendor}")
        for path in sorted(EVAL_DIR.glob("*.csv"), key=lambda p: p.name != "questions.csv"):
            report = evaluate(path)
            self.stdout.write(
                f"{report.name:10} {report.questions:4} questions  "
                f"top-1 {report.top1_rate:6.1%}  top-3 {report.top3_rate:6.1%}  "
                f"median {report.median_ms:5.2f} ms  p95 {report.p95_ms:5.2f} ms"
            )
            if options["misses"]:
                for miss in report.misses:
                    self.stdout.write(f"    {miss.expected:26} {miss.got}  <- {miss.question}")
