"""Reads for the resident side that are more than one query of a view."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from loket.cases.models import Case
from loket.contacts.models import Contact
from loket.tenancy.models import Municipality

TOP_TASKS = 6
TOP_TASKS_DAYS = 90
TOP_TASKS_CACHE_SECONDS = 3600
# What most municipalities see asked most, for a municipality without (enough) history yet.
CURATED_TOP_TASKS = (
    "verhuizing",
    "paspoort",
    "melding-openbare-ruimte",
    "grofvuil",
    "parkeervergunning",
    "afvalcontainer",
    "algemene-vraag",
)


def _cache_key(municipality: Municipality, today: dt.date) -> str:
    return f"loket:top-tasks:{municipality.pk}:{today.isoformat()}"


def most_requested(
    municipality: Municipality, *, days: int = TOP_TASKS_DAYS, now: dt.datetime | None = None
) -> list[tuple[int, int]]:
    """``[(product_id, count), ...]``, most asked first: the cases started and the contacts
    about a product that did not become a case, in this municipality in the last ``days``
    days. Ties go by product id, so the order is stable. One query (a UNION of two counts)."""
    since = (now or timezone.now()) - dt.timedelta(days=days)
    cases = (
        Case.objects.filter(municipality=municipality, started_at__gte=since)
        .values("product_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    contacts = (
        Contact.objects.filter(
            municipality=municipality,
            occurred_at__gte=since,
            case__isnull=True,
            product__isnull=False,
        )
        .values("product_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals: Counter[int] = Counter()
    for row in cases.union(contacts, all=True).order_by():
        totals[row["product_id"]] += row["n"]
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def top_task_ids(municipality: Municipality) -> list[int]:
    """The product ids of :func:`most_requested`, computed once an hour per municipality (per
    process with the default cache; shared with a shared cache). The caller keeps only what
    is offered and fills up from :data:`CURATED_TOP_TASKS`."""
    key = _cache_key(municipality, timezone.localdate())
    ids: list[int] | None = cache.get(key)
    if ids is None:
        ids = [product_id for product_id, _count in most_requested(municipality)]
        cache.set(key, ids, TOP_TASKS_CACHE_SECONDS)
    return ids


def top_tasks_forget(municipality: Municipality) -> None:
    cache.delete(_cache_key(municipality, timezone.localdate()))
