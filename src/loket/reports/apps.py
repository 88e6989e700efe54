from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "loket.reports"
    verbose_name = _("Public-space reports")

    def ready(self) -> None:
        from loket.cases.services import register_status_listener
        from loket.reports.services import report_case_changed

        # Followers hear of every step, whichever page or API moved the case (issue 15).
        register_status_listener(report_case_changed)
