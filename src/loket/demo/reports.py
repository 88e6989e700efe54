"""The demo's public-space reports (issue 15): a boundary for each demo municipality (three
neighbours in the Utrecht river area, fictional), the standard categories, a small address table
for the offline geocoder, and about ninety reports of the last sixty days in every state.

Every report is made the way a resident makes one: through ``report_create`` (with the moment it
was sent as ``now``), followed through ``report_follow``, merged by a case worker through
``report_merge``, moved through the case's own steps (``case_set_status``) and, once, answered
"no, not solved" through ``report_answer`` so that it is reopened. Nothing here writes a report,
a follower or a case directly; the status steps therefore carry the moment the demo was loaded,
as a case worker who handled the backlog that morning would have left them.

For testers and the browser test: an open "lantaarnpaal" report at ``KNOWN_ADDRESS`` in Waterdal
(``KNOWN_POINT``), made two days before the demo was loaded.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from loket.accounts.models import User
from loket.cases.models import Case
from loket.cases.services import case_set_status
from loket.demo.people import FIRST_NAMES, SURNAMES, make_phone, split_surname
from loket.lib.geo import EARTH_RADIUS_M, Area, Point, distance_m
from loket.parties.models import Person
from loket.reports.models import Address, Boundary, Follower, Report
from loket.reports.services import (
    report_answer,
    report_create,
    report_follow,
    report_merge,
)
from loket.reports.standard import categories_install
from loket.tenancy.models import Municipality

# --- the map -----------------------------------------------------------------------------------

# Three neighbours sharing their borders vertex for vertex (so no point is in two, none falls
# between them): Waterdal in the south-west, Beekveld in the east, Lindeoord, the smallest, in
# the north. Longitude first, as GeoJSON has it.
_WATERDAL_BEEKVELD = [(5.100, 52.005), (5.095, 52.030), (5.104, 52.055), (5.098, 52.080)]
_WATERDAL_LINDEOORD = [(5.098, 52.080), (5.070, 52.083), (5.040, 52.078), (5.020, 52.080)]
_LINDEOORD_BEEKVELD = [(5.098, 52.080), (5.110, 52.098)]


def _ring(*parts: list[tuple[float, float]]) -> dict[str, Any]:
    points: list[tuple[float, float]] = []
    for part in parts:
        for vertex in part:
            if not points or points[-1] != vertex:
                points.append(vertex)
    if points[0] != points[-1]:
        points.append(points[0])
    return {"type": "Polygon", "coordinates": [[list(p) for p in points]]}


AREAS: dict[str, dict[str, Any]] = {
    "waterdal": _ring(
        [(5.015, 52.010), (5.050, 52.002)],
        _WATERDAL_BEEKVELD,
        _WATERDAL_LINDEOORD[1:],
        [(5.008, 52.060), (5.003, 52.035)],
    ),
    "beekveld": _ring(
        [(5.100, 52.005), (5.140, 52.000), (5.185, 52.012), (5.195, 52.045)],
        [(5.180, 52.085), (5.140, 52.100)],
        list(reversed(_LINDEOORD_BEEKVELD)),
        list(reversed(_WATERDAL_BEEKVELD))[1:],
    ),
    "lindeoord": _ring(
        list(reversed(_WATERDAL_LINDEOORD)),
        _LINDEOORD_BEEKVELD[1:],
        [(5.085, 52.105), (5.050, 52.104), (5.028, 52.095)],
    ),
}

# Each village's centre, and its streets: (name, postcode, start east and north of the centre in
# metres, bearing in degrees from north, length in metres, house numbers 1..n along both sides).
CENTRES = {
    "waterdal": Point(52.0400, 5.0500),
    "beekveld": Point(52.0500, 5.1480),
    "lindeoord": Point(52.0920, 5.0620),
}
STREETS: dict[str, tuple[tuple[str, str, int, int, int, int, int], ...]] = {
    "waterdal": (
        ("Markt", "3311AA", 0, 0, 90, 120, 6),
        ("Dorpsstraat", "3311AB", 60, 40, 20, 650, 10),
        ("Kerkplein", "3311AC", -150, 90, 0, 90, 4),
        ("Kerkstraat", "3311AD", -150, 180, 340, 400, 4),
        ("Molenweg", "3312BA", -400, -250, 250, 700, 5),
        ("Stationsweg", "3312BB", 200, -200, 150, 900, 5),
        ("Schoolstraat", "3312BC", -300, 350, 80, 350, 4),
        ("Julianastraat", "3313CA", 500, 300, 0, 450, 4),
        ("Wilhelminalaan", "3313CB", 700, 200, 80, 500, 4),
        ("Beatrixstraat", "3313CC", 550, 700, 110, 350, 3),
        ("Havenkade", "3314DA", -700, -600, 120, 600, 4),
        ("Dijkweg", "3314DB", -1200, 0, 180, 900, 3),
        ("Lindenlaan", "3315EA", 900, -500, 45, 500, 4),
    ),
    "beekveld": (
        ("Beekplein", "3351BK", 0, 0, 90, 100, 4),
        ("Stationsweg", "3352SP", 300, -300, 160, 800, 6),
        ("Hoofdstraat", "3351BA", -50, 60, 350, 700, 6),
        ("Molenstraat", "3351BB", -400, 200, 260, 450, 4),
        ("Beekstraat", "3351BC", 120, 100, 60, 500, 4),
        ("Esdoornlaan", "3353EA", 800, 400, 0, 500, 4),
        ("Kastanjelaan", "3353EB", 600, 900, 100, 400, 3),
        ("Brinkweg", "3354BA", -900, -400, 200, 600, 4),
        ("Sportlaan", "3354BB", -300, -900, 90, 700, 3),
        ("Weidezoom", "3355WA", 1300, -200, 30, 400, 3),
    ),
    "lindeoord": (
        ("Kerkstraat", "3371LK", 0, 0, 80, 350, 12),
        ("Brink", "3371LA", -80, 60, 0, 80, 4),
        ("Dorpsweg", "3371LB", -300, -100, 100, 600, 5),
        ("Lindelaan", "3372LA", 200, 200, 20, 400, 4),
        ("Pastoriestraat", "3372LB", -150, 150, 330, 300, 3),
        ("Akkerweg", "3373AA", 400, -250, 120, 350, 4),
        ("Koestraat", "3373AB", -500, 100, 200, 350, 3),
        ("Veldweg", "3373AC", 100, -400, 260, 400, 3),
    ),
}
HOUSE_SETBACK_M = 9  # a front door from the middle of the street


def moved(point: Point, east_m: float, north_m: float) -> Point:
    """``point`` moved by metres east and north (flat: fine over a village)."""
    return Point(
        point.latitude + math.degrees(north_m / EARTH_RADIUS_M),
        point.longitude
        + math.degrees(east_m / (EARTH_RADIUS_M * math.cos(math.radians(point.latitude)))),
    )


@dataclass(frozen=True)
class Place:
    municipality: str
    street: str
    number: str
    postcode: str
    point: Point

    @property
    def label(self) -> str:
        return f"{self.street} {self.number}"


def places(slug: str) -> list[Place]:
    """The addresses of one demo municipality: odd numbers on the left of the street, even on
    the right, evenly along it."""
    found = []
    centre = CENTRES[slug]
    for name, postcode, east, north, bearing, length, houses in STREETS[slug]:
        start = moved(centre, east, north)
        rad = math.radians(bearing)
        pairs = (houses + 1) // 2
        for number in range(1, houses + 1):
            along = length * ((number - 1) // 2 + 0.5) / pairs
            side = -1 if number % 2 else 1  # left of the direction of the street, or right
            found.append(
                Place(
                    municipality=slug,
                    street=name,
                    number=str(number),
                    postcode=postcode,
                    point=moved(
                        start,
                        along * math.sin(rad) + side * HOUSE_SETBACK_M * math.cos(rad),
                        along * math.cos(rad) - side * HOUSE_SETBACK_M * math.sin(rad),
                    ),
                )
            )
    return found


KNOWN_ADDRESS = ("waterdal", "Dorpsstraat", "8")
KNOWN_POINT = next(p.point for p in places("waterdal") if (p.street, p.number) == KNOWN_ADDRESS[1:])
KNOWN_DESCRIPTION = "De lantaarnpaal voor Dorpsstraat 8 brandt al drie avonden niet."

# --- what residents report ---------------------------------------------------------------------

WEIGHTS = {
    "zwerfafval": 5,
    "afvalbak-vol": 4,
    "gedumpt-afval": 3,
    "lantaarnpaal": 4,
    "stoeptegel": 4,
    "gat-in-de-weg": 3,
    "takken": 3,
    "omgevallen-boom": 1,
}
WORDS = {
    "zwerfafval": (
        "Veel zwerfafval langs de {street}, vooral blikjes en plastic flesjes.",
        "Glasscherven op het fietspad bij {street} {number}.",
        "Rommel rond het bankje aan de {street}; het ligt er al dagen.",
    ),
    "afvalbak-vol": (
        "De afvalbak aan de {street} zit helemaal vol en het afval waait weg.",
        "Prullenbak bij de bushalte aan de {street} puilt uit.",
    ),
    "gedumpt-afval": (
        "Iemand heeft vuilniszakken gedumpt naast de container aan de {street}.",
        "Een oud bankstel en een matras op de stoep bij {street} {number}.",
    ),
    "lantaarnpaal": (
        "De lantaarnpaal bij {street} {number} doet het niet.",
        "Straatverlichting aan de {street} knippert de hele avond.",
        "Lamp van de lantaarnpaal is kapot, het is erg donker op de {street}.",
    ),
    "stoeptegel": (
        "Losse stoeptegel voor {street} {number}; je struikelt er bijna over.",
        "Tegels verzakt door boomwortels op de stoep van de {street}.",
    ),
    "gat-in-de-weg": (
        "Diep gat in de weg op de {street}, gevaarlijk voor fietsers.",
        "Kuil in het asfalt bij de kruising met de {street}.",
    ),
    "takken": (
        "Overhangende takken boven het fietspad langs de {street}.",
        "De heg bij {street} {number} steekt ver over de stoep; met een kinderwagen kun je er"
        " niet langs.",
    ),
    "omgevallen-boom": (
        "Na de storm is er een boom omgevallen aan de {street}.",
        "Omgevallen boom bij {street} {number}, half over het pad.",
    ),
}
ENGLISH = "The street light outside {street} {number} is broken."
NOT_SOLVED = "De tegel ligt nog steeds los; er staat alleen een pion naast."

REPORTS = {"waterdal": 32, "beekveld": 28, "lindeoord": 25}  # including the scripted ones
DAYS = 60


@dataclass
class Plan:
    """One report to make, and what happens to it afterwards."""

    place: Place
    point: Point
    category: str
    at: datetime
    description: str
    reporter: str  # "person", "email", "phone" or "anonymous"
    photos: int = 0
    language: str = "nl"
    steps: tuple[str, ...] = ()  # after "gemeld"; the last "afgehandeld" closes it
    result: str = "opgelost"
    attributes: dict[str, str] = field(default_factory=dict)
    role: str = ""  # a scripted report's part: "known", "original", "duplicate", ...
    made: Report | None = None


@dataclass
class Demo:
    rng: random.Random
    now: datetime
    residents: dict[int, list[Person]]
    staff: dict[str, User]
    plans: list[Plan] = field(default_factory=list)


def create_demo_reports(
    municipalities: list[Municipality], *, rng: random.Random, now: datetime
) -> dict[str, int]:
    """The map and the reports of the demo municipalities; returns the counts."""
    towns = [m for m in municipalities if m.slug in AREAS]
    addresses = 0
    for town in towns:
        boundary = Boundary(municipality=town, geojson=AREAS[town.slug])
        boundary.full_clean()
        boundary.save()
        categories_install(town)
        area = Area(AREAS[town.slug])
        rows = []
        for place in places(town.slug):
            if not area.contains(place.point):  # a mistake in the tables above, not in data
                raise ValueError(f"{place.label} lies outside {town.name}")
            rows.append(
                Address(
                    municipality=town,
                    street=place.street,
                    number=place.number,
                    postcode=place.postcode,
                    city=town.name,
                    latitude=place.point.latitude,
                    longitude=place.point.longitude,
                )
            )
        addresses += len(Address.objects.bulk_create(rows))
    demo = Demo(
        rng=rng,
        now=now,
        residents={
            town.pk: list(
                Person.objects.filter(municipality=town).exclude(email="").order_by("pk")[:200]
            )
            for town in towns
        },
        staff={u.username: u for u in User.objects.filter(username__in=("behandelaar", "afval"))},
    )
    by_slug = {town.slug: town for town in towns}
    for town in towns:
        _scripted(demo, town.slug)
        _random(demo, town.slug)
    demo.plans.sort(key=lambda plan: plan.at)
    for plan in demo.plans:
        plan.made = _make(demo, by_slug[plan.place.municipality], plan)
    followers = _follow(demo)
    _merge(demo)
    for plan in demo.plans:
        _handle(demo, plan)
    _answer(demo)
    return {
        "map_addresses": addresses,
        "reports": len(demo.plans),
        "report_followers": followers,
    }


# --- the plans ---------------------------------------------------------------------------------


def _place(slug: str, street: str, number: str) -> Place:
    return next(p for p in places(slug) if (p.street, p.number) == (street, number))


def _ago(demo: Demo, days: float, hour: int) -> datetime:
    """``days`` before ``now`` at about ``hour`` o'clock (not after ``now``)."""
    moment = demo.now - timedelta(days=days)
    moment = moment.replace(hour=hour, minute=demo.rng.randint(0, 59), second=0, microsecond=0)
    return min(moment, demo.now - timedelta(minutes=30))


def _scripted(demo: Demo, slug: str) -> None:
    """The reports a tester looks for: the known one, duplicates, the reopened one."""
    add = demo.plans.append
    if slug == "waterdal":
        known = _place(*KNOWN_ADDRESS)
        add(
            Plan(
                known,
                known.point,
                "lantaarnpaal",
                _ago(demo, 2, 21),
                KNOWN_DESCRIPTION,
                "email",
                photos=1,
                role="known",
            )
        )
        # A duplicate a case worker merged: the same dumped waste, reported twice a day apart.
        dumped = _place("waterdal", "Havenkade", "3")
        add(
            Plan(
                dumped,
                dumped.point,
                "gedumpt-afval",
                _ago(demo, 6, 8),
                "Vuilniszakken en een kapotte stoel gedumpt naast de glasbak op de Havenkade.",
                "person",
                photos=2,
                steps=("in-behandeling",),
                role="original",
            )
        )
        add(
            Plan(
                dumped,
                moved(dumped.point, 9, -7),
                "gedumpt-afval",
                _ago(demo, 5, 19),
                "Bij de glasbak aan de Havenkade staat een berg afval.",
                "email",
                role="duplicate",
            )
        )
    elif slug == "beekveld":
        # Reported twice, not merged yet: for a case worker to try.
        bin_place = _place("beekveld", "Beekplein", "2")
        for days, hour, east, reporter in ((1, 9, 0, "email"), (0.5, 17, 8, "phone")):
            add(
                Plan(
                    bin_place,
                    moved(bin_place.point, east, 4),
                    "afvalbak-vol",
                    _ago(demo, days, hour),
                    "De afvalbak op het Beekplein zit vol, er ligt afval naast.",
                    reporter,
                    role="pair",
                )
            )
        # Closed as solved, and the reporter said it was not: reopened.
        tile = _place("beekveld", "Hoofdstraat", "4")
        add(
            Plan(
                tile,
                tile.point,
                "stoeptegel",
                _ago(demo, 28, 10),
                "Losse stoeptegel voor Hoofdstraat 4; mijn moeder is er bijna over gevallen.",
                "email",
                photos=1,
                steps=("in-behandeling", "ingepland", "afgehandeld"),
                role="not-solved",
            )
        )
    elif slug == "lindeoord":
        branches = _place("lindeoord", "Lindelaan", "3")
        add(
            Plan(
                branches,
                branches.point,
                "takken",
                _ago(demo, 21, 14),
                "Overhangende takken van de linde boven het fietspad op de Lindelaan.",
                "email",
                steps=("ingepland", "afgehandeld"),
                role="solved",
            )
        )


def _random(demo: Demo, slug: str) -> None:
    rng = demo.rng
    addresses = places(slug)
    codes, weights = list(WEIGHTS), list(WEIGHTS.values())
    count = REPORTS[slug] - sum(1 for p in demo.plans if p.place.municipality == slug)
    for _ in range(count):
        place = rng.choice(addresses)
        category = rng.choices(codes, weights)[0]
        if category == "lantaarnpaal" and distance_m(place.point, KNOWN_POINT) < 300:
            category = "stoeptegel"  # the known street light stays the only one nearby
        angle = rng.uniform(0, 2 * math.pi)
        distance = rng.uniform(2, 15)
        point = moved(place.point, distance * math.cos(angle), distance * math.sin(angle))
        age = rng.uniform(0.1, DAYS)
        at = _ago(demo, age, rng.randint(7, 22)) if age >= 1 else demo.now - timedelta(hours=3)
        reporter = rng.choices(["person", "email", "phone", "anonymous"], [35, 40, 10, 15])[0]
        english = reporter == "email" and category == "lantaarnpaal" and rng.random() < 0.3
        words = ENGLISH if english else rng.choice(WORDS[category])
        demo.plans.append(
            Plan(
                place,
                point,
                category,
                at,
                words.format(street=place.street, number=place.number),
                reporter,
                photos=rng.choice([1, 1, 2]) if rng.random() < 0.12 else 0,
                language="en" if english else "nl",
                steps=_steps(rng, (demo.now - at).total_seconds() / 86400, category),
                result=rng.choices(["opgelost", "doorgestuurd", "niet-opgelost"], [85, 8, 7])[0],
                attributes={"op-de-weg": rng.choice(["ja", "nee"])}
                if category == "omgevallen-boom"
                else {},
            )
        )


def _steps(rng: random.Random, age: float, category: str) -> tuple[str, ...]:
    """How far a report of ``age`` days has come: the newest are only reported, nearly all of
    those older than two weeks are done; litter and a full bin are often cleared at once, without
    a step in between (each step is a service call: the demo loads in seconds, not minutes)."""
    if age < 1:
        return ()
    if age < 4:
        return rng.choice([(), ("in-behandeling",), ("in-behandeling",), ("ingepland",)])
    closed = 0.45 if age < 14 else 0.88
    if rng.random() < closed:
        if category in ("afvalbak-vol", "zwerfafval") and rng.random() < 0.7:
            return ("afgehandeld",)
        return rng.choices(
            [
                ("in-behandeling", "afgehandeld"),
                ("ingepland", "afgehandeld"),
                ("in-behandeling", "ingepland", "afgehandeld"),
            ],
            [45, 35, 20],
        )[0]
    return rng.choice([("in-behandeling",), ("ingepland",), ("in-behandeling", "ingepland")])


# --- making them ---------------------------------------------------------------------------------


def _photo(rng: random.Random, category: str) -> SimpleUploadedFile:
    """A made-up photo of a street: pavement, a wall, and the problem as a coloured shape."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 600), (135, 170, 205))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 350, 800, 600), fill=(120, 120, 118))
    draw.rectangle((0, 120, 800, 350), fill=(150 + rng.randint(0, 40), 90, 70))
    for x in range(0, 800, 60):
        draw.line((x, 350, x - 130, 600), fill=(100, 100, 98), width=3)
    colour = {
        "lantaarnpaal": (40, 40, 40),
        "takken": (40, 110, 40),
        "omgevallen-boom": (90, 60, 30),
    }.get(category, (30, 60, 150))
    x = rng.randint(130, 600)
    draw.rectangle((x, 200, x + 80, 520), fill=colour)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return SimpleUploadedFile(f"{category}.jpg", out.getvalue(), content_type="image/jpeg")


def _email(rng: random.Random) -> str:
    _prefix, surname = split_surname(rng.choice(SURNAMES))
    name = "".join(c for c in surname.lower() if c.isalpha())
    return f"{rng.choice(FIRST_NAMES).lower()}.{name}{rng.randint(1, 99)}@example.org"


def _make(demo: Demo, town: Municipality, plan: Plan) -> Report:
    rng = demo.rng
    person = rng.choice(demo.residents[town.pk]) if plan.reporter == "person" else None
    made = report_create(
        site=town,
        point=plan.point,
        category=plan.category,
        description=plan.description,
        photos=[_photo(rng, plan.category) for _ in range(plan.photos)],
        email=_email(rng) if plan.reporter == "email" else "",
        phone=make_phone(rng) if plan.reporter == "phone" else "",
        person=person,
        language=plan.language,
        attributes=plan.attributes,
        now=plan.at,
    )
    return made.report


def _followable(demo: Demo) -> Iterator[Plan]:
    """Reports that stay open or close only later (followed before they close)."""
    for plan in demo.plans:
        if plan.role not in ("duplicate", "pair"):
            yield plan


def _follow(demo: Demo) -> int:
    """Neighbours who follow a report instead of reporting it again: one in seven, by their
    person record or an e-mail address; the known one has one follower."""
    rng = demo.rng
    for plan in _followable(demo):
        assert plan.made is not None
        if plan.role != "known" and rng.random() >= 1 / 7:
            continue
        residents = demo.residents[plan.made.municipality_id]
        if rng.random() < 0.5 and residents:
            report_follow(report=plan.made, person=rng.choice(residents))
        else:
            report_follow(report=plan.made, email=_email(rng))
    return Follower.objects.filter(report__in=[p.made for p in demo.plans]).count()


def _merge(demo: Demo) -> None:
    original = next((p.made for p in demo.plans if p.role == "original"), None)
    duplicate = next((p.made for p in demo.plans if p.role == "duplicate"), None)
    if original is None or duplicate is None:
        return
    report_merge(
        duplicate=duplicate,
        into=original,
        actor=demo.staff.get("behandelaar"),
        note="Zelfde afval bij de glasbak; samengevoegd.",
    )


def _handle(demo: Demo, plan: Plan) -> None:
    assert plan.made is not None
    case = Case.objects.select_related("case_type").get(pk=plan.made.case_id)
    steps = {step.code: step for step in case.case_type.steps.all()}
    results = {result.code: result for result in case.case_type.results.all()}
    partner = plan.made.category.parent is not None and plan.made.category.parent.partner_id
    actor = demo.staff.get("afval" if partner else "behandelaar")
    for code in plan.steps:
        case = case_set_status(
            case=case,
            step=steps[code],
            actor=actor,
            result=results[plan.result] if code == "afgehandeld" else None,
        )


def _answer(demo: Demo) -> None:
    """The reporter of the loose tile says it is not solved (reopened); the reporter of the
    branches says it is."""
    for plan in demo.plans:
        if plan.role not in ("not-solved", "solved") or plan.made is None:
            continue
        reporter = plan.made.followers.get(role=Follower.Role.REPORTER)
        report_answer(
            follower=reporter,
            solved=plan.role == "solved",
            comment=NOT_SOLVED if plan.role == "not-solved" else "",
        )


def known_report() -> Report | None:
    """The open street-light report at ``KNOWN_ADDRESS`` (``None`` before the demo is loaded)."""
    return (
        Report.objects.filter(
            municipality__slug=KNOWN_ADDRESS[0],
            category__code="lantaarnpaal",
            description=KNOWN_DESCRIPTION,
        )
        .select_related("case", "category")
        .first()
    )
