from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from loket.cases.models import Case


class CasesConfig(AppConfig):
    name = "loket.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from loket.cases.jobs import JOBS
        from loket.notifications.jobs import register_job

        for job in JOBS:
            register_job(job)

        from loket.notifications.services import register_promise

        register_promise(_promise)


def _promise(case: Case, day: Callable[[datetime], str]) -> tuple[datetime | None, str]:
    """The date a message about ``case`` may name, and the sentence Mijn Loket shows."""
    from loket.cases.terms import date_to_name, promise_sentence

    if case.closed_at is not None:
        return case.due_at, ""
    return date_to_name(case), promise_sentence(case, day)
