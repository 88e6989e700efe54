from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "loket.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from loket.cases.jobs import JOBS
        from loket.notifications.jobs import register_job

        for job in JOBS:
            register_job(job)
