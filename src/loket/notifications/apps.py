from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "loket.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from loket.notifications.models import Template
        from loket.notifications.services import clear_template_cache

        post_save.connect(clear_template_cache, sender=Template)
        post_delete.connect(clear_template_cache, sender=Template)
