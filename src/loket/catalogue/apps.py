from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "loket.catalogue"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        from loket.catalogue.calendar import decrees_changed, decrees_from_the_database
        from loket.catalogue.models import EquatedDecree, EquatedDecreeDay
        from loket.lib.calendar import register_equated_days_provider

        register_equated_days_provider(decrees_from_the_database)
        for model in (EquatedDecree, EquatedDecreeDay):
            post_save.connect(decrees_changed, sender=model, dispatch_uid=f"calendar-{model}")
            post_delete.connect(decrees_changed, sender=model, dispatch_uid=f"calendar-del-{model}")
