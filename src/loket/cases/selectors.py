"""Reads on cases: the work queue (keyset-paginated, so page 1,000 is as fast as page 1) and
the one timeline of a case."""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from loket.accounts.models import User
from loket.cases.models import Case
from loket.lib.params import parse_id

COUNT_CAP = 10_000


@dataclass
class QueueFilters:
    """What a queue shows. ``scope``: ``mine`` (assigned to me), ``team`` (my teams' and my
    partner's work) or ``all`` (everything I may see)."""

    scope: str = "team"
    municipality: str = ""
    product: str = ""
    status: str = ""
    due: str = ""
    assignee: str = ""
    closed: bool = False


@dataclass
class QueuePage:
    cases: list[Case]
    next_cursor: str | None
    count: int
    count_capped: bool
    filters: QueueFilters = field(default_factory=QueueFilters)


def _encode(case: Case) -> str:
    raw = f"{case.due_at.isoformat()}|{case.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = raw.split("|", 1)
        return datetime.fromisoformat(moment), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


SMALL_RELATIONS: dict[str, tuple[str, str, tuple[str, ...] | None]] = {
    # field: (app label, model, only these columns or all)
    "product": (
        "catalogue",
        "Product",
        (
            "id",
            "slug",
            "name_nl",
            "name_en",
            "team_id",
            "partner_id",
            "case_type_id",
            "service_norm",
            # What ``Product.statutory`` reads, so a page of cases names its legal terms
            # without a query per row.
            "extension_term",
            "extension_source",
            "legal_term",
            "legal_source",
        ),
    ),
    "case_type": ("catalogue", "CaseType", None),
    "status": ("catalogue", "StatusStep", None),
    "result": ("catalogue", "ResultType", None),
    "team": ("organisation", "Team", None),
    "partner": ("organisation", "Partner", None),
    "municipality": ("tenancy", "Municipality", None),
}
CATALOGUE_CACHE_SECONDS = 60.0
_catalogue: dict[str, tuple[float, dict[int, Any]]] = {}


def clear_catalogue_cache() -> None:
    _catalogue.clear()


def _small(field: str, wanted: set[int]) -> dict[int, Any]:
    from django.apps import apps

    now = time.monotonic()
    cached = _catalogue.get(field)
    if (
        cached is None
        or now - cached[0] > CATALOGUE_CACHE_SECONDS
        or not wanted <= cached[1].keys()
    ):
        app, name, columns = SMALL_RELATIONS[field]
        rows = apps.get_model(app, name).objects.all()
        if columns:
            rows = rows.only(*columns)
        cached = (now, {row.pk: row for row in rows})
        _catalogue[field] = cached
    return cached[1]


def attach_catalogue(cases: list[Case]) -> None:
    """Set the small related objects of ``cases`` from the per-process cache (refreshed every
    minute, and whenever an id is missing)."""
    for relation in SMALL_RELATIONS:
        attname = f"{relation}_id"
        wanted = {getattr(case, attname) for case in cases} - {None}
        if not wanted:
            continue
        rows = _small(relation, wanted)
        for case in cases:
            value = getattr(case, attname)
            if value is not None:
                setattr(case, relation, rows[value])
    for case in cases:
        # ``Product.statutory`` reads the product's case type: it is the case's own one.
        product = case.product if "product" in case._state.fields_cache else None
        if product is not None and product.case_type_id == case.case_type_id:
            product.case_type = case.case_type


def _scope(user: User, scope: str) -> Q:
    """``mine``: assigned to the user; ``team``: also their teams' cases (a user without a team:
    everything they may see). A partner worker has no team: their partner is, so what was
    handed to the partner is in their team queue, and while no colleague has picked it up it is
    also theirs ("mine"). The same rule as ``contacts.selectors.requests_in_scope``."""
    mine = Q(assignee=user)
    partner_id = user.partner_id if user.is_partner_worker else None
    if partner_id is not None:
        mine |= Q(partner_id=partner_id, assignee__isnull=True)
    if scope == "mine":
        return mine
    if partner_id is not None:
        return mine | Q(partner_id=partner_id)
    team_ids = list(user.team_ids)
    return (mine | Q(team_id__in=team_ids)) if team_ids else Q()


def case_queue_queryset(user: User, filters: QueueFilters) -> QuerySet[Case]:
    now = timezone.now()
    cases = Case.objects.visible_to(user).filter(closed_at__isnull=not filters.closed)
    if filters.scope in ("mine", "team"):
        cases = cases.filter(_scope(user, filters.scope))
    if filters.municipality:
        from loket.tenancy.models import Municipality

        town = Municipality.objects.filter(slug=filters.municipality).values_list("pk", flat=True)
        cases = cases.filter(municipality_id=town.first() or 0)
    if filters.product:
        cases = cases.filter(product__slug=filters.product)
    if filters.status:
        cases = cases.filter(status__code=filters.status)
    if filters.assignee == "none":
        cases = cases.filter(assignee__isnull=True)
    elif (assignee := parse_id(filters.assignee)) is not None:
        cases = cases.filter(assignee_id=assignee)
    if filters.due:
        from loket.cases.models import due_filter

        # The one rule of the due states (``due_filter``), as the case page and the figures.
        cases = cases.filter(due_filter(filters.due, now))
    return cases


def news_from_applicant() -> Q:
    """True for a case with a message or document from the applicant that nobody handling it
    has seen yet (it is seen when a colleague opens the case). One subquery per page, not a
    query per row."""
    from loket.cases.models import CaseMessage
    from loket.notifications.models import StaffNotification

    unread_message = CaseMessage.objects.filter(
        case=OuterRef("pk"), sender=CaseMessage.Sender.APPLICANT, read_at__isnull=True
    )
    unread_notice = StaffNotification.objects.filter(
        case=OuterRef("pk"), kind__in=StaffNotification.FROM_RESIDENT, read_at__isnull=True
    )
    return Exists(unread_message) | Exists(unread_notice)


def case_queue(user: User, filters: QueueFilters, *, cursor: str = "", size: int = 50) -> QueuePage:
    """One page of the queue, earliest deadline first, after ``cursor``."""
    cases = case_queue_queryset(user, filters)
    count = cases[: COUNT_CAP + 1].count()
    position = _decode(cursor) if cursor else None
    if position is not None:
        due_at, pk = position
        cases = cases.filter(Q(due_at__gt=due_at) | Q(due_at=due_at, pk__gt=pk))
    # Two steps: the page's ids through the (…, closed_at, due_at) indexes without joins, then
    # those rows with their related objects. One joined query lets PostgreSQL misjudge the
    # filtered row count and join every matching case before sorting (see the scale issue).
    ids = list(cases.order_by("due_at", "pk").values_list("pk", flat=True)[: size + 1])
    # The related catalogue rows (products, steps, teams...) are few, small and rarely change:
    # they come from a per-process cache instead of being joined or fetched on every request.
    by_id: Mapping[Any, Case] = (
        Case.objects.prefetch_related("assignee")
        .annotate(news_from_applicant=news_from_applicant())
        .in_bulk(ids)
    )
    attach_catalogue(list(by_id.values()))
    rows = [by_id[pk] for pk in ids]
    next_cursor = _encode(rows[size - 1]) if len(rows) > size else None
    return QueuePage(
        cases=rows[:size],
        next_cursor=next_cursor,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        filters=filters,
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    title: str
    actor: str = ""
    text: str = ""
    link: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def case_timeline(case: Case) -> list[TimelineEntry]:
    """Statuses, events, notes, documents and contacts of a case, newest first, in one list."""
    entries: list[TimelineEntry] = []
    for status in case.statuses.select_related("step", "set_by"):
        entries.append(
            TimelineEntry(
                status.set_at, "status", status.step.name, _name(status.set_by), status.note
            )
        )
    from loket.cases.deadlines import deadline_moved

    for event in case.events.select_related("actor"):
        # Events recorded before issue 11 may carry a "change" to the same date: not shown.
        moved = deadline_moved(event.due_before, event.due_after)
        entries.append(
            TimelineEntry(
                event.at,
                event.kind,
                str(event.get_kind_display()),
                _name(event.actor),
                event.reason,
                extra={
                    "detail": event.detail,
                    "before": event.due_before if moved else None,
                    "after": event.due_after if moved else None,
                },
            )
        )
    for note in case.notes.select_related("author"):
        entries.append(TimelineEntry(note.created_at, "note", "", _name(note.author), note.text))
    for document in case.documents.select_related("uploaded_by"):
        entries.append(
            TimelineEntry(
                document.uploaded_at,
                "document",
                document.name,
                _name(document.uploaded_by) or str(case.initiator_person or ""),
                extra={"uuid": document.uuid, "size": document.size},
            )
        )
    for message in case.messages.select_related("author"):
        from_applicant = message.sender == "applicant"
        entries.append(
            TimelineEntry(
                message.sent_at,
                "message",
                str(message.get_sender_display()),
                str(case.initiator_person or "") if from_applicant else _name(message.author),
                message.text,
                extra={"from_applicant": from_applicant},
            )
        )
    # Through the reverse relation: contacts builds on cases, cases does not import contacts.
    for contact in case.contacts.select_related("registered_by"):
        entries.append(
            TimelineEntry(
                contact.occurred_at,
                "contact",
                contact.subject,
                _name(contact.registered_by),
                contact.text,
                extra={"uuid": contact.uuid, "channel": contact.get_channel_display()},
            )
        )
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
