"""Benchmark of appointments and the counter (issue 14, "Performance"). Prints, and writes to
bench/results/appointments.json:

(a) availability for one product (a passport, one person) over 4 weeks across all locations
    serving a municipality: ``free_slots`` directly, and ``GET /api/v1/appointments/
    availability`` through Django's test client (the whole middleware stack, no network):
    p50/p95 over BENCH_CALLS calls. Target p95 < 50 ms.
(b) booking throughput: BENCH_CLIENTS (8) processes, each with its own database connection,
    call ``appointment_book`` on free times spread over the locations and weeks, plus a set of
    last places that every client tries at once; successes, SlotTaken refusals and errors are
    counted. Target >= 100 bookings per second.
(c) the waiting-room screen: ``display_state`` and the page ``/werkplek/scherm/<location>``
    through the test client, p50/p95 over BENCH_CALLS calls. Target p95 < 20 ms.

On PostgreSQL only (BENCH_DATABASE_URL, default .../loket_bench_appointments): the database is
dropped and created at the start, and dropped at the end unless BENCH_KEEP=1. The synthetic
organisation: three municipalities with two or three locations each (4-8 desks; weekdays
09:00-12:30 and 13:30-17:00, some with a Thursday evening), one location run by the first
municipality also serving the third; a year of past bookings (mostly served, some no-shows and
cancellations, tickets for part of them) and the coming six weeks partly booked: at least
BENCH_APPOINTMENTS (300,000) appointments.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/loket_bench_appointments"
)
CALLS = int(os.environ.get("BENCH_CALLS", "200"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
BOOKINGS = int(os.environ.get("BENCH_BOOKINGS", "200"))  # per client
CONTESTED = int(os.environ.get("BENCH_CONTESTED", "20"))  # last places every client tries
MINIMUM = int(os.environ.get("BENCH_APPOINTMENTS", "300000"))
PAST_DAYS = int(os.environ.get("BENCH_PAST_DAYS", "365"))  # fewer for a quick trial run
TARGETS = {"availability_p95_ms": 50, "bookings_per_second": 100, "display_p95_ms": 20}

# Municipality -> its locations: (name, desks, Thursday evening, also serves).
ORGANISATION = {
    "bench-a": [
        ("A Stadhuis", 8, True, None),
        ("A Noord", 5, False, None),
        ("Regiowinkel", 7, True, "bench-c"),
    ],
    "bench-b": [
        ("B Centrum", 8, True, None),
        ("B Oost", 6, False, None),
        ("B Zuid", 4, False, None),
    ],
    "bench-c": [("C Dorpshuis", 6, True, None), ("C Kerkdorp", 4, False, None)],
}
PRODUCTS = ("paspoort", "identiteitskaart", "rijbewijs", "uittreksel-brp")


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


def timed(call: Any, count: int) -> list[float]:
    call()  # warm up: imports, template loading, the first query plans
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


# --- the synthetic organisation ----------------------------------------------------------------


def generate(rng: random.Random) -> dict[str, Any]:
    from datetime import time as clock

    from django.utils import timezone

    from loket.appointments.availability import Plan
    from loket.appointments.models import (
        Appointment,
        AppointmentLine,
        Desk,
        Location,
        OpeningHours,
        Ticket,
    )
    from loket.catalogue.models import Channel, Product
    from loket.catalogue.services import catalogue_load
    from loket.lib.calendar import local_date
    from loket.parties.models import Person
    from loket.tenancy.models import Municipality

    started = time.perf_counter()
    catalogue_load()
    products = {p.slug: p for p in Product.objects.filter(slug__in=PRODUCTS)}
    towns = {
        slug: Municipality.objects.create(slug=slug, name=slug.replace("-", " ").title())
        for slug in ORGANISATION
    }
    locations: list[Location] = []
    for slug, places in ORGANISATION.items():
        for name, desks, evening, serves in places:
            location = Location.objects.create(
                municipality=towns[slug],
                name=name,
                street="Markt 1",
                postcode="1234 AB",
                city=towns[slug].name,
                slot_minutes=10,
            )
            if serves:
                location.serves.add(towns[serves])
            for weekday in range(5):
                OpeningHours.objects.create(
                    location=location, weekday=weekday, opens=clock(9), closes=clock(12, 30)
                )
                OpeningHours.objects.create(
                    location=location, weekday=weekday, opens=clock(13, 30), closes=clock(17)
                )
            if evening:
                OpeningHours.objects.create(
                    location=location, weekday=3, opens=clock(18), closes=clock(20)
                )
            for number in range(1, desks + 1):
                desk = Desk.objects.create(location=location, name=f"Balie {number}")
                desk.products.set(products.values())
            locations.append(location)

    persons: dict[int, list[int]] = {}
    for town in towns.values():
        Person.objects.bulk_create(
            (
                Person(
                    municipality=town,
                    surname=f"Inwoner {n}",
                    first_name="Sam",
                    email=f"{town.slug}-{n}@example.org",
                )
                for n in range(20_000)
            ),
            batch_size=5000,
        )
        persons[town.pk] = list(
            Person.objects.filter(municipality=town).values_list("pk", flat=True)
        )

    now = timezone.now()
    today = local_date(now)
    first_day, last_day = today - timedelta(days=PAST_DAYS), today + timedelta(days=42)
    lengths = {"paspoort": 20, "identiteitskaart": 20, "rijbewijs": 10, "uittreksel-brp": 10}
    slugs = list(lengths)
    channels = [Channel.WEB] * 7 + [Channel.PHONE] * 2 + [Channel.COUNTER]
    appointments: list[Appointment] = []
    lines: list[tuple[int, str]] = []  # (index in appointments, product slug)
    tickets: list[tuple[int, int]] = []  # (index, number that day)
    total = 0

    def fill(day: date) -> float:
        ahead = (day - today).days
        if ahead < 0:
            return 0.93
        if ahead <= 7:
            return 0.6
        if ahead <= 21:
            return 0.35
        return 0.12

    def flush() -> None:
        nonlocal appointments, lines, tickets, total
        Appointment.objects.bulk_create(appointments, batch_size=5000)
        AppointmentLine.objects.bulk_create(
            (
                AppointmentLine(appointment=appointments[i], product=products[slug], persons=1)
                for i, slug in lines
            ),
            batch_size=5000,
        )
        Ticket.objects.bulk_create(
            (
                Ticket(
                    municipality_id=appointments[i].municipality_id,
                    location_id=appointments[i].location_id,
                    day=local_date(appointments[i].starts_at),
                    number=number,
                    code=f"A{number:03d}",
                    appointment=appointments[i],
                    status=Ticket.Status.DONE,
                    desk_id=appointments[i].desk_id,
                    checked_in_at=appointments[i].starts_at - timedelta(minutes=rng.randint(0, 12)),
                    called_at=appointments[i].starts_at + timedelta(minutes=rng.randint(-3, 15)),
                    finished_at=appointments[i].ends_at,
                )
                for i, number in tickets
            ),
            batch_size=5000,
        )
        total += len(appointments)
        appointments, lines, tickets = [], [], []

    for location in locations:
        plan = Plan.load(location)
        served = [location.municipality_id] + [town.pk for town in location.serves.all()]
        day = first_day
        while day <= last_day:
            intervals = plan.intervals(day)
            numbers = 0
            chance = fill(day)
            for desk_id, _products in plan.desks:
                for opens, closes in intervals:
                    moment = opens
                    while moment + timedelta(minutes=10) <= closes:
                        if rng.random() >= chance:
                            moment += timedelta(minutes=10)
                            continue
                        slug = rng.choice(slugs)
                        ends = moment + timedelta(minutes=lengths[slug])
                        if ends > closes:
                            break
                        town = rng.choice(served)
                        passed = ends <= now
                        draw = rng.random()
                        if draw < 0.05:
                            status = Appointment.Status.CANCELLED
                        elif passed and draw < 0.11:
                            status = Appointment.Status.NO_SHOW
                        elif passed:
                            status = Appointment.Status.DONE
                        else:
                            status = Appointment.Status.BOOKED
                        created = min(moment - timedelta(days=rng.randint(1, 30)), now)
                        appointments.append(
                            Appointment(
                                municipality_id=town,
                                reference=f"B{total + len(appointments):09d}",
                                location_id=location.pk,
                                desk_id=desk_id,
                                starts_at=moment,
                                ends_at=ends,
                                status=status,
                                channel=rng.choice(channels),
                                person_id=rng.choice(persons[town]),
                                created_at=created,
                                cancelled_at=created if status == "cancelled" else None,
                            )
                        )
                        index = len(appointments) - 1
                        lines.append((index, slug))
                        if status == Appointment.Status.DONE and rng.random() < 0.4:
                            numbers += 1
                            tickets.append((index, numbers))
                        moment = ends
            day += timedelta(days=1)
            if len(appointments) > 20_000:
                flush()
    flush()
    report = {
        "municipalities": len(towns),
        "locations": len(locations),
        "desks": Desk.objects.count(),
        "appointments": Appointment.objects.count(),
        "appointments_coming": Appointment.objects.filter(status=Appointment.Status.BOOKED).count(),
        "tickets": Ticket.objects.count(),
        "persons": Person.objects.count(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(f"generated {report}")
    return report


def display_tickets(rng: random.Random) -> str:
    """Today's tickets at the busiest location: 60 served, 6 called or being served, 4 waiting
    (added to whatever today's appointments brought). Returns the location's uuid."""
    from django.db.models import Max
    from django.utils import timezone

    from loket.appointments.models import Location, Ticket
    from loket.lib.calendar import local_date

    now = timezone.now()
    location = Location.objects.get(name="A Stadhuis")
    desks = list(location.desks.values_list("pk", flat=True))
    today = local_date(now)
    number = Ticket.objects.filter(location=location, day=today).aggregate(n=Max("number"))["n"]
    number = number or 0
    rows = []
    for n in range(70):
        number += 1
        if n < 60:
            state = Ticket.Status.DONE
        elif n < 63:
            state = Ticket.Status.CALLED
        elif n < 66:
            state = Ticket.Status.SERVING
        else:
            state = Ticket.Status.WAITING
        checked = now - timedelta(minutes=140 - 2 * n)
        called = checked + timedelta(minutes=rng.randint(1, 9)) if state != "waiting" else None
        rows.append(
            Ticket(
                municipality=location.municipality,
                location=location,
                day=today,
                number=number,
                code=f"W{number:03d}",
                status=state,
                desk_id=rng.choice(desks) if called else None,
                checked_in_at=checked,
                called_at=called,
            )
        )
    Ticket.objects.bulk_create(rows)
    return str(location.uuid)


# --- (b) booking, in worker processes ------------------------------------------------------------


def book_worker(number: int, slots: list[tuple[str, str, str]], start: Any, results: Any) -> None:
    from django.db import connections

    connections.close_all()  # never the parent's connection: this process opens its own
    from datetime import datetime as moment

    from loket.appointments.errors import AppointmentRefused, SlotTaken
    from loket.appointments.models import Location
    from loket.appointments.services import Resident, appointment_book
    from loket.catalogue.models import Product
    from loket.tenancy.models import Municipality

    passport = Product.objects.get(slug="paspoort")
    towns = {m.slug: m for m in Municipality.objects.filter(slug__in=ORGANISATION)}
    places = {str(p.uuid): p for p in Location.objects.all()}
    counts = {"booked": 0, "slot_taken": 0, "refused": 0, "errors": 0}
    samples: list[float] = []
    start.wait()
    for index, (town, place, when) in enumerate(slots):
        began = time.perf_counter()
        try:
            appointment_book(
                municipality=towns[town],
                lines=[(passport, 1)],
                location=places[place],
                starts_at=moment.fromisoformat(when),
                resident=Resident(
                    surname=f"Boeker {number}-{index}",
                    email=f"boeker-{number}-{index}@example.org",
                ),
            )
            counts["booked"] += 1
        except SlotTaken:
            counts["slot_taken"] += 1
        except AppointmentRefused:
            counts["refused"] += 1
        except Exception as error:  # counted, and the first few shown
            counts["errors"] += 1
            if counts["errors"] <= 3:
                print(f"client {number}: {type(error).__name__}: {error}", flush=True)
        samples.append((time.perf_counter() - began) * 1000)
    connections.close_all()
    results.put((counts, samples))


def booking_throughput(rng: random.Random) -> dict[str, Any]:
    from django.db import connections

    from loket.appointments.availability import Need, free_slots
    from loket.catalogue.models import Product
    from loket.tenancy.models import Municipality

    passport = Product.objects.get(slug="paspoort")
    need = Need(((passport, 1),))
    pool: list[tuple[str, str, str, int]] = []
    for town in Municipality.objects.filter(slug__in=ORGANISATION):
        # From the second week on: times spread over every location and day, one per start.
        begin = datetime.now().astimezone() + timedelta(days=7)
        for slot in free_slots(municipality=town, need=need, days=30, start=begin):
            pool.append((town.slug, str(slot.location.uuid), slot.starts_at.isoformat(), slot.free))
    rng.shuffle(pool)
    contested = [item[:3] for item in pool if item[3] == 1][:CONTESTED]
    chosen = {item[:3] for item in contested}
    spread = [item[:3] for item in pool if item[:3] not in chosen][: CLIENTS * BOOKINGS]
    plans = [spread[n::CLIENTS] + contested for n in range(CLIENTS)]
    for plan in plans:
        rng.shuffle(plan)
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start = context.Event()
    results = context.Queue()
    workers = [
        context.Process(target=book_worker, args=(n, plans[n], start, results))
        for n in range(CLIENTS)
    ]
    for worker in workers:
        worker.start()
    time.sleep(2)  # every client connected and waiting
    began = time.perf_counter()
    start.set()
    outcomes = [results.get(timeout=600) for _ in workers]
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join(30)
    counts = {key: sum(c[key] for c, _s in outcomes) for key in outcomes[0][0]}
    samples = [sample for _c, s in outcomes for sample in s]
    attempts = sum(counts.values())
    return {
        "clients": CLIENTS,
        "attempts": attempts,
        **counts,
        "contested_places": len(contested),
        "seconds": round(elapsed, 2),
        "bookings_per_second": round(counts["booked"] / elapsed, 1),
        "attempts_per_second": round(attempts / elapsed, 1),
        "latency": percentiles(samples),
    }


# --- main ----------------------------------------------------------------------------------------


def main() -> None:
    if not URL.startswith("postgres"):
        sys.exit("bench/appointments.py runs on PostgreSQL only (BENCH_DATABASE_URL)")
    recreate(URL)
    django_setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    rng = random.Random(14)
    figures: dict[str, Any] = {"targets": TARGETS, "data": generate(rng)}
    if figures["data"]["appointments"] < MINIMUM:
        print(f"warning: fewer than {MINIMUM} appointments generated")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    uuid = display_tickets(rng)

    from loket.appointments.availability import Need, free_slots, serving_locations
    from loket.appointments.counter import display_state
    from loket.appointments.models import Location
    from loket.catalogue.models import Product
    from loket.tenancy.models import Municipality

    # (a) availability
    town = Municipality.objects.get(slug="bench-a")
    need = Need(((Product.objects.get(slug="paspoort"), 1),))
    found = len(free_slots(municipality=town, need=need, days=28))
    direct = percentiles(timed(lambda: free_slots(municipality=town, need=need, days=28), CALLS))
    client = Client()
    query = {"municipality": "bench-a", "products": "paspoort:1", "days": "28"}

    def api_call() -> None:
        response = client.get("/api/v1/appointments/availability", query)
        assert response.status_code == 200, response.content[:300]

    api = percentiles(timed(api_call, CALLS))
    figures["availability"] = {"free_slots": direct, "api": api, "slots_found": found}
    served = len(serving_locations(town))
    print(
        f"(a) availability, 1 passport, 28 days, the {served} locations serving bench-a"
        f" ({found} free times): free_slots p50 {direct['p50_ms']} ms, p95 {direct['p95_ms']}"
        f" ms; API p50 {api['p50_ms']} ms, p95 {api['p95_ms']} ms"
        f" (target p95 < {TARGETS['availability_p95_ms']} ms)"
    )

    # (c) the waiting-room screen (before (b), whose bookings do not touch it)
    place = Location.objects.get(uuid=uuid)
    state = percentiles(timed(lambda: display_state(place), CALLS))

    def page() -> None:
        response = client.get(f"/werkplek/scherm/{uuid}")
        assert response.status_code == 200, response.status_code

    screen = percentiles(timed(page, CALLS))
    figures["display"] = {"display_state": state, "page": screen}
    print(
        f"(c) waiting-room screen: display_state p50 {state['p50_ms']} ms, p95 {state['p95_ms']}"
        f" ms; page p50 {screen['p50_ms']} ms, p95 {screen['p95_ms']} ms"
        f" (target p95 < {TARGETS['display_p95_ms']} ms)"
    )

    # (b) booking
    booking = booking_throughput(rng)
    figures["booking"] = booking
    print(
        f"(b) booking, {CLIENTS} clients: {booking['booked']} booked,"
        f" {booking['slot_taken']} SlotTaken, {booking['refused']} other refusals,"
        f" {booking['errors']} errors in {booking['seconds']} s ="
        f" {booking['bookings_per_second']} bookings/s"
        f" ({booking['attempts_per_second']} attempts/s; per call p50"
        f" {booking['latency']['p50_ms']} ms, p95 {booking['latency']['p95_ms']} ms)"
        f" (target >= {TARGETS['bookings_per_second']}/s)"
    )

    figures["met"] = {
        "availability": api["p95_ms"] < TARGETS["availability_p95_ms"]
        and direct["p95_ms"] < TARGETS["availability_p95_ms"],
        "booking": booking["bookings_per_second"] >= TARGETS["bookings_per_second"]
        and booking["errors"] == 0,
        "display": screen["p95_ms"] < TARGETS["display_p95_ms"],
    }
    figures["measured_at"] = datetime.now().astimezone().isoformat(timespec="seconds")
    # Wall-clock figures depend on what else runs: the machine's load is kept with them.
    figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    figures["cpus"] = os.cpu_count()
    out = ROOT / "bench" / "results" / "appointments.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"targets met: {figures['met']}; written to {out.relative_to(ROOT)}")
    from django.db import connections

    connections.close_all()
    if os.environ.get("BENCH_KEEP") != "1":
        recreate(URL, drop_only=True)


if __name__ == "__main__":
    main()
