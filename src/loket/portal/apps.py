from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "loket.portal"
    verbose_name = _("Resident portal")

    def ready(self) -> None:
        from loket.notifications.jobs import register_job
        from loket.portal.jobs import JOBS

        for job in JOBS:
            register_job(job)
