from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import ForeignKey, Q, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import Role, RolePermission, User
from loket.tenancy.models import Municipality


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = ["username", "get_full_name", "role", "partner", "is_active"]
    list_filter = ["role", "is_active", "municipalities"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Loket", {"fields": ("role", "municipalities", "teams", "partner")}),
    )
    filter_horizontal = ["municipalities", "teams", "groups", "user_permissions"]


@admin.register(RolePermission)
class RolePermissionAdmin(admin.ModelAdmin[RolePermission]):
    """The role-by-action table (``loket.accounts.permissions``). A superuser keeps the default
    rows; an administrator changes the rows of the municipalities they work for, so one
    municipality's choice never reaches another. Every change applies from the next request (the
    table is cached per user object, which lives one request)."""

    list_display = ["municipality_label", "role", "action", "allowed"]
    list_filter = ["municipality", "role", "action", "allowed"]
    list_editable = ["allowed"]

    @admin.display(description=_("municipality"), ordering="municipality__name")
    def municipality_label(self, obj: RolePermission) -> str:
        return obj.municipality.name if obj.municipality is not None else str(_("default"))

    def _manages(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_authenticated
            and user.is_active
            and user.is_staff
            and (user.is_superuser or user.role == Role.ADMINISTRATOR)
        )

    def _municipality_ids(self, request: HttpRequest) -> list[int]:
        """The municipalities the user works for (none for an anonymous one)."""
        return request.user.municipality_ids if request.user.is_authenticated else []

    def get_queryset(self, request: HttpRequest) -> QuerySet[RolePermission]:
        rows = super().get_queryset(request).select_related("municipality")
        if request.user.is_superuser:
            return rows
        # An administrator reads the defaults (to know what they override) and their own rows.
        ids = self._municipality_ids(request)
        return rows.filter(Q(municipality__isnull=True) | Q(municipality_id__in=ids))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._manages(request)

    def has_view_permission(self, request: HttpRequest, obj: RolePermission | None = None) -> bool:
        return self._manages(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._manages(request)

    def has_change_permission(
        self, request: HttpRequest, obj: RolePermission | None = None
    ) -> bool:
        if not self._manages(request):
            return False
        if obj is None or request.user.is_superuser:
            return True
        return obj.municipality_id in self._municipality_ids(request)

    def has_delete_permission(
        self, request: HttpRequest, obj: RolePermission | None = None
    ) -> bool:
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "municipality" and not request.user.is_superuser:
            # Only their own municipalities, and no empty choice: the defaults are not theirs.
            kwargs["queryset"] = Municipality.objects.filter(pk__in=self._municipality_ids(request))
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
