"""An append-only record of who changed what, when and why on tenant records.

Rows are never updated or deleted: the model and its queryset refuse it, and on PostgreSQL a
trigger refuses it too (migration 0002), so even raw SQL from the application cannot rewrite the
past. Later capabilities (case audit, privacy log) write through ``loket.history.services``.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.tenancy.models import Municipality


class AppendOnlyError(RuntimeError):
    pass


class ChangeRecordQuerySet(models.QuerySet["ChangeRecord"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("history is append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("history is append-only")

    def for_object(self, instance: models.Model) -> ChangeRecordQuerySet:
        """The records of one object, also those made under a label its model had before it
        moved app (``former_labels`` on the model: history is append-only, so old records
        keep the label they were written with)."""
        labels = [instance._meta.label_lower, *getattr(instance, "former_labels", ())]
        return self.filter(object_type__in=labels, object_id=str(instance.pk))


class ChangeRecord(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        VIEW = "view", _("viewed")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept as text as well: the record must stay readable if the account is renamed.
    actor_label = models.CharField(max_length=200)
    action = models.CharField(_("what"), max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(_("why"), blank=True)

    objects = ChangeRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("history is append-only")
