from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "loket.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from loket.notifications.jobs import Job, register_job

        register_job(Job("end_expired_suspensions", timedelta(hours=1), _end_expired_suspensions))


def _end_expired_suspensions() -> str:
    """Hourly, so a response date that passed at midnight restarts the clock the same morning
    (the restart date is the day after the response date, whenever the job runs)."""
    from loket.cases.services import case_end_expired_suspensions

    return f"{len(case_end_expired_suspensions())} suspensions ended"
