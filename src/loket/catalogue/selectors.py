"""Reads on the catalogue."""

from __future__ import annotations

from django.db.models import Q

from loket.catalogue.models import Product, ProductQuerySet


def product_search(products: ProductQuerySet, query: str, limit: int = 10) -> list[Product]:
    """A plain word match on names, summaries and search words.

    Deliberately simple: the wegwijzer (ranked full-text search with stemming, synonyms and typo
    tolerance) replaces it for residents and front office.
    """
    words = [word for word in query.lower().split() if len(word) > 1]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= (
            Q(name_nl__icontains=word)
            | Q(name_en__icontains=word)
            | Q(summary_nl__icontains=word)
            | Q(keywords__icontains=word)
        )
    return list(products.filter(condition)[:limit])
