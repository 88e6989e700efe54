"""Writing knowledge articles. Team leads and administrators maintain the knowledge base."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from loket.history.services import history_record
from loket.knowledge.models import Article
from loket.lib import limits

# The free-text fields of an article and their limits; the titles are limited by the model.
TEXT_LIMITS = {
    "answer_nl": limits.ARTICLE,
    "answer_en": limits.ARTICLE,
    "instructions_nl": limits.ARTICLE,
    "instructions_en": limits.ARTICLE,
}

EDITOR_ROLES = frozenset({"team_lead", "administrator"})


def can_edit_articles(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", "") in EDITOR_ROLES)


def article_save(*, article: Article, actor: Any) -> Article:
    """Validate and store an article (new or changed); every change is in the history.

    Refused with a ``ValidationError`` per field (like ``full_clean``) when a text is longer
    than its limit (``loket.lib.limits``)."""
    creating = article.pk is None
    errors = {}
    for name, limit in TEXT_LIMITS.items():
        value = getattr(article, name) or ""
        if len(value) > limit:
            errors[name] = [limits.too_long_message(limit, len(value))]
    if errors:
        raise ValidationError(errors)
    article.full_clean()
    with transaction.atomic():
        article.save()
        history_record(instance=article, action="create" if creating else "update", actor=actor)
    return article
