"""A synthetic shared service organisation at full scale, for benchmarks (issue: scale).

Seed 002 describes about 290,000 residents in four municipalities, with in the order of 700,000
contacts and 200,000 cases a year. ``generate`` writes such a dataset: persons and
organisations, cases with their status histories, suspensions, extensions, overdue cases and
document metadata, and contacts with a channel mix per product. It is deterministic for a seed.
Public-space reports are left out of the cases (each needs its report row, place and category;
bench/reports.py generates 500,000 of them).

Rows are written with PostgreSQL's COPY (``executemany`` on other databases), with explicit
ids, after which the id sequences are moved past them.
"""

from __future__ import annotations

import random
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from loket.accounts.models import Role, User
from loket.catalogue.models import Product
from loket.catalogue.services import catalogue_load
from loket.demo.people import FIRST_NAMES, STREETS, SURNAMES, split_surname
from loket.lib.calendar import AMSTERDAM, add_term
from loket.organisation.models import Team
from loket.reports.services import REPORT_PRODUCT
from loket.tenancy.models import Municipality, Package, ServiceOrganisation

CASES_PER_RESIDENT_YEAR = 0.69  # 200,000 cases a year for 290,000 residents
CONTACTS_PER_CASE = 3.0  # one at intake, the rest questions and follow-ups
CHANNEL_MIX = {"telefoon": 40, "web": 30, "balie": 15, "e-mail": 10, "chat": 3, "brief": 2}
BENCH_PASSWORD = "bench-password"  # noqa: S105 - synthetic data only


def _progress(label: str, done: int, total: int, started: float) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    rate = done / max(time.perf_counter() - started, 1e-6)
    sys.stderr.write(
        f"\r{label:14} [{'#' * filled}{'.' * (width - filled)}] {done:>10,}/{total:,}"
        f"  {rate:,.0f}/s"
    )
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


class Writer:
    """Writes rows of one table quickly: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, table: str, columns: list[str]) -> None:
        self.table, self.columns = table, columns
        self.count = 0

    def write(self, rows: Iterator[tuple[Any, ...]]) -> int:
        cols = ", ".join(self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        self.count += 1
            else:
                rows = (tuple(_plain(value) for value in row) for row in rows)
                marks = ", ".join(["%s"] * len(self.columns))
                sql = f"INSERT INTO {self.table} ({cols}) VALUES ({marks})"  # noqa: S608
                chunk: list[tuple[Any, ...]] = []
                for row in rows:
                    chunk.append(row)
                    if len(chunk) == 5000:
                        cursor.executemany(sql, chunk)
                        self.count += len(chunk)
                        chunk = []
                if chunk:
                    cursor.executemany(sql, chunk)
                    self.count += len(chunk)
        return self.count


def _plain(value: Any) -> Any:
    """Values as Django stores them on databases without native types (SQLite)."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
        return int(cursor.fetchone()[0])


def _move_sequence(table: str) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
            f" (SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


def _bsn(number: int) -> str:
    """The ``number``-th valid BSN from 100000000 up (11-test), deterministic and unique."""
    while True:
        head = f"{100000000 // 10 + number:08d}"
        total = sum(int(d) * w for d, w in zip(head, range(9, 1, -1), strict=True))
        check = total % 11
        if check < 10:
            return head + str(check)
        number += 10**7  # skip into another range; still unique for our sizes


@dataclass
class ProductPlan:
    product_id: int
    slug: str
    case_type_id: int
    steps: list[int]
    informs: list[bool]
    results: list[int]
    withdrawn: int | None
    norm: Any
    extension: Any
    allows_suspension: bool
    allows_extension: bool
    team_id: int | None
    partner_id: int | None
    name: str
    weight: int
    channels: list[str]
    legal_term: Any = None
    due_cache: dict[date, datetime] = field(default_factory=dict)
    legal_cache: dict[date, datetime] = field(default_factory=dict)

    def due(self, started: datetime) -> datetime:
        day = started.astimezone(AMSTERDAM).date()
        cached = self.due_cache.get(day)
        if cached is None:
            cached = self.due_cache[day] = add_term(started, self.norm)
        return cached

    def legal(self, started: datetime) -> datetime | None:
        """The statutory term from the same day (suspensions are added by the caller)."""
        if self.legal_term is None:
            return None
        day = started.astimezone(AMSTERDAM).date()
        cached = self.legal_cache.get(day)
        if cached is None:
            cached = self.legal_cache[day] = add_term(started, self.legal_term)
        return cached


def _plans(weights: dict[str, int]) -> list[ProductPlan]:
    plans = []
    for product in Product.objects.filter(is_active=True, creates_case=True).select_related(
        "case_type"
    ):
        case_type = product.case_type
        if case_type is None:
            continue
        steps = case_type.ordered_steps
        results = list(case_type.results.order_by("pk"))
        plans.append(
            ProductPlan(
                product_id=product.pk,
                slug=product.slug,
                case_type_id=case_type.pk,
                steps=[s.pk for s in steps],
                informs=[s.informs_resident for s in steps],
                results=[r.pk for r in results if r.code != "ingetrokken"] or [results[0].pk],
                withdrawn=next((r.pk for r in results if r.code == "ingetrokken"), None),
                norm=product.term,
                extension=product.extension,
                allows_suspension=case_type.allows_suspension,
                allows_extension=case_type.allows_extension and product.extension is not None,
                team_id=product.team_id,
                partner_id=product.partner_id,
                name=product.name_nl,
                weight=weights.get(product.slug, 1),
                channels=[c for c in product.channels if c in CHANNEL_MIX] or ["web"],
                legal_term=product.statutory.term if product.statutory else None,
            )
        )
    return plans


@dataclass
class Report:
    municipalities: int = 0
    persons: int = 0
    organisations: int = 0
    cases: int = 0
    statuses: int = 0
    events: int = 0
    documents: int = 0
    contacts: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        return (
            f"{self.municipalities} municipalities, {self.persons:,} persons,"
            f" {self.organisations:,} organisations, {self.cases:,} cases,"
            f" {self.statuses:,} statuses, {self.events:,} events, {self.documents:,} documents,"
            f" {self.contacts:,} contacts in {self.seconds:.0f} s"
        )


def generate(
    *,
    municipalities: int = 4,
    residents: int = 290_000,
    years: int = 5,
    seed: int = 1,
    now: datetime | None = None,
    progress: Callable[[str, int, int, float], None] | None = _progress,
) -> Report:
    """Write the dataset. Idempotent per seed: an existing synthetic organisation is refused."""
    from loket.demo.demo_data import WEIGHTS

    started = time.perf_counter()
    report = Report()
    rng = random.Random(seed)
    now = now or timezone.now()
    catalogue_load()
    slug = f"synthetisch-{seed}"
    if ServiceOrganisation.objects.filter(slug=slug).exists():
        raise ValueError(f"dataset {slug} already exists; use another --seed or a fresh database")
    organisation = ServiceOrganisation.objects.create(slug=slug, name=f"Synthetisch {seed}")
    additional = list(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    towns = []
    for index in range(municipalities):
        town = Municipality.objects.create(
            slug=f"gemeente-{seed}-{index + 1}",
            name=f"Gemeente {index + 1}",
            service_organisation=organisation,
        )
        town.additional_packages.set(additional)
        towns.append(town)
    report.municipalities = len(towns)
    _staff(towns, seed)
    plans = _plans(WEIGHTS)
    weights = [p.weight for p in plans]
    # A public-space report is a case with its report (place, category, followers), which this
    # generator does not make: reports at scale are bench/reports.py's. Questions about them
    # stay among the contacts.
    case_plans = [p for p in plans if p.slug != REPORT_PRODUCT]
    case_weights = [p.weight for p in case_plans]
    per_town = residents // municipalities
    begin = now - timedelta(days=365 * years)
    person_id = _next_id("contacts_person")
    org_id = _next_id("contacts_organisation")
    case_id = _next_id("cases_case")
    status_id = _next_id("cases_casestatus")
    event_id = _next_id("cases_caseevent")
    document_id = _next_id("cases_casedocument")
    contact_id = _next_id("contacts_contact")
    total_cases = int(residents * CASES_PER_RESIDENT_YEAR * years)
    with transaction.atomic():
        for number, town in enumerate(towns):
            persons = list(range(person_id, person_id + per_town))
            report.persons += Writer(
                "contacts_person",
                [
                    "id",
                    "municipality_id",
                    "uuid",
                    "bsn",
                    "initials",
                    "first_name",
                    "surname_prefix",
                    "surname",
                    "birth_date",
                    "street",
                    "house_number",
                    "postcode",
                    "city",
                    "email",
                    "phone",
                    "preferred_channel",
                    "language",
                    "created_at",
                ],
            ).write(_persons(rng, town, persons, number, now))
            person_id += per_town
            organisations = list(range(org_id, org_id + per_town // 20))
            report.organisations += Writer(
                "contacts_organisation",
                [
                    "id",
                    "municipality_id",
                    "uuid",
                    "kvk_number",
                    "name",
                    "street",
                    "house_number",
                    "postcode",
                    "city",
                    "email",
                    "phone",
                    "created_at",
                ],
            ).write(
                (
                    oid,
                    town.pk,
                    uuid.UUID(int=rng.getrandbits(128)),
                    f"{60000000 + oid:08d}",
                    f"Onderneming {oid}",
                    rng.choice(STREETS),
                    str(rng.randint(1, 200)),
                    f"{3000 + number * 100 + oid % 90} AB",
                    town.name,
                    f"info{oid}@example.org",
                    "",
                    now,
                )
                for oid in organisations
            )
            org_id += len(organisations)
            cases: list[tuple[Any, ...]] = []
            statuses: list[tuple[Any, ...]] = []
            events: list[tuple[Any, ...]] = []
            documents: list[tuple[Any, ...]] = []
            contacts: list[tuple[Any, ...]] = []
            count = total_cases // municipalities
            starts = sorted(
                begin + timedelta(seconds=rng.random() * (now - begin).total_seconds())
                for _ in range(count)
            )
            sequence: dict[int, int] = {}
            clock = time.perf_counter()
            for index, start in enumerate(starts):
                plan = rng.choices(case_plans, case_weights)[0]
                year = start.astimezone(AMSTERDAM).year
                sequence[year] = sequence.get(year, 0) + 1
                person = rng.choice(persons) if rng.random() < 0.93 else None
                org = rng.choice(organisations) if person is None and organisations else None
                row, case_statuses, case_events, next_status, next_event = _case(
                    rng,
                    plan,
                    town,
                    case_id,
                    start,
                    now,
                    person,
                    org,
                    f"ZAAK-{year}-{sequence[year]:07d}",
                    status_id,
                    event_id,
                )
                status_id, event_id = next_status, next_event
                cases.append(row)
                statuses += case_statuses
                events += case_events
                if rng.random() < 0.3:
                    documents.append(
                        (
                            document_id,
                            uuid.UUID(int=rng.getrandbits(128)),
                            case_id,
                            f"cases/synthetic/{document_id}.pdf",
                            f"bijlage-{document_id}.pdf",
                            "application/pdf",
                            rng.randint(20_000, 2_000_000),
                            start,
                            None,
                            True,
                            True,
                        )
                    )
                    document_id += 1
                channel = rng.choice(plan.channels)
                contacts.append(
                    _contact(
                        rng,
                        contact_id,
                        town.pk,
                        start,
                        channel,
                        f"Aanvraag {plan.name}",
                        person,
                        org,
                        plan.product_id,
                        case_id,
                        "case_created",
                    )
                )
                contact_id += 1
                case_id += 1
                if progress and (index % 20000 == 0 or index == count - 1):
                    progress(f"cases {town.slug[-1]}", index + 1, count, clock)
            report.cases += Writer("cases_case", CASE_COLUMNS).write(iter(cases))
            report.statuses += Writer(
                "cases_casestatus", ["id", "case_id", "step_id", "set_at", "set_by_id", "note"]
            ).write(iter(statuses))
            report.events += Writer(
                "cases_caseevent",
                [
                    "id",
                    "case_id",
                    "kind",
                    "at",
                    "actor_id",
                    "reason",
                    "due_before",
                    "due_after",
                    "detail",
                    "basis",
                ],
            ).write((*event, "") for event in events)
            report.documents += Writer(
                "cases_casedocument",
                [
                    "id",
                    "uuid",
                    "case_id",
                    "file",
                    "name",
                    "content_type",
                    "size",
                    "uploaded_at",
                    "uploaded_by_id",
                    "from_applicant",
                    "shared_with_applicant",
                ],
            ).write(iter(documents))
            extra = int(count * (CONTACTS_PER_CASE - 1))
            clock = time.perf_counter()

            report.contacts += Writer("contacts_contact", CONTACT_COLUMNS).write(iter(contacts))
            report.contacts += Writer("contacts_contact", CONTACT_COLUMNS).write(
                _more_contacts(
                    rng, contact_id, town, extra, plans, weights, begin, now, persons, progress
                )
            )
            contact_id += extra
            with connection.cursor() as cursor:
                for year, last in sequence.items():
                    cursor.execute(
                        "INSERT INTO cases_casesequence (municipality_id, year, last_number)"
                        " VALUES (%s, %s, %s)",
                        [town.pk, year, last],
                    )
        for table in (
            "contacts_person",
            "contacts_organisation",
            "cases_case",
            "cases_casestatus",
            "cases_caseevent",
            "cases_casedocument",
            "contacts_contact",
        ):
            _move_sequence(table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    report.seconds = time.perf_counter() - started
    return report


CASE_COLUMNS = [
    "id",
    "municipality_id",
    "uuid",
    "identification",
    "product_id",
    "case_type_id",
    "subject",
    "description",
    "initiator_person_id",
    "initiator_organisation_id",
    "channel",
    "confidentiality",
    "started_at",
    "received_on",
    "due_at",
    "norm_due_at",
    "legal_due_at",
    "at_risk_at",
    "closed_at",
    "suspended_at",
    "extended_at",
    "awaiting_until",
    "submission_key",
    "form_data",
    "custom_handling",
    "custom_handling_reason",
    "status_id",
    "result_id",
    "team_id",
    "partner_id",
    "assignee_id",
    "version",
    "created_at",
    "updated_at",
    "service_norm",  # the product's norm (a report's category sets its own)
]
CONTACT_COLUMNS = [
    "id",
    "municipality_id",
    "uuid",
    "occurred_at",
    "channel",
    "direction",
    "subject",
    "text",
    "person_id",
    "organisation_id",
    "product_id",
    "case_id",
    "outcome",
    "resolved_on_first_contact",
    "contact_person_id",
    "article_id",
    "handed_to_user_id",
    "handed_to_team_id",
    "handed_to_partner_id",
    "registered_by_id",
]


def _more_contacts(
    rng: random.Random,
    first_id: int,
    town: Municipality,
    extra: int,
    plans: list[ProductPlan],
    weights: list[int],
    begin: datetime,
    now: datetime,
    persons: list[int],
    progress: Callable[[str, int, int, float], None] | None,
) -> Iterator[tuple[Any, ...]]:
    """Questions answered or handed over without a case: the bulk of a KCC's contacts."""
    clock = time.perf_counter()
    span = (now - begin).total_seconds()
    channels, mix = list(CHANNEL_MIX), list(CHANNEL_MIX.values())
    for index in range(extra):
        plan = rng.choices(plans, weights)[0]
        moment = begin + timedelta(seconds=rng.random() * span)
        channel = rng.choices(channels, mix)[0]
        person = rng.choice(persons) if rng.random() < 0.8 else None
        outcome = "answered" if rng.random() < 0.85 else "handed_over"
        yield _contact(
            rng,
            first_id + index,
            town.pk,
            moment,
            channel,
            f"Vraag over {plan.name.lower()}",
            person,
            None,
            plan.product_id,
            None,
            outcome,
        )
        if progress and (index % 50000 == 0 or index == extra - 1):
            progress(f"contacts {town.slug[-1]}", index + 1, extra, clock)


def _persons(
    rng: random.Random, town: Municipality, ids: list[int], number: int, now: datetime
) -> Iterator[tuple[Any, ...]]:
    for pid in ids:
        first = rng.choice(FIRST_NAMES)
        prefix, surname = split_surname(rng.choice(SURNAMES))
        yield (
            pid,
            town.pk,
            uuid.UUID(int=rng.getrandbits(128)),
            _bsn(pid),
            f"{first[0]}.",
            first,
            prefix,
            surname,
            date(1930, 1, 1) + timedelta(days=rng.randint(0, 32000)),
            rng.choice(STREETS),
            str(rng.randint(1, 250)),
            f"{3000 + number * 100 + pid % 90} {chr(65 + pid % 26)}{chr(65 + (pid // 26) % 26)}",
            town.name,
            f"inwoner{pid}@example.org" if rng.random() < 0.85 else "",
            f"+316{rng.randint(1, 5)}{rng.randint(1000000, 9999999)}" if rng.random() < 0.8 else "",
            "e-mail",
            "nl" if rng.random() < 0.95 else "en",
            now,
        )


def _contact(
    rng: random.Random,
    cid: int,
    town_id: int,
    at: datetime,
    channel: str,
    subject: str,
    person: int | None,
    org: int | None,
    product: int | None,
    case: int | None,
    outcome: str,
) -> tuple[Any, ...]:
    return (
        cid,
        town_id,
        uuid.UUID(int=rng.getrandbits(128)),
        at,
        channel,
        "in",
        subject,
        "",
        person,
        org,
        product,
        case,
        outcome,
        outcome == "answered",
        None,
        None,
        None,
        None,
        None,
        None,
    )


def _case(
    rng: random.Random,
    plan: ProductPlan,
    town: Municipality,
    cid: int,
    start: datetime,
    now: datetime,
    person: int | None,
    org: int | None,
    identification: str,
    status_id: int,
    event_id: int,
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]], int, int]:
    due = norm = plan.due(start)
    legal = plan.legal(start)
    events: list[tuple[Any, ...]] = []
    extended_at = None
    if plan.allows_extension and rng.random() < 0.03:
        extended_at = start + (due - start) * 0.7
        new_due = add_term(due, plan.extension)
        events.append(
            (
                event_id,
                cid,
                "extended",
                extended_at,
                None,
                "Advies nodig",
                due,
                new_due,
                str(plan.extension),
            )
        )
        event_id += 1
        due = new_due
        legal = max(legal, new_due) if legal else None
    suspended_at = awaiting = None
    if plan.allows_suspension and rng.random() < 0.08:
        asked = start + (due - start) * 0.3
        if asked < now:
            events.append(
                (
                    event_id,
                    cid,
                    "suspended",
                    asked,
                    None,
                    "Stuur ons het ontbrekende document.",
                    due,
                    None,
                    "",
                )
            )
            event_id += 1
            back = asked + timedelta(days=rng.randint(2, 12))
            if back < now:
                new_due = due + (back - asked)
                events.append((event_id, cid, "resumed", back, None, "", due, new_due, ""))
                event_id += 1
                due = new_due
                norm += back - asked
                legal = legal + (back - asked) if legal else None
            else:
                suspended_at = asked
                awaiting = (asked + timedelta(days=14)).date()
    at_risk = start + (due - start) * 0.8
    closes = start + (due - start) * rng.uniform(0.3, 1.15)
    open_case = closes > now or (rng.random() < 0.004 and due < now)
    if suspended_at is not None:
        open_case = True
    steps = plan.steps
    if open_case:
        reached = rng.randint(1, max(1, len(steps) - 1))
        result = None
        closed_at = None
    else:
        reached = len(steps)
        result = (
            plan.withdrawn if plan.withdrawn and rng.random() < 0.03 else rng.choice(plan.results)
        )
        closed_at = closes
    statuses = []
    end = closed_at or min(now, due)
    for index in range(reached):
        at = start + (end - start) * (index / max(reached - 1, 1)) if index else start
        statuses.append((status_id, cid, steps[index], at, None, ""))
        status_id += 1
    row = (
        cid,
        town.pk,
        uuid.UUID(int=rng.getrandbits(128)),
        identification,
        plan.product_id,
        plan.case_type_id,
        plan.name,
        "",
        person,
        org,
        rng.choice(plan.channels),
        "zaakvertrouwelijk",
        start,
        start.astimezone(AMSTERDAM).date(),
        due,
        norm,
        legal,
        at_risk,
        closed_at,
        suspended_at,
        extended_at,
        awaiting,
        "",
        "{}",
        False,
        "",
        steps[reached - 1],
        result,
        plan.team_id,
        plan.partner_id,
        None,
        1 + reached,
        start,
        closed_at or start,
        "",
    )
    return row, statuses, events, status_id, event_id


def _staff(towns: list[Municipality], seed: int) -> None:
    """A case worker per team and a front-office agent, for the load test (password
    ``BENCH_PASSWORD``)."""
    for team in Team.objects.all():
        user, created = User.objects.get_or_create(
            username=f"bench-{seed}-{team.slug}",
            defaults={"role": Role.CASE_WORKER, "first_name": team.name},
        )
        if created:
            user.set_password(BENCH_PASSWORD)
            user.save()
        user.municipalities.add(*towns)
        user.teams.add(team)
