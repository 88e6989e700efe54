"""The demo: a fictional shared service organisation with three municipalities, their staff,
residents, and twelve months of believable history (cases in every state, contacts on every
channel). Written with bulk inserts; loading it twice changes nothing."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from loket.accounts.models import Role, User
from loket.cases.deadlines import compute_terms
from loket.cases.models import Case, CaseSequence, CaseStatus, Confidentiality
from loket.catalogue.models import Channel, Product
from loket.catalogue.services import catalogue_load
from loket.contacts.models import Contact, ContactRequest
from loket.contacts.services import request_deadline
from loket.demo.appointments import create_demo_appointments
from loket.demo.faces import load_demo_faces
from loket.demo.knowledge import create_demo_articles
from loket.demo.people import (
    FIRST_NAMES,
    STREETS,
    SURNAMES,
    make_bsn,
    make_phone,
    split_surname,
)
from loket.demo.reports import create_demo_reports
from loket.history.models import ChangeRecord
from loket.knowledge.models import Article
from loket.lib.calendar import AMSTERDAM, local_date
from loket.organisation.models import Partner, Team
from loket.parties.models import ContactPerson, NotificationChannel, Organisation, Person
from loket.reports.services import REPORT_PRODUCT
from loket.tenancy.models import Municipality, Package, ServiceOrganisation

DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo accounts, only ever created by load_demo
ORGANISATION_SLUG = "lindenwaard"


@dataclass(frozen=True)
class DemoMunicipality:
    slug: str
    name: str
    cbs_code: str
    postcode_prefix: int
    residents: int
    additional: bool


MUNICIPALITIES = (
    DemoMunicipality("waterdal", "Waterdal", "9901", 3311, 320, additional=True),
    DemoMunicipality("beekveld", "Beekveld", "9902", 3350, 200, additional=True),
    # Seed 002: one member takes only the standard package.
    DemoMunicipality("lindeoord", "Lindeoord", "9903", 3370, 120, additional=False),
)

# (username, first name, last name, role, partner slug or None, team slugs, municipality slugs)
STAFF: tuple[tuple[str, str, str, Role, str | None, tuple[str, ...], tuple[str, ...]], ...] = (
    ("balie", "Bente", "Kaya", Role.FRONT_OFFICE, None, ("klantcontactcentrum",), ()),
    (
        "behandelaar",
        "Ruben",
        "de Wit",
        Role.CASE_WORKER,
        None,
        ("publiekszaken", "parkeren", "beheer-openbare-ruimte"),
        (),
    ),
    ("vergunningen", "Sanne", "Postma", Role.CASE_WORKER, None, ("vergunningen",), ()),
    ("teamleider", "Petra", "Hoekstra", Role.TEAM_LEAD, None, ("publiekszaken",), ()),
    ("waterdal", "Koen", "Maas", Role.CASE_WORKER, None, ("publiekszaken",), ("waterdal",)),
    ("sociaalteam", "Fatima", "El Amrani", Role.PARTNER_WORKER, "sociaal-team", (), ()),
    ("afval", "Gerrit", "Kramer", Role.PARTNER_WORKER, "afvalbedrijf", (), ()),
    ("beheerder", "Iris", "Verbeek", Role.ADMINISTRATOR, None, (), ()),
)

# How often residents ask for each product in a year, relative; unlisted products weigh 1.
# Public-space reports are not among them: each is a case with its report (place, category,
# followers), made through the report services by ``loket.demo.reports``.
WEIGHTS = {
    "algemene-vraag": 30,
    "verhuizing": 25,
    "paspoort": 22,
    "identiteitskaart": 18,
    "rijbewijs": 16,
    "grofvuil": 16,
    "terugbelverzoek": 14,
    "afvalcontainer": 8,
    "uittreksel-brp": 8,
    "parkeervergunning": 8,
    "kwijtschelding": 5,
    "wmo-ondersteuning": 6,
    "omgevingsvergunning": 5,
    "kapvergunning": 4,
    "klacht": 4,
    "bezwaar": 3,
    "woz-bezwaar": 4,
    "geboorteaangifte": 4,
    "schuldhulp": 3,
    "bijstand": 3,
}
CASES_PER_RESIDENT = 3.5


def demo_is_loaded() -> bool:
    return ServiceOrganisation.objects.filter(slug=ORGANISATION_SLUG).exists()


@transaction.atomic
def load_demo(*, seed: int = 2026, now: datetime | None = None) -> dict[str, int]:
    """Load the demo once. Returns what was created (empty when it was already there)."""
    catalogue_load()
    if demo_is_loaded():
        load_demo_faces(ORGANISATION_SLUG)  # a demo loaded before municipalities had a face
        return {}
    rng = random.Random(seed)
    now = now or timezone.now()
    organisation = ServiceOrganisation.objects.create(
        slug=ORGANISATION_SLUG, name="Dienstverlening Lindenwaard"
    )
    additional = list(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    municipalities: list[tuple[DemoMunicipality, Municipality]] = []
    for spec in MUNICIPALITIES:
        municipality = Municipality.objects.create(
            slug=spec.slug,
            name=spec.name,
            cbs_code=spec.cbs_code,
            service_organisation=organisation,
        )
        if spec.additional:
            municipality.additional_packages.set(additional)
        municipalities.append((spec, municipality))

    load_demo_faces(ORGANISATION_SLUG)
    for index, (spec, municipality) in enumerate(municipalities):
        municipality.refresh_from_db()
        municipalities[index] = (spec, municipality)
    users = _create_staff([m for _, m in municipalities])
    counts = {"municipalities": len(municipalities), "staff": len(users)}
    counts["articles"] = create_demo_articles([m for _, m in municipalities], now.date())
    for spec, municipality in municipalities:
        persons = _create_residents(rng, spec, municipality)
        made = _create_history(rng, municipality, persons, users, now)
        made["organisations"] = _create_organisations(rng, spec, municipality)
        made["requests"] = _create_requests(rng, municipality, persons, now)
        made["messages"] = _create_portal_activity(rng, municipality)
        made["default_notices"] = _create_default_notices(municipality, users["behandelaar"])
        for key, value in {"residents": len(persons), **made}.items():
            counts[key] = counts.get(key, 0) + value
    counts.update(create_demo_appointments([m for _, m in municipalities], rng=rng, now=now))
    counts.update(create_demo_reports([m for _, m in municipalities], rng=rng, now=now))
    return counts


def _create_staff(municipalities: list[Municipality]) -> dict[str, User]:
    users: dict[str, User] = {}
    for username, first, last, role, partner_slug, team_slugs, only in STAFF:
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@lindenwaard.example",
            role=role,
            partner=Partner.objects.get(slug=partner_slug) if partner_slug else None,
            is_staff=role == Role.ADMINISTRATOR,
            is_superuser=role == Role.ADMINISTRATOR,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.municipalities.set([m for m in municipalities if not only or m.slug in only])
        user.teams.set(Team.objects.filter(slug__in=team_slugs))
        users[username] = user
    return users


def _create_residents(
    rng: random.Random, spec: DemoMunicipality, municipality: Municipality
) -> list[Person]:
    persons = []
    bsns: set[str] = set()
    for index in range(spec.residents):
        bsn = make_bsn(rng)
        while bsn in bsns:
            bsn = make_bsn(rng)
        bsns.add(bsn)
        first = rng.choice(FIRST_NAMES)
        prefix, surname = split_surname(rng.choice(SURNAMES))
        persons.append(
            Person(
                municipality=municipality,
                bsn=bsn,
                first_name=first,
                initials=f"{first[0]}.",
                surname_prefix=prefix,
                surname=surname,
                birth_date=(datetime(1940, 1, 1) + timedelta(days=rng.randint(0, 30000))).date(),
                street=rng.choice(STREETS),
                house_number=str(rng.randint(1, 180)),
                postcode=f"{spec.postcode_prefix + index % 9} "
                f"{chr(65 + rng.randint(0, 25))}{chr(65 + rng.randint(0, 25))}",
                city=spec.name,
                email=(
                    f"{first.lower()}.{surname.lower().replace(' ', '')}{index}@example.org"
                    if rng.random() < 0.85
                    else ""
                ),
                phone=make_phone(rng) if rng.random() < 0.8 else "",
                preferred_channel=rng.choice(
                    [NotificationChannel.EMAIL] * 3
                    + [NotificationChannel.SMS, NotificationChannel.LETTER]
                ),
                language="en" if rng.random() < 0.06 else "nl",
            )
        )
    return Person.objects.bulk_create(persons, batch_size=500)


def _office_moment(rng: random.Random, day: datetime) -> datetime:
    local = day.astimezone(AMSTERDAM).replace(
        hour=rng.randint(8, 16), minute=rng.randint(0, 59), second=0, microsecond=0
    )
    # Move weekend arrivals to Monday, as web forms sent at the weekend are handled then.
    while local.weekday() >= 5:
        local += timedelta(days=1)
    return local


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = max((end - start).total_seconds(), 60)
    return start + timedelta(seconds=rng.uniform(0.05, 1.0) * span)


def _create_history(
    rng: random.Random,
    municipality: Municipality,
    persons: list[Person],
    users: dict[str, User],
    now: datetime,
) -> dict[str, int]:
    products = list(
        Product.objects.offered_in(municipality)
        .filter(case_type__isnull=False)
        .exclude(slug=REPORT_PRODUCT)
        .select_related("case_type", "team", "partner")
    )
    weights = [WEIGHTS.get(p.slug, 1) for p in products]
    steps = {p.case_type_id: p.case_type.ordered_steps for p in products if p.case_type}
    results = {p.case_type_id: list(p.case_type.results.all()) for p in products if p.case_type}
    team_workers = [users["behandelaar"], users["vergunningen"], users["teamleider"]]
    if municipality.slug == "waterdal":
        team_workers.append(users["waterdal"])

    total = int(len(persons) * CASES_PER_RESIDENT)
    year_start = now - timedelta(days=365)
    cases: list[Case] = []
    pending_statuses: list[list[tuple[int, datetime, User | None]]] = []
    numbers: dict[int, int] = {}
    for _ in range(total):
        product = rng.choices(products, weights)[0]
        started = _office_moment(rng, _between(rng, year_start, now - timedelta(hours=2)))
        if started > now:
            started = now - timedelta(hours=1)
        case = Case(
            product=product,
            case_type=product.case_type,
            started_at=started,
            received_on=local_date(started),
        )
        compute_terms(case, events=[])  # the same rules as every case made by the services
        due = case.due_at
        case_steps = steps[product.case_type_id]
        person = rng.choice(persons) if rng.random() < 0.92 else None
        worker = rng.choice(team_workers) if product.team_id else None
        # Cases due in the past were closed, nearly all on time; a few recent ones are still
        # open and overdue, and very few old ones linger.
        closed_at: datetime | None = None
        linger = 0.12 if now - due < timedelta(days=45) else 0.003
        if due < now and rng.random() >= linger:
            late = rng.random() < 0.08
            closed_at = (
                _between(rng, due, min(now, due + timedelta(days=20)))
                if late
                else _between(rng, started, due)
            )
            reached = len(case_steps)
        elif due < now:
            reached = rng.randint(1, len(case_steps) - 1)
        else:
            progress = (now - started) / (due - started)
            reached = max(1, min(len(case_steps) - 1, 1 + int(progress * (len(case_steps) - 1))))
        end = closed_at or now
        moments = sorted(_between(rng, started, end) for _ in range(reached - 1))
        history = [(case_steps[0].pk, started, None)] + [
            (case_steps[i + 1].pk, moment, worker) for i, moment in enumerate(moments)
        ]
        if closed_at is not None:
            history[-1] = (history[-1][0], closed_at, worker)
        year = started.astimezone(AMSTERDAM).year
        numbers[year] = numbers.get(year, 0) + 1
        case.municipality = municipality
        case.identification = f"ZAAK-{year}-{numbers[year]:07d}"
        case.subject = product.name_nl
        case.description = ""
        case.initiator_person = person
        case.channel = rng.choice(product.channels)
        case.confidentiality = Confidentiality.CASE_SENSITIVE
        case.closed_at = closed_at
        case.status_id = history[-1][0]
        case.result = rng.choice(results[product.case_type_id]) if closed_at else None
        case.team = product.team
        case.partner = product.partner
        case.assignee = worker if (closed_at or rng.random() < 0.6) else None
        cases.append(case)
        pending_statuses.append(history)
    # Identifications by arrival order, as a real intake would have numbered them.
    order = sorted(range(len(cases)), key=lambda i: cases[i].started_at)
    counters: dict[int, int] = {}
    for i in order:
        year = cases[i].started_at.astimezone(AMSTERDAM).year
        counters[year] = counters.get(year, 0) + 1
        cases[i].identification = f"ZAAK-{year}-{counters[year]:07d}"
    Case.objects.bulk_create(cases, batch_size=500)
    for year, last in counters.items():
        CaseSequence.objects.update_or_create(
            municipality=municipality, year=year, defaults={"last_number": last}
        )
    statuses = [
        CaseStatus(case=case, step_id=step_id, set_at=moment, set_by=by)
        for case, history in zip(cases, pending_statuses, strict=True)
        for step_id, moment, by in history
    ]
    CaseStatus.objects.bulk_create(statuses, batch_size=1000)
    ChangeRecord.objects.bulk_create(
        [
            ChangeRecord(
                municipality=municipality,
                at=case.started_at,
                actor_label="systeem",
                action=ChangeRecord.Action.CREATE,
                object_type="cases.case",
                object_id=str(case.pk),
                object_repr=str(case)[:200],
            )
            for case in cases
        ],
        batch_size=1000,
    )
    contacts = _contacts(
        rng, municipality, cases, persons, products, weights, users, year_start, now
    )
    return {"cases": len(cases), "statuses": len(statuses), "contacts": len(contacts)}


def _contacts(
    rng: random.Random,
    municipality: Municipality,
    cases: list[Case],
    persons: list[Person],
    products: list[Product],
    weights: list[int],
    users: dict[str, User],
    year_start: datetime,
    now: datetime,
) -> list[Contact]:
    front_office = users["balie"]
    articles = {a.product_id: a for a in Article.objects.filter(municipality__isnull=True)}
    subjects = {
        "in": "Vraag over {product}",
        "status": "Vraag over de stand van zaken van {ref}",
    }
    contacts: list[Contact] = []
    for case in cases:
        contacts.append(
            Contact(
                municipality=municipality,
                occurred_at=case.started_at,
                channel=case.channel,
                subject=f"Aanvraag {case.product.name_nl.lower()}",
                person=case.initiator_person,
                product=case.product,
                case=case,
                outcome=Contact.Outcome.CASE_CREATED,
                handed_to_partner=case.partner,
                registered_by=front_office if case.channel in ("balie", "telefoon") else None,
            )
        )
        if rng.random() < 0.3:
            contacts.append(
                Contact(
                    municipality=municipality,
                    occurred_at=_between(rng, case.started_at, case.closed_at or now),
                    channel=rng.choice([Channel.PHONE, Channel.PHONE, Channel.EMAIL]),
                    subject=subjects["status"].format(ref=case.identification),
                    person=case.initiator_person,
                    product=case.product,
                    case=case,
                    outcome=Contact.Outcome.ANSWERED,
                    registered_by=front_office,
                )
            )
    # Questions answered on first contact, without a case.
    for _ in range(len(cases)):
        product = rng.choices(products, weights)[0]
        handed = rng.random() < 0.1 and product.partner_id is not None
        contacts.append(
            Contact(
                municipality=municipality,
                occurred_at=_office_moment(rng, _between(rng, year_start, now)),
                channel=rng.choice(
                    [Channel.PHONE] * 5 + [Channel.COUNTER] * 2 + [Channel.EMAIL, Channel.CHAT]
                ),
                subject=subjects["in"].format(product=product.name_nl.lower()),
                person=rng.choice(persons) if rng.random() < 0.7 else None,
                product=product,
                outcome=Contact.Outcome.HANDED_OVER if handed else Contact.Outcome.ANSWERED,
                resolved_on_first_contact=not handed and rng.random() < 0.85,
                article=articles.get(product.pk) if not handed else None,
                handed_to_partner=product.partner if handed else None,
                registered_by=front_office,
            )
        )
    contacts = [c for c in contacts if c.occurred_at <= now]
    return Contact.objects.bulk_create(contacts, batch_size=1000)


BUSINESSES = (
    ("Bakkerij De Korenschoof", "Anne Visser", "eigenaar"),
    ("Fietsenmaker Wiel & Co", "Jeroen Bakker", "eigenaar"),
    ("Café Het Wapen", "Mirjam de Boer", "bedrijfsleider"),
    ("Transportbedrijf Van Dijk", "Hans van Dijk", "directeur"),
    ("Stichting Buurtwerk", "Yasmina Amrani", "coördinator"),
    ("Kinderopvang Het Speelhuis", "Linda Smit", "locatiemanager"),
)


def _create_organisations(
    rng: random.Random, spec: DemoMunicipality, municipality: Municipality
) -> int:
    organisations = Organisation.objects.bulk_create(
        Organisation(
            municipality=municipality,
            kvk_number=f"{rng.randint(10000000, 99999999)}",
            name=name,
            street=rng.choice(STREETS),
            house_number=str(rng.randint(1, 90)),
            postcode=f"{spec.postcode_prefix} {chr(65 + i)}B",
            city=spec.name,
            email=f"info@{name.split()[-1].lower()}.example",
            phone=make_phone(rng),
        )
        for i, (name, _person, _role) in enumerate(BUSINESSES)
    )
    ContactPerson.objects.bulk_create(
        ContactPerson(
            organisation=organisation,
            name=person,
            function=role,
            email=f"{person.split()[0].lower()}@{name.split()[-1].lower()}.example",
            phone=make_phone(rng),
        )
        for organisation, (name, person, role) in zip(organisations, BUSINESSES, strict=True)
    )
    return len(organisations)


def _create_requests(
    rng: random.Random, municipality: Municipality, persons: list[Person], now: datetime
) -> int:
    """Open callbacks and hand-overs of the last days, a few of them already overdue."""
    front_office = User.objects.get(username="balie")
    kcc = Team.objects.filter(slug="klantcontactcentrum").first()
    teams = list(Team.objects.exclude(slug="klantcontactcentrum"))
    made = 0
    for index in range(12):
        person = rng.choice([p for p in persons if p.phone] or persons)
        asked = now - timedelta(days=rng.choice([0, 1, 2, 4, 6]), hours=rng.randint(0, 5))
        callback = index % 2 == 0
        team = kcc if callback or not teams else rng.choice(teams)
        contact = Contact.objects.create(
            municipality=municipality,
            occurred_at=asked,
            channel=Channel.PHONE,
            subject="Wil teruggebeld worden" if callback else "Vraag voor de vakafdeling",
            text="Inwoner wil graag teruggebeld worden over een lopende vraag."
            if callback
            else "Inwoner heeft een vraag die de balie niet kon beantwoorden.",
            person=person,
            outcome=Contact.Outcome.CALLBACK if callback else Contact.Outcome.HANDED_OVER,
            handed_to_team=team,
            registered_by=front_office,
        )
        ContactRequest.objects.create(
            municipality=municipality,
            kind=ContactRequest.Kind.CALLBACK if callback else ContactRequest.Kind.HANDOVER,
            contact=contact,
            person=person,
            question=contact.text,
            phone=person.phone,
            email=person.email,
            team=team,
            created_at=asked,
            created_by=front_office,
            due_at=request_deadline(municipality=municipality, requested_at=asked),
        )
        made += 1
    return made


ASKED = (
    "Stuur ons een kopie van uw identiteitsbewijs.",
    "Stuur ons een foto van de situatie.",
    "Stuur ons de tekening met de maten erop.",
    "Stuur ons uw bankafschriften van de laatste drie maanden.",
)
TOLD = (
    "Wij hebben uw aanvraag in behandeling genomen. U hoort binnen de termijn van ons.",
    "Een medewerker heeft uw aanvraag bekeken. Alles lijkt compleet.",
    "Wij hebben een afspraak ingepland om uw situatie te bespreken.",
)


def _create_default_notices(municipality: Municipality, clerk: User) -> int:
    """Two open cases past their statutory term whose applicant gave notice of default five
    days after it expired (Awb 4:17), so the penalty panel and the team lead's figures show
    something. Through the service, as staff would record them."""
    from loket.cases.services import case_register_default_notice

    today = timezone.localdate()
    late = (
        Case.objects.filter(
            municipality=municipality,
            closed_at__isnull=True,
            suspended_at__isnull=True,
            legal_due_at__lt=timezone.now() - timedelta(days=5),
            case_type__penalty_applies=True,
        )
        .select_related("product__case_type", "case_type")
        .order_by("-legal_due_at")  # the most recent: their penalty is still running
    )
    made = 0
    for case in late[:2]:
        assert case.legal_due_at is not None
        received = min(local_date(case.legal_due_at) + timedelta(days=5), today)
        case_register_default_notice(
            case=case,
            received_on=received,
            actor=clerk,
            note="Brief van de aanvrager: ingebrekestelling wegens niet tijdig beslissen.",
        )
        made += 1
    return made


def _create_portal_activity(rng: random.Random, municipality: Municipality) -> int:
    """What residents see in Mijn Loket: messages on open cases, and cases waiting for them."""
    from loket.cases.services import case_send_message, case_suspend

    open_cases = list(
        Case.objects.filter(
            municipality=municipality, closed_at__isnull=True, initiator_person__isnull=False
        )
        .exclude(initiator_person__bsn="")
        .select_related("case_type")
        .order_by("pk")[:200]
    )
    rng.shuffle(open_cases)
    made = 0
    for case in open_cases[:40]:
        case_send_message(case=case, text=rng.choice(TOLD))
        made += 1
    # Only a term that still runs can be suspended (Awb 4:15; an expired term cannot). The term
    # stands still from the day after the invitation, so one that ends today cannot either
    # (``case_suspend`` refuses it; loading the demo in the evening met such a case).
    today = local_date(timezone.now())
    running = [c for c in open_cases[40:] if local_date(c.expires_at) > today]
    waiting = [c for c in running if c.case_type.allows_suspension][:12]
    for case in waiting:
        case_suspend(case=case, reason=rng.choice(ASKED), actor=None)
    return made
