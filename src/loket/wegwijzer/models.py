"""The wegwijzer's own state. The full-text index itself is a database-specific table (an FTS5
virtual table on SQLite, a ``tsvector`` table with a GIN index on PostgreSQL) created by
migration 0002 and filled by ``loket.wegwijzer.index``."""

from __future__ import annotations

from django.db import models


class IndexState(models.Model):
    """One row. ``generation`` grows with every change to the index, so each process knows
    when to reload its copy of the catalogue's vocabulary."""

    generation = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = "wegwijzer index state"

    def __str__(self) -> str:
        return f"generation {self.generation}"
