"""Keep the index in step with the catalogue: any product change rebuilds it once, after the
transaction that made the change commits (many changes in one transaction: one rebuild)."""

from __future__ import annotations

import threading
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from loket.catalogue.models import Product

_pending = threading.local()


def _rebuild() -> None:
    from loket.wegwijzer.services import index_rebuild

    _pending.scheduled = False
    index_rebuild()


@receiver(post_save, sender=Product)
@receiver(post_delete, sender=Product)
def product_changed(**kwargs: Any) -> None:
    if kwargs.get("raw") or getattr(_pending, "scheduled", False):
        return
    _pending.scheduled = True
    transaction.on_commit(_rebuild)
