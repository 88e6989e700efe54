"""No bad input crashes the server: every URL pattern of the workbench, the portal, the API and
the site itself is walked with malformed ids and parameters, as staff of several roles, as a
resident and anonymously, and no answer may be a 5xx.

The patterns come from the URL resolver, so a URL added later is walked automatically; a
pattern that is neither walked nor excluded below (with its reason) fails the test. The
parameters a page reads are found by recording what it reads (``MultiValueDict`` lookups) on
a first request, plus the names below; each is then sent alone with every malformed value, on
GET and (where the page takes it) on POST, and on top of a valid form for the main forms.
Each request runs in a savepoint that is rolled back, so every one meets the same records.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.datastructures import MultiValueDict
from rest_framework.authtoken.models import Token

from loket.accounts.models import Role
from loket.cases.services import case_add_document
from loket.catalogue.models import Product
from loket.contacts.models import Contact
from loket.contacts.services import Receiver, contact_register
from loket.knowledge.models import Article
from loket.organisation.models import Team
from loket.parties.models import Organisation
from loket.tenancy.models import Package
from tests.factories import MunicipalityFactory, PersonFactory, StaffFactory, make_case

pytestmark = pytest.mark.django_db

# Whole patterns not walked, and why. Everything else is.
EXCLUDED = {
    "admin/": "Django's own admin, not Loket's code; its login is covered by the security tests",
    "^static/": "static files (demo mode only)",
    "^media/": "uploaded files served in demo mode only",
}

# Parameter names the views are known to read, walked even when the first request does not
# touch them (a page that reads a parameter only after another one is valid).
KNOWN_PARAMETERS = [
    "scope", "municipality", "product", "status", "state", "assignee", "closed", "after",
    "q", "vraag", "page", "persoon", "organisatie", "artikel", "next", "dueState", "pageSize",
    "case", "cases", "back", "version", "channel", "article", "person", "submission_key",
    # appointments: the resident's booking pages, the counter, the front office and the API
    "p", "locatie", "vanaf", "tijd", "stap", "key", "aantal-paspoort", "verder", "dag", "balie",
    "nummer", "inwoner", "persoon", "klaar", "ticket", "note", "kanaal", "slot", "products",
    "from", "days", "location", "start", "token", "first_name", "surname", "email", "phone",
    "language",
    # public-space reports: the form, the duplicate check, following, the maps and Open311
    "latitude", "longitude", "description", "category", "adres", "tekst", "photos", "volg",
    "opgelost", "antwoord", "comment", "categorie", "sinds", "tot", "into", "samenvoegen",
    "jurisdiction_id", "service_code", "service_request_id", "start_date", "end_date", "lat",
    "long", "api_key", "address_string", "attribute[op-de-weg]", "plek", "melding", "actie",
    "toelichting", "wijzigen", "since", "until", "other", "direction", "confirm",
]  # fmt: skip

MALFORMED = [
    "",
    "xxx",
    "²",  # a "digit" to str.isdigit(), not to int()
    "9" * 30,  # beyond any database integer
    "😀ü€ — \u202e",
    "x" * 5000,
    "a\x00b",  # PostgreSQL refuses NUL in text
    "%zz",
    "team:xyz",
]

PDF = b"%PDF-1.4\n% walk\n"


@dataclass
class World:
    town: Any
    other: Any
    case: Any
    document: Any
    person: Any
    organisation: Any
    contact: Any
    request: Any
    article: Any
    product: Any
    location: Any = None
    appointment: Any = None
    report: Any = None
    tokens: dict[str, str] = field(default_factory=dict)
    staff: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def world(catalogue: None, settings: Any) -> World:
    settings.LOKET_DEMO_LOGIN = True
    town = MunicipalityFactory.create(slug="stad", name="Stad")
    town.additional_packages.set(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    other = MunicipalityFactory.create(slug="elders", name="Elders")
    person = PersonFactory.create(municipality=town, bsn="111222333", email="emma@example.org")
    organisation = Organisation.objects.create(
        municipality=town, kvk_number="12345678", name="Bakkerij"
    )
    case = make_case(municipality=town, product_slug="parkeervergunning", person=person)
    document = case_add_document(
        case=case,
        upload=SimpleUploadedFile("brief.pdf", PDF),
        actor=None,
        shared_with_applicant=True,
    )
    team = case.team or Team.objects.first()
    assert team is not None
    admin = StaffFactory.create(
        username="w-admin", role=Role.ADMINISTRATOR, municipalities=[town, other]
    )
    agent = StaffFactory.create(username="w-agent", role=Role.FRONT_OFFICE, municipalities=[town])
    contact = contact_register(
        municipality=town,
        actor=agent,  # registering contacts is the front office's (the role table)
        channel="telefoon",
        subject="Vraag",
        text="Over parkeren",
        outcome=Contact.Outcome.HANDED_OVER,
        person=person,
        receiver=Receiver(team=team),
    )
    article = Article.objects.create(
        product=case.product,
        title_nl="Parkeren",
        title_en="Parking",
        answer_nl="Vraag een vergunning aan.",
        answer_en="Apply for a permit.",
        valid_from=dt.date(2020, 1, 1),
    )
    partner_product = Product.objects.filter(partner__isnull=False).first()
    assert partner_product is not None and partner_product.partner is not None
    partner_case = make_case(municipality=town, product_slug=partner_product.slug)
    assert partner_case.partner_id
    worker = StaffFactory.create(username="w-worker", role=Role.CASE_WORKER, municipalities=[town])
    worker.teams.set([team])
    lead = StaffFactory.create(username="w-lead", role=Role.TEAM_LEAD, municipalities=[town])
    lead.teams.set([team])
    location, appointment, tokens = _an_appointment(town, person)
    report, tokens["follow"] = _a_report(town)
    return World(
        location=location,
        appointment=appointment,
        report=report,
        tokens=tokens,
        town=town,
        other=other,
        case=case,
        document=document,
        person=person,
        organisation=organisation,
        contact=contact,
        request=contact.requests.get(),
        article=article,
        product=case.product,
        staff={
            "administrator": admin,
            "case_worker": worker,
            "team_lead": lead,
            "front_office": StaffFactory.create(
                username="w-kcc", role=Role.FRONT_OFFICE, municipalities=[town]
            ),
            "partner_worker": StaffFactory.create(
                username="w-partner",
                role=Role.PARTNER_WORKER,
                partner=partner_product.partner,
                municipalities=[town],
            ),
            "other_town": StaffFactory.create(username="w-elders", municipalities=[other]),
        },
    )


def _a_report(town: Any) -> tuple[Any, str]:
    """The town's boundary, categories and addresses, and a report with its follow link."""
    from loket.reports.services import report_create
    from tests.reports.conftest import MARKT, STAD_AREA, report_setup
    from tests.reports.test_photos import jpeg_with_gps

    report_setup(town, STAD_AREA)
    made = report_create(
        site=town,
        point=MARKT,
        category="lantaarnpaal",
        description="De lamp brandt niet",
        email="melder@example.org",
        photos=[SimpleUploadedFile("lamp.jpg", jpeg_with_gps(80, 60))],
    )
    return made.report, made.token


def _an_appointment(town: Any, person: Any) -> tuple[Any, Any, dict[str, str]]:
    """A counter location of the town and a booked appointment with its mailed links."""
    from loket.appointments.availability import Need, free_slots
    from loket.appointments.services import appointment_book
    from loket.notifications.models import OutboxMessage
    from tests.appointments.conftest import make_location

    location = make_location(town, weekdays=(0, 1, 2, 3, 4, 5, 6))
    passport = Product.objects.get(slug="paspoort")
    slot = free_slots(municipality=town, need=Need(((passport, 1),)), limit=1)[0]
    appointment = appointment_book(
        municipality=town,
        lines=[(passport, 1)],
        location=location,
        starts_at=slot.starts_at,
        person=person,
    )
    body = OutboxMessage.objects.get(event="appointment_booked").body_text
    tokens = {
        action: line.rsplit("/", 1)[1].strip()
        for line in body.splitlines()
        for action, word in (("move", "/verzetten/"), ("cancel", "/annuleren/"))
        if word in line
    }
    return location, appointment, tokens


# --- the URL patterns -----------------------------------------------------------------------

_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def all_patterns(
    entries: list[Any] | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    """``(route, name)`` of every pattern, resolvers followed recursively."""
    for entry in get_resolver().url_patterns if entries is None else entries:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace or ""]))
            yield from all_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = ":".join(filter(None, [namespace, entry.name or ""]))
            yield prefix + str(entry.pattern), name


def _excluded(route: str) -> bool:
    return any(route.startswith(prefix) for prefix in EXCLUDED)


# Which record a ``uuid`` in a route stands for, by the route's start.
_UUID_OWNERS = [
    ("werkplek/zaken/", "case"),
    ("werkplek/personen/", "person"),
    ("werkplek/organisaties/", "organisation"),
    ("werkplek/contacten/", "contact"),
    ("werkplek/kennisbank/", "article"),
    ("werkplek/verzoeken/", "request"),
    ("api/v1/cases/", "case"),
    ("<slug:municipality>/mijn/zaken/", "case"),
    ("werkplek/afspraken/", "appointment"),
    ("werkplek/openbare-ruimte/", "report"),
    ("api/v1/appointments/", "appointment"),
    ("<slug:municipality>/afspraak/bevestigd/", "appointment"),
    ("<slug:municipality>/mijn/afspraken/", "appointment"),
]


def _actions(route: str) -> list[str]:
    if route.startswith("werkplek/zaken/"):
        from loket.workbench.views import ACTIONS

        return [*ACTIONS, "onbekend"]
    if route.startswith("werkplek/verzoeken/"):
        return ["toewijzen", "afsluiten", "onbekend"]
    if route.startswith("werkplek/balie/"):
        return ["oproepen", "aan-de-balie", "niet-verschenen", "afronden", "onbekend"]
    return ["onbekend"]


def valid_values(route: str, name: str, converter: str, world: World) -> list[str]:
    """Real values for one route parameter (several for an ``action``)."""
    if name == "municipality":
        return [world.town.slug]
    if name == "product":
        return [world.product.slug]
    if name == "document":
        return [str(world.document.uuid)]
    if name == "action":
        return _actions(route)
    if name == "location":
        return [str(world.location.uuid)]
    if name == "desk":
        return [str(world.location.desks.first().pk)]
    if name == "appointment":
        return [str(world.appointment.uuid)]
    if name == "fmt":
        return ["json"]
    if name == "photo":
        return [str(world.report.photos.get().pk)]
    if name == "code":
        return [world.report.category.code]
    if name == "ident":
        return [world.report.case.identification]
    if name == "token":
        if route.startswith("open311/"):
            return [str(world.report.uuid)]
        if "melding" in route:
            return [world.tokens["follow"]]
        return [world.tokens["move" if "verzetten" in route else "cancel"]]
    if name == "uuid":
        for start, owner in _UUID_OWNERS:
            if route.startswith(start):
                return [str(getattr(world, owner).uuid)]
    # A pattern this table does not know yet is still walked, with values that fit its converter.
    return [str(uuid.uuid4())] if converter == "uuid" else ["x"]


PATH_MALFORMED = [
    "xxx",
    str(uuid.UUID(int=1)),  # well-formed, but nobody's
    "a" * 300,
    "ü€😀",
    "%00",
]


def urls_for(route: str, world: World) -> tuple[list[str], list[str]]:
    """``(valid, malformed)`` concrete paths of a route."""
    names = [(m["name"], m["converter"] or "str") for m in _PARAM.finditer(route)]
    choices = {name: valid_values(route, name, conv, world) for name, conv in names}

    def build(values: dict[str, str]) -> str:
        return "/" + _PARAM.sub(lambda m: values[m["name"]], route).lstrip("^").rstrip("$")

    valid = [
        build({**{n: v[0] for n, v in choices.items()}, "action": a})
        for a in choices.get("action", [""])
    ]
    malformed = [
        build({**{n: v[0] for n, v in choices.items()}, name: bad})
        for name, _conv in names
        for bad in PATH_MALFORMED
    ]
    return valid, malformed


# --- walking --------------------------------------------------------------------------------


class _Recorder:
    """Records the parameter names a request reads from its GET and POST (``QueryDict``)."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.active = False

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for method in ("get", "getlist", "__getitem__", "__contains__"):
            original = getattr(MultiValueDict, method)

            def recording(d: Any, key: Any, *args: Any, _original: Any = original) -> Any:
                if self.active and isinstance(d, QueryDict) and isinstance(key, str):
                    self.names.add(key)
                return _original(d, key, *args)

            monkeypatch.setattr(MultiValueDict, method, recording)


@dataclass
class Walk:
    world: World
    recorder: _Recorder
    failures: list[str] = field(default_factory=list)
    walked: set[str] = field(default_factory=set)
    requests: int = 0

    def send(
        self, persona: str, client: Client, method: str, path: str, data: Any = None, **extra: Any
    ) -> int:
        """One request in a savepoint that is rolled back; a 5xx is written down."""
        cookies = {key: morsel.value for key, morsel in client.cookies.items()}
        self.requests += 1
        try:
            with transaction.atomic():
                if method == "GET":
                    response = client.get(path, data or {}, **extra)
                elif extra.pop("json", False):
                    response = client.post(
                        path, json.dumps(data), content_type="application/json", **extra
                    )
                else:
                    response = client.post(path, data or {}, **extra)
                transaction.set_rollback(True)
        finally:
            client.cookies.clear()
            for key, value in cookies.items():
                client.cookies[key] = value
        if response.status_code >= 500:
            shown = (
                {
                    k: (v[:40] + "…" if isinstance(v, str) and len(v) > 40 else v)
                    for k, v in (data or {}).items()
                }
                if isinstance(data, dict)
                else data
            )
            self.failures.append(
                f"{persona}: {method} {path[:120]} {shown!r} -> {response.status_code}"
            )
        return response.status_code

    def discover(
        self, persona: str, client: Client, method: str, path: str, **extra: Any
    ) -> set[str]:
        self.recorder.names = set()
        self.recorder.active = True
        try:
            status = self.send(persona, client, method, path, {}, **extra)
        finally:
            self.recorder.active = False
        return set() if status == 405 else self.recorder.names | {"__reached__"}


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("brief.pdf", PDF, content_type="application/pdf")


def valid_bodies(name: str, path: str, world: World) -> list[dict[str, Any]]:
    """Valid forms for the main POSTs, so a malformed field also reaches the services."""
    case, version = world.case, world.case.version
    team = world.case.team_id
    action = path.rstrip("/").rsplit("/", 1)[-1]
    step = case.case_type.allowed_moves.get(case.status_id, [None])[0]
    bodies: dict[str, dict[str, Any]] = {
        "note": {"text": "Een notitie"},
        "message": {"message-text": "Een bericht"},
        "suspend": {"suspend-version": version, "suspend-reason": "Stuur een kopie"},
        "extend": {"extend-version": version, "extend-reason": "Advies nodig"},
        "custom": {"custom-version": version, "custom-reason": "Maatwerk"},
        "reopen": {"reopen-version": version, "reopen-reason": "Opnieuw"},
        "resume": {"resume-version": version, "resume-reason": "", "resume-received_on": ""},
        "dates": {
            "dates-version": version,
            "dates-received_on": case.received_on.isoformat(),
            "dates-reason": "Datumstempel",
        },
        "default_notice": {"notice-received_on": case.received_on.isoformat(), "notice-note": ""},
        "handover": {
            "handover-version": version,
            "handover-reason": "Graag overnemen",
            "handover-target": f"team:{team}",
        },
        "status": {"version": version, "step": step.pk if step else "", "note": "Verder"},
        "assign": {"version": version, "assignee": world.staff["administrator"].pk},
        "result": {"version": version, "result": case.case_type.results.first().pk},
        "toewijzen": {"version": world.request.version, "assignee": ""},
        "afsluiten": {"version": world.request.version, "outcome": "answered", "note": "Gebeld"},
    }
    if name in ("workbench:case_action", "workbench:request_action"):
        return [bodies[action]] if action in bodies else []
    contact = {
        "municipality": world.town.pk,
        "channel": "telefoon",
        "direction": "in",
        "subject": "Vraag",
        "text": "Over parkeren",
        "outcome": "answered",
    }
    article = {
        "product": world.product.pk,
        "title_nl": "Titel",
        "answer_nl": "Antwoord",
        "title_en": "Title",
        "answer_en": "Answer",
        "valid_from": "2026-01-01",
    }
    person = {"municipality": world.town.pk, "surname": "Jansen", "language": "nl"}
    table: dict[str, list[dict[str, Any]]] = {
        "workbench:contact_new": [
            contact,
            {**contact, "outcome": "callback", "receiver": f"team:{team}", "callback_phone": ""},
            {**contact, "outcome": "case_created", "product": world.product.pk},
        ],
        "workbench:person_new": [person],
        "workbench:person_edit": [person],
        "workbench:organisation_new": [
            {"municipality": world.town.pk, "kvk_number": "87654321", "name": "Zaak"}
        ],
        "workbench:organisation_detail": [{"name": "Piet", "email": "piet@example.org"}],
        "workbench:person_answer": [
            {"channel": "telefoon", "article": str(world.article.uuid), "vraag": "Hoe?"}
        ],
        "workbench:article_new": [article],
        "workbench:article_edit": [article],
        "workbench:bulk_assign": [
            {
                "cases": "selected",
                "case": str(case.uuid),
                "assignee": world.staff["administrator"].pk,
                "back": "scope=all",
            }
        ],
        "portal:mijn_case_message": [{"text": "Hallo"}],
        "portal:mijn_case_withdraw": [{"reason": "Niet meer nodig"}],
        "portal:mijn_preferences": [{"channel": "e-mail", "language": "nl", "phone": ""}],
        "portal:email_login": [{"email": "emma@example.org", "next": "/stad/mijn/"}],
        "portal:demo_login": [{"person": str(world.person.uuid), "next": "/stad/mijn/"}],
        "api:cases": [{"municipality": "stad", "product": world.product.slug, "subject": "Iets"}],
        "api:case-suspend": [{"reason": "Tekening", "version": version}],
        "api:case-extend": [{"reason": "Advies", "version": version}],
        "api:case-resume": [{"reason": "", "version": version}],
        "api:case-status": [{"step": step.code if step else "x", "note": "", "version": version}],
        "api:case-result": [{"result": case.case_type.results.first().code}],
    }
    return table.get(name, [])


# Malformed values a field of a valid form gets (the form is otherwise fine, so the value
# reaches the service); JSON bodies get wrong types as well.
BODY_MALFORMED = ["xxx", "9" * 30, "x" * 100_000, "a\x00b"]
JSON_MALFORMED: list[Any] = [None, 123, 2**70, True, [], {"a": 1}, "x" * 100_000, "a\x00b"]


def _with_files(body: dict[str, Any], name: str, path: str) -> dict[str, Any]:
    if "file" in body:
        return body
    if path.endswith("/document") or name == "portal:mijn_case_upload":
        return {**body, "file": _pdf()}
    return body


@dataclass(frozen=True)
class Depth:
    """How hard a persona walks a route: malformed paths; every parameter at once with each
    malformed value; each parameter alone; each field of a valid form."""

    paths: bool = False
    together: int = 3
    alone: int = 0
    bodies: bool = False


def walk_route(
    walk: Walk, persona: str, client: Client, route: str, name: str, depth: Depth, **extra: Any
) -> None:
    valid, malformed = urls_for(route, walk.world)
    is_api = route.startswith("api/")
    walk.walked.add(route)
    if depth.paths:
        for path in malformed:
            walk.send(persona, client, "GET", path, **extra)
        for path in malformed[1 :: len(PATH_MALFORMED)]:  # a well-formed unknown id
            walk.send(persona, client, "POST", path, **extra)
    for path in valid:
        for method in ("GET", "POST"):
            keys = walk.discover(persona, client, method, path, **extra)
            if not keys:
                continue  # 405: the page does not take this method
            read = sorted(keys - {"__reached__"})
            together = set(read) | set(KNOWN_PARAMETERS)
            for value in MALFORMED[: depth.together]:
                walk.send(persona, client, method, path, dict.fromkeys(together, value), **extra)
            # Each parameter the page read, alone, with values taken in turn from the list, so
            # that together they meet every malformed value.
            for index, key in enumerate(read):
                for step in range(depth.alone):
                    value = MALFORMED[(index * depth.alone + step) % len(MALFORMED)]
                    walk.send(persona, client, method, path, {key: value}, **extra)
            if method != "POST" or not depth.bodies:
                continue
            for body in valid_bodies(name, path, walk.world):
                walk.send(
                    persona,
                    client,
                    method,
                    path,
                    _with_files(body, name, path),
                    json=is_api,
                    **extra,
                )
                for key in body:
                    for value in JSON_MALFORMED if is_api else BODY_MALFORMED:
                        mutated = _with_files({**body, key: value}, name, path)
                        walk.send(persona, client, method, path, mutated, json=is_api, **extra)
                    if is_api:  # the field missing
                        rest = {k: v for k, v in body.items() if k != key}
                        walk.send(persona, client, method, path, rest, json=True, **extra)


def _resident_client(world: World) -> Client:
    client = Client(raise_request_exception=False)
    response = client.post(
        reverse("portal:demo_login", kwargs={"municipality": world.town.slug}),
        {"person": str(world.person.uuid)},
    )
    assert response.status_code == 302
    return client


def _staff_client(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _area(route: str) -> str:
    if route.startswith("api/"):
        return "api"
    if route.startswith("werkplek/"):
        return "workbench"
    if route.startswith("open311/"):
        return "open311"  # public, or a client's api_key: no login changes what it does
    return "site"  # the portal, the front page, the language switch, the login callback


# persona -> area -> depth. Areas a persona cannot enter (a resident in the workbench) answer
# as they do to anonymous visitors, which are walked everywhere.
FULL = Depth(paths=True, together=len(MALFORMED), alone=2, bodies=True)
PLAN: dict[str, dict[str, Depth]] = {
    "anonymous": {
        "api": Depth(paths=True),
        "workbench": Depth(paths=True),
        "site": FULL,
        "open311": FULL,
    },
    "resident": {"site": FULL},
    "administrator": {"api": replace(FULL, alone=len(MALFORMED)), "workbench": FULL},
    "case_worker": {"api": Depth(), "workbench": Depth(bodies=True)},
    "partner_worker": {"api": Depth(), "workbench": Depth()},
    "team_lead": {"workbench": Depth()},
    "front_office": {"workbench": Depth()},
    "other_town": {"api": Depth(), "workbench": Depth()},
}


def test_every_url_survives_malformed_input(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Throttles and lock-outs would answer 429 before the code under test runs.
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_CLASSES"] = []
    settings.REST_FRAMEWORK = rest
    settings.RATELIMIT_ENABLE = False
    settings.AXES_ENABLED = False
    for logger in ("django.request", "django.security"):
        monkeypatch.setattr(logging.getLogger(logger), "level", logging.CRITICAL)
    recorder = _Recorder()
    recorder.install(monkeypatch)
    walk = Walk(world=world, recorder=recorder)
    patterns = [(route, name) for route, name in all_patterns() if not _excluded(route)]
    token = Token.objects.create(user=world.staff["administrator"]).key
    clients = {
        "anonymous": Client(raise_request_exception=False),
        "resident": _resident_client(world),
        **{role: _staff_client(user) for role, user in world.staff.items()},
    }
    started = time.monotonic()
    for persona, areas in PLAN.items():
        for route, name in patterns:
            depth = areas.get(_area(route))
            if depth is None:
                continue
            headers = {}
            if _area(route) == "api" and persona == "administrator":
                headers = {"HTTP_AUTHORIZATION": f"Token {token}"}  # systems use a token
            walk_route(walk, persona, clients[persona], route, name, depth, **headers)
        print(f"{persona}: {walk.requests} requests, {time.monotonic() - started:.1f} s")
    elapsed = time.monotonic() - started
    print(f"\n{walk.requests} requests in {elapsed:.1f} s")
    unwalked = [r for r, _n in all_patterns() if not _excluded(r) and r not in walk.walked]
    assert unwalked == [], "walk these or exclude them with a reason in EXCLUDED"
    assert walk.failures == [], "\n".join(walk.failures[:60]) + f"\n({len(walk.failures)} in all)"
    assert walk.requests > 1000
