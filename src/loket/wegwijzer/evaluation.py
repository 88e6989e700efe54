"""Measure the wegwijzer on the evaluation sets in ``eval/``: top-1 and top-3 accuracy and
latency per question. ``make eval-wegwijzer`` prints the figures."""

from __future__ import annotations

import csv
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from loket.tenancy.models import Municipality
from loket.wegwijzer.services import wegwijzer_search

EVAL_DIR = Path(__file__).parent / "eval"


@dataclass
class Miss:
    question: str
    expected: str
    got: list[str]


@dataclass
class Report:
    name: str
    questions: int = 0
    top1: int = 0
    top3: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    misses: list[Miss] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.questions if self.questions else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.questions if self.questions else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    @property
    def p95_ms(self) -> float:
        if len(self.latencies_ms) < 2:
            return self.median_ms
        return statistics.quantiles(self.latencies_ms, n=20)[-1]


def evaluate(path: Path, municipality: Municipality | None = None) -> Report:
    report = Report(name=path.stem)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    wegwijzer_search("warm-up", municipality=municipality)
    for row in rows:
        started = time.perf_counter()
        hits = wegwijzer_search(row["question"], municipality=municipality)
        report.latencies_ms.append((time.perf_counter() - started) * 1000)
        slugs = [hit.product.slug for hit in hits]
        report.questions += 1
        report.top1 += slugs[:1] == [row["expected"]]
        report.top3 += row["expected"] in slugs[:3]
        if slugs[:1] != [row["expected"]]:
            report.misses.append(Miss(row["question"], row["expected"], slugs[:3]))
    return report
