"""Reads on cases: the work queue (keyset-paginated, so page 1,000 is as fast as page 1) and
the one timeline of a case."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from loket.cases.models import Case
from loket.catalogue.models import Product
from loket.contacts.models import Contact

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


def case_queue_queryset(user: Any, filters: QueueFilters) -> QuerySet[Case]:
    now = timezone.now()
    cases = Case.objects.visible_to(user).filter(closed_at__isnull=not filters.closed)
    if filters.scope == "mine":
        cases = cases.filter(assignee=user)
    elif filters.scope == "team" and not user.is_partner_worker:
        cases = cases.filter(team_id__in=user.team_ids) if user.team_ids else cases
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
    elif filters.assignee.isdigit():
        cases = cases.filter(assignee_id=int(filters.assignee))
    open_clock = Q(suspended_at__isnull=True)
    if filters.due == "overdue":
        cases = cases.filter(open_clock, due_at__lt=now)
    elif filters.due == "at_risk":
        cases = cases.filter(open_clock, at_risk_at__lte=now, due_at__gte=now)
    elif filters.due == "on_track":
        cases = cases.filter(open_clock, at_risk_at__gt=now)
    elif filters.due == "suspended":
        cases = cases.filter(suspended_at__isnull=False)
    return cases


def case_queue(user: Any, filters: QueueFilters, *, cursor: str = "", size: int = 50) -> QueuePage:
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
    # The related rows are few and small (catalogue, teams, colleagues): one query per relation
    # builds far fewer Python objects than a ten-way join repeated on every row.
    by_id = Case.objects.prefetch_related(
        Prefetch("product", queryset=Product.objects.only("id", "slug", "name_nl", "name_en")),
        "case_type",
        "status",
        "result",
        "municipality",
        "assignee",
        "team",
        "partner",
    ).in_bulk(ids)
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


def _name(user: Any) -> str:
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
    for event in case.events.select_related("actor"):
        entries.append(
            TimelineEntry(
                event.at,
                event.kind,
                str(event.get_kind_display()),
                _name(event.actor),
                event.reason,
                extra={
                    "detail": event.detail,
                    "before": event.due_before,
                    "after": event.due_after,
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
    for contact in Contact.objects.filter(case=case).select_related("registered_by"):
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
