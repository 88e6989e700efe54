"""``loket wegwijzer [--municipality SLUG]``: one question per line on standard input, one JSON
line per question on standard output: ``{"question": ..., "results": [{"slug", "score"}]}``."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loket.tenancy.models import Municipality
from loket.wegwijzer.services import wegwijzer_search


class Command(BaseCommand):
    help = (
        "Answer questions from standard input with the products of a municipality, as JSON lines."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--municipality",
            metavar="SLUG",
            help="Whose products to search (default: the first municipality of the demo).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = self._municipality(options["municipality"])
        for line in sys.stdin:
            question = line.strip()
            if not question:
                continue
            hits = wegwijzer_search(question, municipality=municipality)
            self.stdout.write(
                json.dumps(
                    {
                        "question": question,
                        "results": [{"slug": h.product.slug, "score": h.score} for h in hits],
                    },
                    ensure_ascii=False,
                )
            )
            self.stdout.flush()

    def _municipality(self, slug: str | None) -> Municipality:
        municipalities = Municipality.objects.filter(is_active=True)
        if slug:
            found = municipalities.filter(slug=slug).first()
            if found is None:
                known = ", ".join(municipalities.values_list("slug", flat=True)) or "none"
                raise CommandError(f"No municipality “{slug}”. Known: {known}.")
            return found
        first = municipalities.order_by("pk").first()
        if first is None:
            raise CommandError("No municipalities yet: run `loket load_demo` first.")
        return first
