from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _default_permissions(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """Write the default role-by-action table into a table left without one by a flush (the
    transactional tests flush after each test, and ``flush`` sends ``post_migrate``): without
    it every role would be refused everything. The data migration 0003 writes it on a new
    database; a table that has default rows is left alone."""
    from loket.accounts.models import RolePermission
    from loket.accounts.permissions import defaults_write

    if RolePermission._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back to before the table existed
    defaults_write(RolePermission, using=using)


class AccountsConfig(AppConfig):
    name = "loket.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        post_migrate.connect(_default_permissions, sender=self, dispatch_uid="role-permissions")
