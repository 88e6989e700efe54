from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WegwijzerConfig(AppConfig):
    name = "loket.wegwijzer"
    verbose_name = _("Wegwijzer (product search)")

    def ready(self) -> None:
        from loket.wegwijzer import signals  # noqa: F401
