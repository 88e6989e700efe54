from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WegwijzerConfig(AppConfig):
    name = "loket.wegwijzer"
    verbose_name = _("Wegwijzer (product search)")

    def ready(self) -> None:
        from loket.catalogue.services import products_listen
        from loket.wegwijzer.services import index_rebuild

        # The catalogue's services call this after a committed product change (not a signal).
        products_listen(index_rebuild)
