from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from loket.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "partner", "is_active"]
    list_filter = ["role", "is_active", "municipalities"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Loket", {"fields": ("role", "municipalities", "teams", "partner")}),
    )
    filter_horizontal = ["municipalities", "teams", "groups", "user_permissions"]
