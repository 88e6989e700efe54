from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loket.catalogue.services import (
    DEFAULT_CASE_TYPES,
    DEFAULT_PRODUCTS,
    CatalogueError,
    catalogue_load,
)


class Command(BaseCommand):
    help = "Load or update the product catalogue and case types from their files (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--products", type=Path, default=DEFAULT_PRODUCTS)
        parser.add_argument("--case-types", type=Path, default=DEFAULT_CASE_TYPES)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = catalogue_load(
                products_path=options["products"], case_types_path=options["case_types"]
            )
        except CatalogueError as exc:
            raise CommandError(
                "The catalogue was not loaded; nothing changed.\n" + "\n".join(exc.problems)
            ) from exc
        self.stdout.write(
            f"Catalogue loaded: {report.products} products ({len(report.created)} new), "
            f"{report.case_types} case types."
        )
