"""Resident-facing pages of one municipality, resolved from the path prefix ``/<slug>/``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from loket.catalogue.models import Channel, Product
from loket.lib.params import text_param
from loket.portal.selectors import CURATED_TOP_TASKS, TOP_TASKS, top_task_ids
from loket.reports.services import REPORT_PRODUCT
from loket.tenancy.face import Face, logo_of
from loket.tenancy.models import Municipality
from loket.tenancy.requests import MunicipalityRequest
from loket.tenancy.selectors import municipality_for_slug
from loket.wegwijzer.services import wegwijzer_search


def municipality_home(request: MunicipalityRequest, municipality: str) -> HttpResponse:
    current = municipality_for_slug(municipality)
    request.municipality = current
    query = text_param(request.GET, "q", max_length=200)
    products = list(Product.objects.offered_in(current))
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
            "top_tasks": [] if query else top_tasks(current, products),
            "domains": sorted(by_domain.items()),
        },
    )


def top_tasks(municipality: Municipality, products: list[Product]) -> list[Product]:
    """The most requested products on offer here (from the data), filled up from the curated
    list when there is little or no data yet."""
    by_id = {p.pk: p for p in products}
    by_slug = {p.slug: p for p in products}
    chosen = [by_id[pk] for pk in top_task_ids(municipality) if pk in by_id]
    for slug in CURATED_TOP_TASKS:
        if slug in by_slug and by_slug[slug] not in chosen:
            chosen.append(by_slug[slug])
    return chosen[:TOP_TASKS]


@dataclass(frozen=True)
class ChannelLine:
    """One way to arrange a product: "Telefoon: 14 0123 (ma-vr 8.30-17.00)"."""

    label: str
    text: str = ""
    href: str = ""
    note: str = ""
    note_after_dash: bool = False  # "Balie: Stadhuis, Markt 1 — op afspraak"


def channel_lines(product: Product, face: Face, municipality_slug: str) -> list[ChannelLine]:
    lines = []
    for code in product.channels:
        if code not in Channel.values:
            continue
        label = str(Channel(code).label).capitalize()
        if code == Channel.PHONE and face.phone:
            lines.append(ChannelLine(label, face.phone, face.phone_href, face.phone_hours))
        elif code == Channel.COUNTER and face.visiting_address:
            by_appointment = face.counter_by_appointment or bool(product.appointment_minutes)
            note = _("by appointment") if by_appointment else face.counter_hours
            lines.append(ChannelLine(label, face.visiting_one_line, "", note, True))
        elif code == Channel.WEB and product.slug == REPORT_PRODUCT:
            href = reverse("portal:report_form", kwargs={"municipality": municipality_slug})
            lines.append(
                ChannelLine(_("Online"), _("on the map"), href, _("also without logging in"))
            )
        elif code == Channel.WEB and product.online_request and product.request_form:
            href = reverse(
                "portal:apply", kwargs={"municipality": municipality_slug, "product": product.slug}
            )
            lines.append(
                ChannelLine(
                    _("Online"), _("in Mijn Loket"), href, _("with DigiD or an e-mail link")
                )
            )
        elif code == Channel.WEB and face.website:
            lines.append(ChannelLine(label, face.website.split("//")[-1], face.website))
        elif code == Channel.EMAIL and face.email:
            lines.append(ChannelLine(label, face.email, f"mailto:{face.email}"))
        elif code == Channel.LETTER and face.postal_address:
            lines.append(ChannelLine(label, face.postal_one_line))
        else:
            lines.append(ChannelLine(label))
    return lines


def product_detail(request: MunicipalityRequest, municipality: str, product: str) -> HttpResponse:
    current = municipality_for_slug(municipality)
    request.municipality = current
    try:
        item = (
            Product.objects.offered_in(current)
            .select_related("team", "partner", "case_type")
            .get(slug=product)
        )
    except Product.DoesNotExist:
        raise Http404("product not offered here") from None
    return render(
        request,
        "portal/product.html",
        {"product": item, "channels": channel_lines(item, current.face, current.slug)},
    )


def logo(request: HttpRequest, municipality: str) -> FileResponse:
    """The municipality's logo, from the storage that holds uploads (no public media server
    needed). An image checked by Pillow when it was uploaded; cached by browsers for a day."""
    current = municipality_for_slug(municipality)
    image = logo_of(current)
    if image is None:
        raise Http404("no logo")
    response = FileResponse(image.open("rb"), filename=(image.name or "logo").rsplit("/", 1)[-1])
    response["Cache-Control"] = "public, max-age=86400"
    return response


def contact(request: MunicipalityRequest, municipality: str) -> HttpResponse:
    """How to reach the municipality: every channel, with its hours per day."""
    current = municipality_for_slug(municipality)
    request.municipality = current
    return render(request, "portal/contact.html", {"face": current.face})
