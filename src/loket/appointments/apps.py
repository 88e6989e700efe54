from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "loket.appointments"
    verbose_name = _("Appointments and the counter")

    def ready(self) -> None:
        from loket.appointments.jobs import JOBS
        from loket.notifications.jobs import register_job

        for job in JOBS:
            register_job(job)
