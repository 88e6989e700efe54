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

        from loket.notifications.services import register_promise

        register_promise(_promise)


def _promise(case: object, day: object) -> tuple[object, str]:
    """The date a message about ``case`` may name, and the sentence Mijn Loket shows."""
    from loket.cases.terms import date_to_name, promise_sentence

    if getattr(case, "closed_at", None) is not None:
        return getattr(case, "due_at", None), ""
    return date_to_name(case), promise_sentence(case, day)  # type: ignore[arg-type]
