from django.contrib import admin
from django.http import HttpRequest

from loket.history.models import ChangeRecord


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin[ChangeRecord]):
    """Read-only: history is append-only."""

    list_display = ["at", "actor_label", "action", "object_type", "object_repr", "reason"]
    list_filter = ["action", "object_type", "municipality"]
    search_fields = ["object_id", "object_repr", "actor_label"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ChangeRecord | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ChangeRecord | None = None) -> bool:
        return False
