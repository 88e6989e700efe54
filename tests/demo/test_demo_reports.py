"""The demo's public-space reports (issue 15): three neighbouring boundaries, addresses inside
them, and reports in every state made through the report services, with the known open
street-light report at Dorpsstraat 8 in Waterdal that testers and the browser test look for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image
from shapely.geometry import shape

from loket.cases.models import Case
from loket.demo.demo_data import load_demo
from loket.demo.reports import (
    AREAS,
    KNOWN_ADDRESS,
    KNOWN_DESCRIPTION,
    KNOWN_POINT,
    known_report,
    moved,
    places,
)
from loket.history.models import ChangeRecord
from loket.lib.geo import Area, Point, distance_m
from loket.notifications.models import OutboxMessage
from loket.reports.models import Address, Boundary, Category, Follower, Photo, Report
from loket.reports.services import (
    REPORT_PRODUCT,
    municipality_at,
    nearby_reports,
    served_municipalities,
)
from loket.tenancy.models import Municipality


def test_the_boundaries_are_neighbours_in_the_netherlands_and_hold_their_streets() -> None:
    shapes = {slug: shape(area) for slug, area in AREAS.items()}
    for slug, polygon in shapes.items():
        assert polygon.is_valid, slug
        west, south, east, north = polygon.bounds
        assert south >= 52.0 and north <= 52.11 and west >= 5.0 and east <= 5.2, slug
    # Adjacent: every two share a border, and no point lies in two of them.
    for a, b in (("waterdal", "beekveld"), ("waterdal", "lindeoord"), ("beekveld", "lindeoord")):
        assert shapes[a].intersection(shapes[b]).area < 1e-12, (a, b)
        assert shapes[a].touches(shapes[b]), (a, b)
        assert shapes[a].intersection(shapes[b]).length > 0.01, (a, b)
    assert min(shapes, key=lambda slug: shapes[slug].area) == "lindeoord"
    for slug in AREAS:
        area = Area(AREAS[slug])
        found = places(slug)
        assert 30 <= len(found) <= 60, slug
        assert all(area.contains(place.point) for place in found), slug
        assert len({(p.street, p.number) for p in found}) == len(found), "no address twice"
        assert all(len(p.postcode) == 6 and p.postcode[:4].isdigit() for p in found)
    assert (
        next(p.point for p in places("waterdal") if (p.street, p.number) == ("Dorpsstraat", "8"))
        == KNOWN_POINT
    )


@pytest.mark.django_db
def test_every_demo_report_is_a_case_with_its_report_in_its_own_municipality() -> None:
    counts = load_demo()
    now = timezone.now()
    towns = list(Municipality.objects.order_by("slug"))
    reports = Report.objects.select_related("case__status", "case__result", "category")

    # Every case of the report product has its report, and every report its case: none of the
    # year's generated history is of that product any more.
    cases = Case.objects.filter(product__slug=REPORT_PRODUCT)
    assert cases.count() == reports.count() == counts["reports"]
    assert not cases.filter(report__isnull=True).exists()
    assert counts["map_addresses"] == Address.objects.count()

    for town in towns:
        boundary = Boundary.objects.get(municipality=town)
        assert boundary.geojson == AREAS[town.slug]
        area = Area(boundary.geojson)
        own = [r for r in reports if r.municipality_id == town.pk]
        assert 25 <= len(own) <= 40, town.slug
        for report in own:
            point = report_point(report)
            assert area.contains(point), report
            assert municipality_at(point, served_municipalities(town)) == town
            assert report.case.municipality_id == town.pk
            assert report.category.municipality_id == town.pk
            assert report.category.parent_id is not None
            assert report.place.endswith(f", {town.name}"), report.place
            assert now - timedelta(days=61) <= report.created_at <= now
            assert report.case.started_at == report.created_at
            assert report.status_code == report.case.status.code
            assert report.is_open == (report.case.closed_at is None)
        addresses = Address.objects.filter(municipality=town)
        assert 30 <= addresses.count() <= 60
        assert all(area.contains(a_point(a)) for a in addresses)
        assert Category.objects.filter(municipality=town, code="lantaarnpaal").exists()
    # Lindeoord is the smallest: fewest reports.
    per_town = {t.slug: reports.filter(municipality=t).count() for t in towns}
    assert per_town["lindeoord"] == min(per_town.values())

    # Every state, with open ones at every step and the closed ones mostly solved.
    steps = set(reports.filter(is_open=True).values_list("status_code", flat=True))
    assert {"gemeld", "in-behandeling", "ingepland", "heropend"} <= steps
    closed = reports.filter(is_open=False)
    assert closed.filter(case__result__code="opgelost").count() > closed.count() / 2
    assert 0.15 < reports.filter(is_open=True).count() / reports.count() < 0.6
    # Made by residents and by anyone with only an address; photos stored as clean JPEGs.
    assert reports.filter(case__initiator_person__isnull=False).exists()
    assert Follower.objects.filter(role="reporter", person__isnull=True).exclude(email="").exists()
    assert Follower.objects.filter(role="reporter").exclude(phone="").exists()
    assert Follower.objects.filter(role="follower").count() >= 5
    photos = list(Photo.objects.all())
    assert 5 <= len(photos) <= 40
    with default_storage.open(str(photos[0].file.name)) as stored, Image.open(stored) as image:
        assert image.format == "JPEG" and max(image.size) <= 1600
        assert not image.getexif()
    # Through the services: each report's creation is in the history, and the reporters who
    # left an address heard of it.
    assert (
        ChangeRecord.objects.filter(object_type="reports.report", action="create").count()
        == reports.count()
    )
    assert OutboxMessage.objects.filter(event="report_received").exists()
    assert OutboxMessage.objects.filter(event="report_closed").exists()

    # The known report: open, a street light at Dorpsstraat 8 in Waterdal, and the one a
    # resident 20 m away is shown before reporting the same.
    street, number = KNOWN_ADDRESS[1:]
    address = Address.objects.get(municipality__slug="waterdal", street=street, number=number)
    assert distance_m(a_point(address), KNOWN_POINT) < 0.01
    known = known_report()
    assert known is not None
    assert known.is_open and known.status_code == "gemeld"
    assert known.category.code == "lantaarnpaal"
    assert known.place == "Dorpsstraat 8, Waterdal"
    assert known.description == KNOWN_DESCRIPTION
    assert known.photos.count() == 1
    assert known.followers.filter(role="reporter").exclude(email="").exists()
    nearby = nearby_reports(category=known.category, point=moved(KNOWN_POINT, 20, 0))
    assert [n.report for n in nearby] == [known]
    assert 19 < nearby[0].metres < 21

    # The one answered "no, not solved": reopened once, the team told.
    reopened = reports.get(reopened=1)
    assert reopened.is_open and reopened.status_code == "heropend"
    assert reopened.followers.filter(role="reporter", answered="no").exists()
    assert reports.filter(followers__answered="yes").exists()
    # The duplicate merged by a case worker: closed as merged, its reporter follows the other.
    merged = reports.get(merged_into__isnull=False)
    assert merged.merged_into is not None
    assert not merged.is_open and merged.case.result is not None
    assert merged.case.result.code == "samengevoegd"
    assert merged.case.statuses.last().set_by.username == "behandelaar"  # type: ignore[union-attr]
    assert merged.merged_into.is_open
    assert merged.merged_into.followers.filter(role="merged").exists()
    assert distance_m(report_point(merged), report_point(merged.merged_into)) < 50
    # And a pair still to merge: two open reports of one category within 50 m.
    pair = [
        r
        for r in reports.filter(is_open=True, merged_into__isnull=True)
        if len(nearby_reports(category=r.category, point=report_point(r))) > 1
    ]
    assert len(pair) >= 2


def report_point(report: Report) -> Point:
    return Point(report.latitude, report.longitude)


def a_point(address: Address) -> Point:
    return Point(address.latitude, address.longitude)
