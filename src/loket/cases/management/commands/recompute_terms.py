"""``loket recompute_terms``: count the terms of every open case again from its own record.

For cases made before Loket knew statutory terms (they get ``legal_due_at`` this way) and after
a correction of the catalogue's legal terms. Each case in its own locked transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from loket.cases.services import cases_recompute_terms


class Command(BaseCommand):
    help = "Count the terms (service norm, statutory term, promised date) of open cases again."

    def handle(self, *args: Any, **options: Any) -> None:
        changed, total = cases_recompute_terms()
        self.stdout.write(f"{total} open cases counted again, {changed} with a changed date")
