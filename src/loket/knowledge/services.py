"""Writing knowledge articles. Team leads and administrators maintain the knowledge base."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from loket.history.services import history_record
from loket.knowledge.models import Article

EDITOR_ROLES = frozenset({"team_lead", "administrator"})


def can_edit_articles(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", "") in EDITOR_ROLES)


def article_save(*, article: Article, actor: Any) -> Article:
    """Validate and store an article (new or changed); every change is in the history."""
    creating = article.pk is None
    article.full_clean()
    with transaction.atomic():
        article.save()
        history_record(instance=article, action="create" if creating else "update", actor=actor)
    return article
