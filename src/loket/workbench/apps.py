from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    name = "loket.workbench"
    verbose_name = _("Workbench")

    def ready(self) -> None:
        # Django 6.1 labels the empty choice of every select "- Select an option -", a text
        # its Dutch catalogue does not have yet; Django documents replacing it in ready().
        # It serves the whole site (workbench, portal, admin), not only the workbench.
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = _("- Choose -")
