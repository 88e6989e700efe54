"""Writing knowledge articles: by the roles that may edit the knowledge base
(``loket.accounts.permissions``, action ``knowledge``)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction

from loket.accounts.models import User
from loket.accounts.permissions import Action, permitted, require
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


def can_edit_articles(user: User | AnonymousUser) -> bool:
    """Whether the pages offer editing: the same rule ``article_save`` enforces."""
    return permitted(user, Action.KNOWLEDGE)


def article_save(*, article: Article, actor: User | None) -> Article:
    """Validate and store an article (new or changed); every change is in the history.

    Refused with a ``ValidationError`` per field (like ``full_clean``) when a text is longer
    than its limit (``loket.lib.limits``), and with ``NotPermitted`` when the actor's role may
    not edit the knowledge base (for an article of one municipality: there)."""
    require(actor, Action.KNOWLEDGE, article.municipality_id)
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
