from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "loket.contacts"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        from loket.contacts.jobs import JOBS
        from loket.notifications.jobs import register_job

        for job in JOBS:
            register_job(job)
