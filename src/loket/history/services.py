"""Writing history. Services of other apps call ``history_record`` inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from loket.history.models import ChangeRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from loket.accounts.models import User


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value, readable by a person."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields``, to compare after a change with ``diff``."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value changed."""
    return {
        name: [before.get(name), after.get(name)]
        for name in after
        if before.get(name) != after.get(name)
    }


def history_record(
    *,
    instance: models.Model,
    action: str,
    actor: User | AnonymousUser | None = None,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> ChangeRecord:
    """Append one record about ``instance``. ``actor`` None means the system itself."""
    user = actor if actor is not None and actor.is_authenticated else None
    record = ChangeRecord(
        municipality_id=getattr(instance, "municipality_id", None),
        at=at or timezone.now(),
        actor=user,
        actor_label=user.get_username() if user is not None else "systeem",
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes={key: _plain(value) for key, value in (changes or {}).items()},
        reason=reason,
    )
    record.save()
    return record
