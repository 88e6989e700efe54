"""Deployment checks of Loket's own (``loket check --deploy``), next to Django's."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core import checks

logger = logging.getLogger("loket")

SQLITE_IN_PRODUCTION = (
    "Production runs on SQLite: one writer at a time, no SKIP LOCKED for several workers and no "
    "backups while it runs. Set DATABASE_URL=postgres://... (see .env.example)."
)


def sqlite_in_production() -> bool:
    return bool(
        settings.IS_PRODUCTION
        and settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    )


@checks.register(checks.Tags.security, deploy=True)
def check_database(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if sqlite_in_production():
        return [checks.Warning(SQLITE_IN_PRODUCTION, id="loket.W001")]
    return []


def warn_at_start_up() -> None:
    """Said once when a production process starts, in its log, not only when someone runs
    ``check --deploy``."""
    if sqlite_in_production():
        logger.warning("loket.W001 %s", SQLITE_IN_PRODUCTION)
