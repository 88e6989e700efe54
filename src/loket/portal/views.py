"""Resident-facing pages of one municipality, resolved from the path prefix ``/<slug>/``."""

from __future__ import annotations

from collections import defaultdict

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from loket.catalogue.models import Product
from loket.lib.params import text_param
from loket.tenancy.selectors import municipality_for_slug
from loket.wegwijzer.services import wegwijzer_search


def municipality_home(request: HttpRequest, municipality: str) -> HttpResponse:
    current = municipality_for_slug(municipality)
    request.municipality = current  # type: ignore[attr-defined]
    query = text_param(request.GET, "q", max_length=200)
    products = Product.objects.offered_in(current).select_related("team", "partner")
    results = (
        [hit.product for hit in wegwijzer_search(query, municipality=current)] if query else None
    )
    by_domain: dict[str, list[Product]] = defaultdict(list)
    for product in sorted(products, key=lambda p: p.name.lower()):
        by_domain[product.get_domain_display()].append(product)
    return render(
        request,
        "portal/home.html",
        {
            "query": query,
            "results": results,
            "domains": sorted(by_domain.items()),
        },
    )


def product_detail(request: HttpRequest, municipality: str, product: str) -> HttpResponse:
    current = municipality_for_slug(municipality)
    request.municipality = current  # type: ignore[attr-defined]
    try:
        item = (
            Product.objects.offered_in(current)
            .select_related("team", "partner", "case_type")
            .get(slug=product)
        )
    except Product.DoesNotExist:
        raise Http404("product not offered here") from None
    return render(request, "portal/product.html", {"product": item})
