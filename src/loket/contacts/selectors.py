"""Read-side queries of the front office. Every query starts from ``visible_to(user)``."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.cases.models import Case
from loket.catalogue.models import Product
from loket.contacts.models import ContactRequest
from loket.knowledge.models import Article
from loket.lib.identifiers import normalise_phone
from loket.parties.models import Organisation, Person
from loket.tenancy.models import Municipality
from loket.wegwijzer.services import Hit, wegwijzer_search

_POSTCODE_HOUSE = re.compile(r"^(\d{4})\s?([a-z]{2})(?:\s*[, ]\s*(\d+)\s*([a-z]?))?$", re.I)
_DATE = re.compile(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})$")
_CASE = re.compile(r"^zaak-\d{4}-\d+$", re.I)
LIMIT = 20


@dataclass
class SearchResults:
    query: str
    kind: str = "text"  # what the query was read as: bsn, kvk, postcode, date, email, phone, ...
    persons: list[Person] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    products: list[Hit] = field(default_factory=list)

    # What the query already says about a resident not found, for the new-resident form. Never
    # put in a URL (it may be a BSN): the workbench keeps it in the session behind a key.
    prefill_data: dict[str, str] = field(default_factory=dict)

    @property
    def identifies_one_person(self) -> bool:
        """The query was an identifying key (BSN, postcode + house number, e-mail, phone) and
        found exactly one resident and nothing else."""
        exact = self.kind in ("bsn", "address", "email", "phone")
        return exact and len(self.persons) == 1 and not self.organisations

    @property
    def empty(self) -> bool:
        return not any((self.persons, self.organisations, self.cases, self.articles, self.products))


def _phone(query: str) -> str | None:
    digits = re.sub(r"[\s()-]", "", query)
    if not re.fullmatch(r"\+?\d{9,15}", digits):
        return None
    try:
        return normalise_phone(digits)
    except ValueError:
        return None


def front_office_search(user: Any, query: str) -> SearchResults:
    """One box for everything: a person (name, BSN, birth date, postcode + house number,
    e-mail, phone), an organisation (name, KvK number), a case (its number) or a question
    (knowledge articles and products through the wegwijzer)."""
    query = " ".join(query.split())[:200]
    results = SearchResults(query=query)
    if not query:
        return results
    persons = Person.objects.visible_to(user)
    organisations = Organisation.objects.visible_to(user)
    compact = query.replace(" ", "").replace(".", "")
    if compact.isdigit() and len(compact) == 9:
        results.kind = "bsn"
        results.prefill_data = {"bsn": compact}
        results.persons = list(persons.filter(bsn=compact)[:LIMIT])
        return results
    if compact.isdigit() and len(compact) == 8:
        results.kind = "kvk"
        results.organisations = list(organisations.filter(kvk_number=compact)[:LIMIT])
        if results.organisations:
            return results
    if match := _POSTCODE_HOUSE.match(query):
        results.kind = "postcode"
        postcode = f"{match[1]} {match[2].upper()}"
        found = persons.filter(postcode=postcode)
        results.prefill_data = {"postcode": postcode}
        if match[3]:
            results.kind = "address"
            results.prefill_data["house_number"] = f"{match[3]}{match[4] or ''}"
            found = found.filter(
                house_number__iregex=rf"^{match[3]}\s*{match[4]}$"
                if match[4]
                else rf"^{match[3]}(\s*[a-z])?$"
            )
        results.persons = list(found.order_by("house_number", "surname")[:LIMIT])
        results.organisations = list(organisations.filter(postcode=postcode)[:LIMIT])
        return results
    if match := _DATE.match(query):
        results.kind = "date"
        try:
            born = datetime.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            return results
        results.persons = list(persons.filter(birth_date=born)[:LIMIT])
        return results
    if "@" in query:
        results.kind = "email"
        results.persons = list(persons.filter(email__iexact=query)[:LIMIT])
        results.organisations = list(organisations.filter(email__iexact=query)[:LIMIT])
        return results
    if phone := _phone(query):
        results.kind = "phone"
        results.persons = list(persons.filter(phone=phone)[:LIMIT])
        results.organisations = list(organisations.filter(phone=phone)[:LIMIT])
        return results
    if _CASE.match(query):
        results.kind = "case"
        results.cases = list(
            Case.objects.visible_to(user)
            .filter(identification__iexact=query)
            .select_related("product", "status", "initiator_person")
        )
        return results
    words = query.split()
    name = Q()
    for word in words[:4]:
        name &= (
            Q(surname__icontains=word)
            | Q(first_name__icontains=word)
            | Q(surname_prefix__iexact=word)
        )
    results.persons = list(persons.filter(name)[:LIMIT])
    results.organisations = list(organisations.filter(name__icontains=query)[:LIMIT])
    municipalities = list(Municipality.objects.filter(pk__in=user.municipality_ids))
    municipality = municipalities[0] if len(municipalities) == 1 else None
    results.products = wegwijzer_search(query, municipality=municipality)
    results.articles = knowledge_search(user, query, hits=results.products)
    return results


def knowledge_search(user: Any, query: str, *, hits: list[Hit] | None = None) -> list[Article]:
    """Current articles of the products the wegwijzer finds, best product first, plus those
    whose title contains the query."""
    if hits is None:
        hits = wegwijzer_search(query)
    order = {hit.product.pk: rank for rank, hit in enumerate(hits)}
    today = timezone.localdate()
    articles = (
        Article.objects.current(today)
        .filter(
            Q(municipality__isnull=True) | Q(municipality_id__in=user.municipality_ids),
        )
        .filter(
            Q(product_id__in=order) | Q(title_nl__icontains=query) | Q(title_en__icontains=query)
        )
        .select_related("product")
    )
    return sorted(articles, key=lambda a: (order.get(a.product_id, 99), a.municipality_id is None))[
        :LIMIT
    ]


def articles_for_person(person: Person, query: str) -> list[tuple[Hit, list[Article]]]:
    """For a question asked by ``person``: the products of their municipality that answer it,
    each with its current articles (the municipality's own first)."""
    hits = wegwijzer_search(query, municipality=person.municipality, limit=3)
    today = timezone.localdate()
    articles = (
        Article.objects.current(today)
        .for_municipality(person.municipality)
        .filter(product__in=[hit.product for hit in hits])
        .order_by("municipality_id")
    )
    by_product: dict[int, list[Article]] = {}
    for article in articles:
        by_product.setdefault(article.product_id, []).append(article)
    return [(hit, by_product.get(hit.product.pk, [])) for hit in hits]


def requests_in_scope(user: Any, scope: str) -> Any:
    """Open hand-overs and callbacks of one queue scope, from what ``user`` may see.

    ``mine``: assigned to the user; ``team``: addressed to one of their teams or assigned to
    them; ``all``: everything they may see. A partner worker has no team: their partner is, so
    what was handed to the partner is in their team queue, and while no colleague has picked
    it up it is also theirs ("mine"), as the front office addressed it to them all.
    """
    requests = ContactRequest.objects.visible_to(user).open()
    if scope == "all":
        return requests
    mine = Q(assignee=user)
    partner_id = user.partner_id if user.is_partner_worker else None
    if partner_id is not None:
        mine |= Q(partner_id=partner_id, assignee__isnull=True)
    if scope == "mine":
        return requests.filter(mine)
    team = mine | Q(team_id__in=list(user.team_ids))
    if partner_id is not None:
        team |= Q(partner_id=partner_id)
    return requests.filter(team)


def open_requests(user: Any, *, scope: str = "team") -> Any:
    """Open hand-overs and callbacks: overdue first, then by deadline."""
    return (
        requests_in_scope(user, scope)
        .select_related(
            "person", "organisation", "team", "partner", "assignee", "contact", "municipality"
        )
        .order_by("due_at")
    )


def request_counts(user: Any) -> dict[str, int]:
    """The overview's "n open for you and your teams, m overdue": the team scope, counted."""
    from django.db.models import Count

    now = timezone.now()
    counts = requests_in_scope(user, "team").aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now))
    )
    return {"open": int(counts["open"]), "overdue": int(counts["overdue"])}


def offered_products(municipality: Municipality) -> Any:
    return Product.objects.offered_in(municipality).order_by("name_nl")


@dataclass(frozen=True)
class ChannelFigures:
    channel: str
    label: str
    contacts: int
    resolved: int

    @property
    def rate(self) -> float:
        return self.resolved / self.contacts if self.contacts else 0.0

    @property
    def percent(self) -> int:
        """Rounded half up: 2 of 3 is 67%."""
        return (200 * self.resolved + self.contacts) // (2 * self.contacts) if self.contacts else 0


@dataclass(frozen=True)
class FirstContactResolution:
    """The figures and, in words, whose contacts they count: a figure without its basis would
    read as the whole organisation's."""

    basis: str
    rows: list[ChannelFigures]


def _fcr_basis(user: Any) -> tuple[Q, str]:
    """Which contacts a user answers for, and the sentence that says so.

    The front office and administrators answer for every contact of their municipalities. A
    case worker or team lead sees only part of the contacts (need-to-know), mostly hand-overs
    that were by definition not resolved on first contact, so their figure is that of the
    contacts they or their teams registered; a partner worker's that of their partner.
    """
    from loket.accounts.models import User
    from loket.contacts.models import FRONT_OFFICE_ROLES

    if user.is_superuser or user.role in FRONT_OFFICE_ROLES:
        return Q(), _("Contacts of your municipalities, last %(days)s days")
    if user.is_partner_worker and user.partner_id is not None:
        colleagues = User.objects.filter(partner_id=user.partner_id).values("pk")
        return (
            Q(registered_by__in=colleagues),
            _("Contacts registered by %(partner)s, last %(days)s days"),
        )
    team_ids = list(user.team_ids)
    if team_ids:
        colleagues = User.objects.filter(teams__in=team_ids).values("pk")
        return (
            Q(registered_by=user) | Q(registered_by__in=colleagues),
            _("Contacts you or your team registered, last %(days)s days"),
        )
    return Q(registered_by=user), _("Contacts you registered, last %(days)s days")


def first_contact_resolution(user: Any, *, days: int = 30) -> FirstContactResolution:
    """Inbound contacts of the last ``days`` per channel, and how many were resolved on first
    contact (seed 002: an organised first contact; the KCC's main figure), counted over the
    contacts ``user`` answers for (``_fcr_basis``), in the municipalities they work for.

    Only counts leave this function, never a contact: the count may include contacts the user
    may not open one by one (a colleague's hand-over to another team)."""
    from django.db.models import Count

    from loket.catalogue.models import Channel
    from loket.contacts.models import Contact

    since = timezone.now() - datetime.timedelta(days=days)
    which, basis = _fcr_basis(user)
    contacts = Contact.objects.all()
    if not user.is_superuser:
        contacts = contacts.filter(municipality_id__in=user.municipality_ids)
    rows = (
        contacts.filter(which, occurred_at__gte=since, direction=Contact.Direction.INBOUND)
        .values("channel")
        .annotate(
            contacts=Count("pk"), resolved=Count("pk", filter=Q(resolved_on_first_contact=True))
        )
        .order_by("-contacts", "channel")
    )
    partner = getattr(user, "partner", None) if user.is_partner_worker else None
    return FirstContactResolution(
        basis=basis % {"days": days, "partner": partner or ""},
        rows=[
            ChannelFigures(
                channel=row["channel"],
                label=str(Channel(row["channel"]).label)
                if row["channel"] in Channel.values
                else row["channel"],
                contacts=row["contacts"],
                resolved=row["resolved"],
            )
            for row in rows
        ],
    )
