"""Benchmark of public-space reports (issue 15, "Performance"). Prints, and writes to
bench/results/reports.json:

(a) nearby duplicates: ``nearby_reports`` for BENCH_POINTS (2,000) random points where people
    report (along the streets, a category of that municipality), p50/p95. Target p95 < 20 ms.
(b) Open311 ``GET /open311/v2/requests.json?jurisdiction_id=..&service_code=..&status=open
    &start_date=..&end_date=..``: one page (at most 1,000 requests) of one category's open
    reports in a 30-day window somewhere in the two years, through Django's test client (the
    whole middleware stack, no network), p50/p95 over BENCH_CALLS calls. Also the query alone
    (the rows the view reads, as ``values()``), which is what is measured when the Open311 view
    is not in this checkout. Target p95 < 50 ms.
(c) creating reports: BENCH_CLIENTS (8) processes, each with its own database connection, call
    ``report_create`` (a point on a street, a category, a description, an e-mail address for
    the updates; no photos) BENCH_CREATES times each. Target >= 100 reports per second.

On PostgreSQL only (BENCH_DATABASE_URL, default .../loket_bench_reports): the database is dropped
and created at the start, and dropped at the end unless BENCH_KEEP=1. The synthetic data: three
municipalities of one service organisation with the demo's boundaries and the standard
categories, streets with their addresses (the local geocoder's table), and BENCH_REPORTS
(500,000) reports with their cases, written with COPY: clustered along the streets (some
streets far busier than others), created over two years, about 20 % still open (most of the
recent ones, and a backlog of older ones), most with a reporter who follows them by e-mail.
"""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/loket_bench_reports")
REPORTS = int(os.environ.get("BENCH_REPORTS", "500000"))
POINTS = int(os.environ.get("BENCH_POINTS", "2000"))
CALLS = int(os.environ.get("BENCH_CALLS", "300"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
CREATES = int(os.environ.get("BENCH_CREATES", "150"))  # per client
DAYS = 730
TARGETS = {"nearby_p95_ms": 20, "open311_p95_ms": 50, "creates_per_second": 100}
CHUNK = 50_000

# Bench municipality -> (the demo municipality whose boundary it takes, share of the reports,
# streets). The demo's three neighbours: one service organisation, the point decides.
TOWNS = {
    "bench-waterdal": ("waterdal", 0.45, 600),
    "bench-beekveld": ("beekveld", 0.40, 600),
    "bench-lindeoord": ("lindeoord", 0.15, 220),
}
CATEGORY_WEIGHTS = {
    "zwerfafval": 22,
    "afvalbak-vol": 16,
    "gedumpt-afval": 12,
    "lantaarnpaal": 14,
    "stoeptegel": 14,
    "gat-in-de-weg": 9,
    "takken": 10,
    "omgevallen-boom": 3,
}
STREET_NAMES = [
    "Dorpsstraat",
    "Kerkstraat",
    "Molenweg",
    "Stationsweg",
    "Schoolstraat",
    "Julianastraat",
    "Wilhelminalaan",
    "Beatrixstraat",
    "Havenkade",
    "Dijkweg",
    "Lindenlaan",
    "Eikenlaan",
    "Beukenlaan",
    "Kastanjelaan",
    "Esdoornlaan",
    "Hoofdstraat",
    "Nieuwstraat",
    "Marktstraat",
    "Brinkweg",
    "Sportlaan",
    "Weidezoom",
    "Akkerweg",
    "Veldweg",
    "Koestraat",
    "Pastoriestraat",
    "Rozenstraat",
    "Tulpstraat",
    "Vinkenlaan",
    "Merelstraat",
    "Zwanenweg",
]


def recreate(database_url: str, *, drop_only: bool = False) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


def django_setup() -> None:
    os.environ.update(
        DATABASE_URL=URL,
        LOKET_MODE="test",
        DJANGO_SETTINGS_MODULE="loket.settings",
        LOKET_API_RATE_ANON="1000000/m",  # the throttle is not what is measured
        LOKET_GEOCODER="local",  # the address table; PDOK would be a network call
    )
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(share: float) -> float:
        return ordered[min(int(share * len(ordered)), len(ordered) - 1)]

    return {
        "calls": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(at(0.95), 2),
        "max_ms": round(ordered[-1], 2),
    }


def timed(calls: list[Any]) -> list[float]:
    calls[0]()  # warm up: imports, the first query plans
    samples = []
    for call in calls:
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


# --- the synthetic data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Street:
    town: int  # municipality pk
    name: str
    postcode: str
    start: Any  # loket.lib.geo.Point
    bearing: float  # radians from north
    length: float  # metres
    weight: float  # how busy: a few streets get many reports


def streets_of(rng: random.Random, town: Any, demo_slug: str, count: int) -> list[Street]:
    from loket.demo.reports import AREAS, CENTRES, moved
    from loket.lib.geo import Area

    area = Area(AREAS[demo_slug])
    centre = CENTRES[demo_slug]
    found: list[Street] = []
    names: dict[str, int] = {}
    while len(found) < count:
        # Denser near the village centre: the distance from it drawn from a triangle.
        distance = rng.triangular(0, 3500, 300)
        angle = rng.uniform(0, 2 * math.pi)
        start = moved(centre, distance * math.sin(angle), distance * math.cos(angle))
        bearing = rng.uniform(0, 2 * math.pi)
        length = rng.uniform(120, 900)
        end = moved(start, length * math.sin(bearing), length * math.cos(bearing))
        if not (area.contains(start) and area.contains(end)):
            continue
        base = rng.choice(STREET_NAMES)
        names[base] = names.get(base, 0) + 1
        name = base if names[base] == 1 else f"{base} {names[base]}"  # unique per town
        found.append(
            Street(
                town=town.pk,
                name=name,
                postcode=f"{3300 + len(found) // 4:04d}{chr(65 + len(found) % 26)}"
                f"{chr(65 + (len(found) // 26) % 26)}",
                start=start,
                bearing=bearing,
                length=length,
                # Some streets far busier than others (a shopping street, a park), but not so
                # that dozens of open reports of one kind lie within 50 m of each other.
                weight=rng.lognormvariate(0, 0.8),
            )
        )
    return found


def along(
    rng: random.Random, street: Street, metres: float | None = None, side: float | None = None
) -> Any:
    """A point on ``street``, a few metres to either side of its middle line."""
    from loket.demo.reports import moved

    distance = rng.uniform(0, street.length) if metres is None else metres
    side = rng.uniform(-12, 12) if side is None else side
    return moved(
        street.start,
        distance * math.sin(street.bearing) + side * math.cos(street.bearing),
        distance * math.cos(street.bearing) - side * math.sin(street.bearing),
    )


def generate(rng: random.Random) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from loket.catalogue.models import Product
    from loket.catalogue.services import catalogue_load
    from loket.demo.reports import AREAS
    from loket.demo.synthetic import CASE_COLUMNS, Writer, _move_sequence
    from loket.lib.calendar import AMSTERDAM, Term, add_term
    from loket.reports.models import Address, Boundary, Category
    from loket.reports.services import REPORT_PRODUCT
    from loket.reports.standard import categories_install
    from loket.tenancy.models import Municipality, ServiceOrganisation

    started = time.perf_counter()
    now = timezone.now()
    catalogue_load()
    product = Product.objects.select_related("case_type").get(slug=REPORT_PRODUCT)
    case_type = product.case_type
    assert case_type is not None
    steps = {step.code: step.pk for step in case_type.steps.all()}
    results = {result.code: result.pk for result in case_type.results.all()}
    organisation = ServiceOrganisation.objects.create(slug="bench-reports", name="Bench reports")
    towns = []
    streets: list[Street] = []
    for slug, (demo_slug, _share, count) in TOWNS.items():
        town = Municipality.objects.create(
            slug=slug, name=slug.split("-")[1].title(), service_organisation=organisation
        )
        boundary = Boundary(municipality=town, geojson=AREAS[demo_slug])
        boundary.full_clean()
        boundary.save()
        categories_install(town)
        towns.append(town)
        streets += streets_of(rng, town, demo_slug, count)
    # The address table: a house every 15 m on both sides of every street.
    addresses = []
    for street in streets:
        town_name = next(t.name for t in towns if t.pk == street.town)
        for number in range(1, int(street.length / 15) * 2 + 1):
            point = along(rng, street, ((number - 1) // 2) * 15 + 7, 9 if number % 2 else -9)
            addresses.append(
                Address(
                    municipality_id=street.town,
                    street=street.name,
                    number=str(number),
                    postcode=street.postcode,
                    city=town_name,
                    latitude=round(point.latitude, 7),
                    longitude=round(point.longitude, 7),
                )
            )
    Address.objects.bulk_create(addresses, batch_size=5000)

    categories: dict[tuple[int, str], Category] = {
        (c.municipality_id, c.code): c
        for c in Category.objects.filter(parent__isnull=False).select_related("parent")
    }
    norms = {key: Term.parse(c.norm()) for key, c in categories.items()}
    handlers = {key: c.handler() for key, c in categories.items()}
    town_weights = [TOWNS[t.slug][1] for t in towns]
    by_town = {t.pk: [s for s in streets if s.town == t.pk] for t in towns}
    street_weights = {pk: [s.weight for s in found] for pk, found in by_town.items()}
    codes, code_weights = list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values())
    moments = sorted(now - timedelta(seconds=rng.random() * DAYS * 86400) for _ in range(REPORTS))
    due_cache: dict[tuple[Any, Any], datetime] = {}
    numbers: dict[tuple[int, int], int] = {}
    ids = {"case": 1, "status": 1, "report": 1, "follower": 1}
    figures = {"open": 0, "followers": 0, "statuses": 0}
    sample: list[tuple[int, str, float, float]] = []  # (town, code, lat, long) for (a)

    def chunk(first: int) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
        cases, statuses, reports, followers = [], [], [], []
        for moment in moments[first : first + CHUNK]:
            town = rng.choices(towns, town_weights)[0]
            street = rng.choices(by_town[town.pk], street_weights[town.pk])[0]
            point = along(rng, street)
            code = rng.choices(codes, code_weights)[0]
            key = (town.pk, code)
            category = categories[key]
            team, partner = handlers[key]
            age = (now - moment).total_seconds() / 86400
            # Most recent reports are open; of the older ones a backlog of about 12 %.
            is_open = rng.random() < 0.12 + 0.85 * math.exp(-age / 60)
            day = moment.astimezone(AMSTERDAM).date()
            due = due_cache.get((day, norms[key]))
            if due is None:
                due = due_cache[(day, norms[key])] = add_term(moment, norms[key])
            year = moment.astimezone(AMSTERDAM).year
            numbers[(town.pk, year)] = numbers.get((town.pk, year), 0) + 1
            case_id = ids["case"]
            history = [("gemeld", moment)]
            closed_at = None
            if is_open:
                figures["open"] += 1
                reached = rng.choice(["gemeld", "in-behandeling", "ingepland"]) if age > 1 else ""
                if reached and reached != "gemeld":
                    history.append((reached, moment + (now - moment) * 0.3))
                result = None
            else:
                closed_at = min(moment + (due - moment) * rng.uniform(0.2, 1.3), now)
                history += [
                    ("in-behandeling", moment + (closed_at - moment) * 0.2),
                    ("ingepland", moment + (closed_at - moment) * 0.5),
                    ("afgehandeld", closed_at),
                ]
                result = results[rng.choices(["opgelost", "doorgestuurd"], [92, 8])[0]]
            for step, at in history:
                statuses.append((ids["status"], case_id, steps[step], at, None, ""))
                ids["status"] += 1
            figures["statuses"] += len(history)
            place = f"{street.name} {1 + int(rng.random() * street.length / 7.5)}, {town.name}"
            cases.append(
                (
                    case_id,
                    town.pk,
                    uuid.UUID(int=rng.getrandbits(128)),
                    f"ZAAK-{year}-{numbers[(town.pk, year)]:07d}",
                    product.pk,
                    case_type.pk,
                    f"{category.name_nl}: {place}"[:200],
                    "",
                    None,
                    None,
                    "web" if rng.random() < 0.8 else "app",
                    "zaakvertrouwelijk",
                    moment,
                    day,
                    due,
                    due,
                    None,
                    moment + (due - moment) * 0.8,
                    closed_at,
                    None,
                    None,
                    None,
                    "",
                    "{}",
                    False,
                    "",
                    steps[history[-1][0]],
                    result,
                    team.pk if team else None,
                    partner.pk if partner else None,
                    None,
                    len(history),
                    moment,
                    closed_at or history[-1][1],
                    category.norm(),
                )
            )
            report_id = ids["report"]
            reports.append(
                (
                    report_id,
                    town.pk,
                    uuid.UUID(int=rng.getrandbits(128)),
                    case_id,
                    category.pk,
                    round(point.latitude, 7),
                    round(point.longitude, 7),
                    place,
                    f"{category.name_nl} bij {place}",
                    json.dumps({"op-de-weg": rng.choice(["ja", "nee"])})
                    if code == "omgevallen-boom"
                    else "{}",
                    "web",
                    None,
                    None,
                    0,
                    moment,
                    is_open,
                    closed_at,
                    history[-1][0],
                )
            )
            if rng.random() < 0.7:
                followers.append(
                    (
                        ids["follower"],
                        report_id,
                        "reporter",
                        None,
                        f"melder{report_id}@example.org",
                        "",
                        "nl",
                        hashlib.sha256(f"bench-{report_id}".encode()).hexdigest(),
                        "",
                        None,
                        None,
                        moment,
                    )
                )
                ids["follower"] += 1
            if len(sample) < 20_000 and rng.random() < 0.05:
                sample.append((town.pk, code, point.latitude, point.longitude))
            ids["case"] += 1
            ids["report"] += 1
        return cases, statuses, reports, followers

    report_columns = [
        "id",
        "municipality_id",
        "uuid",
        "case_id",
        "category_id",
        "latitude",
        "longitude",
        "place",
        "description",
        "attributes",
        "source",
        "client_id",
        "merged_into_id",
        "reopened",
        "created_at",
        "is_open",
        "closed_at",
        "status_code",
    ]
    follower_columns = [
        "id",
        "report_id",
        "role",
        "person_id",
        "email",
        "phone",
        "language",
        "token_digest",
        "answered",
        "answered_at",
        "stopped_at",
        "created_at",
    ]
    with transaction.atomic():
        for first in range(0, REPORTS, CHUNK):
            cases, statuses, reports, followers = chunk(first)
            Writer("cases_case", CASE_COLUMNS).write(iter(cases))
            Writer(
                "cases_casestatus", ["id", "case_id", "step_id", "set_at", "set_by_id", "note"]
            ).write(iter(statuses))
            Writer("reports_report", report_columns).write(iter(reports))
            Writer("reports_follower", follower_columns).write(iter(followers))
            figures["followers"] += len(followers)
            done = min(first + CHUNK, REPORTS)
            print(f"  {done:,} reports ({time.perf_counter() - started:.0f} s)", flush=True)
        with connection.cursor() as cursor:
            for (town_pk, year), last in numbers.items():
                cursor.execute(
                    "INSERT INTO cases_casesequence (municipality_id, year, last_number)"
                    " VALUES (%s, %s, %s)",
                    [town_pk, year, last],
                )
        for table in ("cases_case", "cases_casestatus", "reports_report", "reports_follower"):
            _move_sequence(table)
    # The steady state autovacuum would reach: statistics, and the visibility map that lets
    # PostgreSQL answer from an index alone.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    SAMPLE[:] = sample
    report = {
        "municipalities": len(towns),
        "streets": len(streets),
        "addresses": len(addresses),
        "reports": REPORTS,
        "open": figures["open"],
        "open_share": round(figures["open"] / REPORTS, 3),
        "statuses": figures["statuses"],
        "followers": figures["followers"],
        "days": DAYS,
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(f"generated {report}")
    return report


SAMPLE: list[tuple[int, str, float, float]] = []


# --- (a) nearby -----------------------------------------------------------------------------------


def nearby(rng: random.Random) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from loket.lib.geo import Point
    from loket.reports.models import Category
    from loket.reports.services import nearby_reports

    categories = {
        (c.municipality_id, c.code): c
        for c in Category.objects.filter(parent__isnull=False).select_related("parent")
    }
    codes = list(CATEGORY_WEIGHTS)
    found: list[int] = []
    calls = []
    for _ in range(POINTS):
        town, code, latitude, longitude = rng.choice(SAMPLE)
        # Where someone stands when they report: near where others did, within 40 m.
        point = Point(
            latitude + rng.uniform(-40, 40) / 111_200, longitude + rng.uniform(-40, 40) / 68_500
        )
        if rng.random() < 0.5:
            code = rng.choice(codes)  # and not always the same problem
        category = categories[(town, code)]

        def call(category: Any = category, point: Any = point) -> None:
            found.append(len(nearby_reports(category=category, point=point)))

        calls.append(call)
    samples = timed(calls)
    with CaptureQueriesContext(connection) as queries:
        calls[1]()
    figures = percentiles(samples)
    figures["found_mean"] = round(statistics.mean(found), 2)
    figures["found_max"] = max(found)
    figures["queries_per_call"] = len(queries)
    figures["explain"] = explain(queries.captured_queries[-1]["sql"])
    return figures


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return [row[0] for row in cursor.fetchall()]


# --- (b) Open311 ----------------------------------------------------------------------------------


def open311(rng: random.Random) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import Resolver404, resolve
    from django.utils import timezone

    from loket.reports.models import Report
    from loket.tenancy.models import Municipality

    now = timezone.now()
    towns = list(Municipality.objects.filter(slug__in=TOWNS).values_list("pk", "slug"))
    codes = list(CATEGORY_WEIGHTS)
    asks = []
    for _ in range(CALLS):
        town, slug = rng.choice(towns)
        code = rng.choices(codes, list(CATEGORY_WEIGHTS.values()))[0]
        # Half ask for the last 30 days (what an app shows), half for 30 days in the two years.
        end = now if rng.random() < 0.5 else now - timedelta(days=rng.uniform(30, DAYS))
        asks.append((town, slug, code, end - timedelta(days=30), end))

    # The query the view runs (api/open311.py ``_list_requests`` and ``_rows``): one
    # municipality, a category, open, a period, newest first, at most 1,000, the columns the
    # answer needs; without the view's formatting of each row and the JSON.
    columns = (
        "uuid",
        "latitude",
        "longitude",
        "place",
        "description",
        "client_id",
        "is_open",
        "created_at",
        "closed_at",
        "category__code",
        "category__name_nl",
        "category__name_en",
        "case__identification",
        "case__updated_at",
        "case__due_at",
        "case__status__resident_text_nl",
        "case__status__resident_text_en",
        "case__team__name",
        "case__partner__name",
    )
    rows: list[int] = []

    def query(town: int, code: str, start: datetime, end: datetime) -> Any:
        return (
            Report.objects.filter(municipality_id=town, created_at__gte=start, created_at__lte=end)
            .filter(category__code__in=[code], is_open=True)
            .order_by("-created_at")[:1000]
            .values(*columns)
        )

    def unprepared(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        # As the view sends it: planned with its values every time, not as a prepared
        # statement (settings: prepare_threshold), whose generic plan sorts every match.
        if many:
            return execute(sql, params, many, context)
        return context["cursor"].cursor.execute(sql, params, prepare=False)

    def selector(town: int, code: str, start: datetime, end: datetime) -> None:
        with connection.execute_wrapper(unprepared):
            rows.append(len(list(query(town, code, start, end))))

    figures: dict[str, Any] = {}
    figures["query"] = percentiles(
        timed([lambda a=a: selector(a[0], a[2], a[3], a[4]) for a in asks])
    )
    figures["query"]["rows_mean"] = round(statistics.mean(rows), 1)
    figures["query"]["rows_max"] = max(rows)
    town, _slug, code, start, end = asks[0]
    figures["query"]["explain"] = (
        query(town, code, start, end).explain(analyze=True, buffers=True).splitlines()
    )
    try:
        resolve("/open311/v2/requests.json")
        present = True
    except Resolver404:
        present = False
    figures["view_present"] = present
    figures["view_committed"] = (
        subprocess.run(
            ["git", "ls-files", "--error-unmatch", "src/loket/api/open311.py"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    if present:
        client = Client()
        sizes: list[int] = []

        def get(slug: str, code: str, start: datetime, end: datetime) -> None:
            response = client.get(
                "/open311/v2/requests.json",
                {
                    "jurisdiction_id": slug,
                    "service_code": code,
                    "status": "open",
                    "start_date": start.isoformat(timespec="seconds"),
                    "end_date": end.isoformat(timespec="seconds"),
                },
            )
            assert response.status_code == 200, response.content[:300]
            body = json.loads(response.content)
            sizes.append(len(body if isinstance(body, list) else body["service_requests"]))

        figures["view"] = percentiles(
            timed([lambda a=a: get(a[1], a[2], a[3], a[4]) for a in asks])
        )
        figures["view"]["rows_mean"] = round(statistics.mean(sizes), 1)
        with CaptureQueriesContext(connection) as queries:
            get(asks[0][1], asks[0][2], asks[0][3], asks[0][4])
        figures["view"]["queries_per_call"] = len(queries)
    return figures


# --- (c) creating, in worker processes -----------------------------------------------------------


def create_worker(
    number: int, plan: list[tuple[str, str, float, float, str]], start: Any, results: Any
) -> None:
    from django.db import connections

    connections.close_all()  # never the parent's connection: this process opens its own
    from loket.lib.geo import Point
    from loket.reports.services import report_create
    from loket.tenancy.models import Municipality

    towns = {m.slug: m for m in Municipality.objects.filter(slug__in=TOWNS)}
    counts = {"made": 0, "refused": 0, "errors": 0}
    samples: list[float] = []
    start.wait()
    for index, (slug, code, latitude, longitude, words) in enumerate(plan):
        began = time.perf_counter()
        try:
            report_create(
                site=towns[slug],
                point=Point(latitude, longitude),
                category=code,
                description=words,
                email=f"bench-{number}-{index}@example.org",
                attributes={"op-de-weg": "ja"} if code == "omgevallen-boom" else None,
            )
            counts["made"] += 1
        except Exception as error:  # counted, and the first few shown
            from loket.lib.errors import Refused

            key = "refused" if isinstance(error, Refused) else "errors"
            counts[key] += 1
            if counts[key] <= 3:
                print(f"client {number}: {type(error).__name__}: {error}", flush=True)
        samples.append((time.perf_counter() - began) * 1000)
    connections.close_all()
    results.put((counts, samples))


def creating(rng: random.Random) -> dict[str, Any]:
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext

    from loket.lib.geo import Point
    from loket.reports.services import report_create
    from loket.tenancy.models import Municipality

    slugs = {m.pk: m.slug for m in Municipality.objects.filter(slug__in=TOWNS)}
    codes = list(CATEGORY_WEIGHTS)
    plans = []
    for _ in range(CLIENTS):
        plan = []
        for _ in range(CREATES):
            town, _code, latitude, longitude = rng.choice(SAMPLE)
            code = rng.choices(codes, list(CATEGORY_WEIGHTS.values()))[0]
            plan.append(
                (
                    slugs[town],
                    code,
                    latitude + rng.uniform(-20, 20) / 111_200,
                    longitude + rng.uniform(-20, 20) / 68_500,
                    f"Benchmark: {code} hier, graag snel oplossen.",
                )
            )
        plans.append(plan)
    # What one report costs in queries (the first of client 0's, made here and counted).
    slug, code, latitude, longitude, words = plans[0][0]
    site = Municipality.objects.get(slug=slug)
    report_create(site=site, point=Point(latitude, longitude), category=code, description=words)
    with CaptureQueriesContext(connection) as queries:
        report_create(
            site=site,
            point=Point(latitude, longitude),
            category=code,
            description=words,
            email="count@example.org",
            attributes={"op-de-weg": "ja"} if code == "omgevallen-boom" else None,
        )
    # One client alone: what a report costs without waiting for the others, with the address
    # looked up in the local table (``geocoding.nearest``) and with the place given.
    alone: dict[str, float] = {}
    for label, place in (("geocoder", ""), ("place_given", "Dorpsstraat 1")):
        began = time.perf_counter()
        alone_plan = plans[1][:60]
        for slug, code, latitude, longitude, words in alone_plan:
            report_create(
                site=Municipality.objects.get(slug=slug),
                point=Point(latitude, longitude),
                category=code,
                description=words,
                email="alone@example.org",
                place=place,
                attributes={"op-de-weg": "ja"} if code == "omgevallen-boom" else None,
            )
        alone[label] = round((time.perf_counter() - began) / len(alone_plan) * 1000, 1)
    query_times: dict[str, float] = {}
    for captured in queries.captured_queries:
        sql = captured["sql"]
        head = " ".join(sql.split()[:4])[:60]
        query_times[head] = query_times.get(head, 0.0) + float(captured["time"]) * 1000
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start = context.Event()
    results = context.Queue()
    workers = [
        context.Process(target=create_worker, args=(n, plans[n], start, results))
        for n in range(CLIENTS)
    ]
    for worker in workers:
        worker.start()
    time.sleep(2)  # every client connected and waiting
    began = time.perf_counter()
    start.set()
    outcomes = [results.get(timeout=900) for _ in workers]
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join(30)
    counts = {key: sum(c[key] for c, _s in outcomes) for key in outcomes[0][0]}
    samples = [sample for _c, s in outcomes for sample in s]
    return {
        "clients": CLIENTS,
        "attempts": sum(counts.values()),
        **counts,
        "seconds": round(elapsed, 2),
        "creates_per_second": round(counts["made"] / elapsed, 1),
        "latency": percentiles(samples),
        "queries_per_create": len(queries),
        "one_client_ms_per_create": alone,
        "slowest_queries_ms": dict(sorted(query_times.items(), key=lambda item: -item[1])[:6]),
    }


# --- main ----------------------------------------------------------------------------------------


def main() -> None:
    if not URL.startswith("postgres"):
        sys.exit("bench/reports.py runs on PostgreSQL only (BENCH_DATABASE_URL)")
    recreate(URL)
    django_setup()
    from django.core.management import call_command
    from django.db import connection, connections

    call_command("migrate", verbosity=0)
    rng = random.Random(15)
    figures: dict[str, Any] = {"targets": TARGETS, "data": generate(rng)}
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        figures["database"] = f"PostgreSQL {cursor.fetchone()[0].split()[1]}"

    near = nearby(rng)
    figures["nearby"] = near
    print(
        f"(a) nearby duplicates (50 m, 30 days, one category) at {near['calls']} points:"
        f" p50 {near['p50_ms']} ms, p95 {near['p95_ms']} ms, max {near['max_ms']} ms"
        f" ({near['found_mean']} found on average, at most {near['found_max']};"
        f" {near['queries_per_call']} query) (target p95 < {TARGETS['nearby_p95_ms']} ms)"
    )

    o311 = open311(rng)
    figures["open311"] = o311
    query = o311["query"]
    line = (
        f"(b) Open311 requests, one category, open, 30 days: the query p50 {query['p50_ms']} ms,"
        f" p95 {query['p95_ms']} ms ({query['rows_mean']} rows on average, at most"
        f" {query['rows_max']})"
    )
    if o311["view_present"]:
        view = o311["view"]
        line += (
            f"; GET /open311/v2/requests.json p50 {view['p50_ms']} ms, p95 {view['p95_ms']} ms"
            f" ({view['queries_per_call']} queries;"
            f" view {'committed' if o311['view_committed'] else 'NOT yet committed'})"
        )
    else:
        line += "; the Open311 view is not in this checkout: the query alone was measured"
    print(f"{line} (target p95 < {TARGETS['open311_p95_ms']} ms)")

    made = creating(rng)
    figures["create"] = made
    print(
        f"(c) report_create, {CLIENTS} clients: {made['made']} made, {made['refused']} refused,"
        f" {made['errors']} errors in {made['seconds']} s = {made['creates_per_second']}"
        f" reports/s (per call p50 {made['latency']['p50_ms']} ms, p95"
        f" {made['latency']['p95_ms']} ms; {made['queries_per_create']} queries each; one client"
        f" alone {made['one_client_ms_per_create']['geocoder']} ms per report,"
        f" {made['one_client_ms_per_create']['place_given']} ms with the place given)"
        f" (target >= {TARGETS['creates_per_second']}/s)"
    )

    measured = o311["view"]["p95_ms"] if o311["view_present"] else query["p95_ms"]
    figures["met"] = {
        "nearby": near["p95_ms"] < TARGETS["nearby_p95_ms"],
        "open311": measured < TARGETS["open311_p95_ms"],
        "open311_measured": "view" if o311["view_present"] else "query",
        "create": made["creates_per_second"] >= TARGETS["creates_per_second"]
        and made["errors"] == 0,
    }
    figures["measured_at"] = datetime.now().astimezone().isoformat(timespec="seconds")
    # Wall-clock figures depend on what else runs: the machine's load is kept with them.
    figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    figures["cpus"] = os.cpu_count()
    out = ROOT / "bench" / "results" / "reports.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"targets met: {figures['met']}; written to {out.relative_to(ROOT)}")
    connections.close_all()
    if os.environ.get("BENCH_KEEP") != "1":
        recreate(URL, drop_only=True)


if __name__ == "__main__":
    main()
