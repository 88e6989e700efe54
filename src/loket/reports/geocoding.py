"""Finding a place by its address and the address nearest a point (issue 15).

``LOKET_GEOCODER`` chooses: ``local`` answers from the ``Address`` table (the demo's and the
tests' small table of the demo municipalities; no internet), ``pdok`` asks PDOK's Locatieserver,
the national address service (BAG), which production uses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode
from urllib.request import urlopen

from django.conf import settings
from django.db.models import Q

from loket.lib.geo import Point, box_around, distance_m
from loket.reports.models import Address
from loket.tenancy.models import Municipality

LIMIT = 8
_POINT = re.compile(r"POINT\(([-0-9.]+) ([-0-9.]+)\)")


@dataclass(frozen=True)
class Found:
    label: str
    point: Point


def search(query: str, municipalities: list[Municipality]) -> list[Found]:
    """Addresses matching ``query`` (street and number, postcode, or a part), at most eight."""
    query = " ".join(query.split())[:100]
    if len(query) < 2:
        return []
    if settings.LOKET_GEOCODER == "pdok":
        return _pdok(query)
    words = query.replace(",", " ").split()
    matches = Address.objects.filter(municipality__in=municipalities)
    for word in words:
        matches = matches.filter(
            Q(street__icontains=word)
            | Q(number__iexact=word)
            | Q(postcode__iexact=word.upper())
            | Q(city__icontains=word)
        )
    return [
        Found(str(address), Point(address.latitude, address.longitude))
        for address in matches[:LIMIT]
    ]


def nearest(point: Point, municipalities: list[Municipality], within_m: float = 100) -> str:
    """The address nearest ``point`` within ``within_m`` metres, or ""."""
    if settings.LOKET_GEOCODER == "pdok":
        return _pdok_reverse(point)
    box = box_around(point, within_m)
    candidates = Address.objects.filter(
        municipality__in=municipalities,
        latitude__range=(box.south, box.north),
        longitude__range=(box.west, box.east),
    ).only("street", "number", "city", "latitude", "longitude")
    best = min(
        candidates,
        key=lambda address: distance_m(point, Point(address.latitude, address.longitude)),
        default=None,
    )
    return str(best) if best is not None else ""


def _get(url: str) -> dict:  # type: ignore[type-arg]
    with urlopen(url, timeout=3) as response:  # noqa: S310 - a configured https address
        return json.loads(response.read().decode())  # type: ignore[no-any-return]


def _docs(url: str) -> list[dict]:  # type: ignore[type-arg]
    try:
        return list(_get(url).get("response", {}).get("docs", []))
    except (OSError, ValueError):
        return []  # the map still works by pin and by the address field


def _pdok(query: str) -> list[Found]:
    url = (
        settings.LOKET_GEOCODER_URL
        + "?"
        + urlencode(
            {"q": query, "fq": "type:adres", "rows": LIMIT, "fl": "weergavenaam,centroide_ll"}
        )
    )
    found = []
    for doc in _docs(url):
        match = _POINT.match(doc.get("centroide_ll", ""))
        if match:
            found.append(
                Found(doc["weergavenaam"], Point(float(match.group(2)), float(match.group(1))))
            )
    return found


def _pdok_reverse(point: Point) -> str:
    base = settings.LOKET_GEOCODER_URL.rsplit("/", 1)[0] + "/reverse"
    url = (
        base
        + "?"
        + urlencode({"lat": point.latitude, "lon": point.longitude, "type": "adres", "rows": 1})
    )
    docs = _docs(url)
    return str(docs[0].get("weergavenaam", "")) if docs else ""
