"""Reads about municipalities."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from loket.tenancy.models import Municipality, StaffMember


def municipality_for_slug(slug: str) -> Municipality:
    """The active municipality a resident-side URL names; Http404 (a friendly page) otherwise."""
    try:
        return Municipality.objects.select_related("service_organisation").get(
            slug=slug, is_active=True
        )
    except Municipality.DoesNotExist:
        raise Http404("unknown municipality") from None


def municipalities_for_staff(user: StaffMember) -> QuerySet[Municipality]:
    if user.is_superuser:
        return Municipality.objects.filter(is_active=True)
    return Municipality.objects.filter(pk__in=user.municipality_ids, is_active=True)
