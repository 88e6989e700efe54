"""Putting messages in the outbox. Called by the case and contact services inside their own
transaction: the message exists exactly when the change does (transactional outbox).

Seed 003/004: residents hear on time and clearly about their request, on the channel they chose.
The Awb asks to tell the applicant about an invitation to supplement (art. 4:5, which suspends the
term under 4:15 lid 1 a) and about a notice or extension (art. 4:14 lid 1 and 3, 7:10 lid 5, 9:11
lid 2); those events are always queued.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from loket.lib.calendar import local_date
from loket.lib.identifiers import format_phone
from loket.notifications.models import Channel, OutboxMessage, Template
from loket.notifications.templating import DEFAULTS, SMS_DEFAULTS, Text, render, to_html

if TYPE_CHECKING:
    from loket.accounts.models import User

FALLBACK_ORDER = (Channel.EMAIL, Channel.SMS, Channel.LETTER)


def channel_for(person: Any) -> tuple[str, str] | None:
    """``(channel, address)``: the resident's preferred channel, else the next one in the order
    e-mail, SMS, letter that we have an address for; None when we cannot reach them."""
    if person is None:
        return None
    addresses = {
        Channel.EMAIL: person.email,
        Channel.SMS: person.phone if person.phone.startswith("+316") else "",
        Channel.LETTER: person.address if person.street and person.postcode else "",
    }
    preferred = person.preferred_channel or Channel.EMAIL
    order = [preferred, *(c for c in FALLBACK_ORDER if c != preferred)]
    for channel in order:
        if addresses.get(channel):
            return str(channel), str(addresses[channel])
    return None


_TEMPLATE_CACHE: dict[tuple[str, str, str, int | None], tuple[float, Text | None]] = {}
TEMPLATE_CACHE_SECONDS = 60.0


def _stored_template(event: str, channel: str, language: str, municipality: Any) -> Text | None:
    found = (
        Template.objects.filter(event=event, channel=channel, language=language)
        .filter(Q(municipality=municipality) | Q(municipality__isnull=True))
        .order_by(F("municipality").asc(nulls_last=True))
        .first()
    )
    return Text(found.subject, found.body) if found else None


def template_for(event: str, channel: str, language: str, municipality: Any) -> Text:
    """The municipality's own text, else the shared one, else the built-in default. Stored
    texts are cached for a minute per process (they change rarely; saving one clears the cache
    of the process that saved it)."""
    key = (event, channel, language, getattr(municipality, "pk", None))
    now = time.monotonic()
    cached = _TEMPLATE_CACHE.get(key)
    if cached is None or now - cached[0] > TEMPLATE_CACHE_SECONDS:
        cached = (now, _stored_template(event, channel, language, municipality))
        _TEMPLATE_CACHE[key] = cached
    if cached[1] is not None:
        return cached[1]
    defaults = SMS_DEFAULTS if channel == Channel.SMS else DEFAULTS
    return defaults.get(language, defaults["nl"])[event]


def clear_template_cache(**_: Any) -> None:
    _TEMPLATE_CACHE.clear()


def _day(value: datetime | Any, language: str) -> str:
    with translation.override(language):
        date = local_date(value) if isinstance(value, datetime) else value
        return date_format(date, "j F Y")


def case_url(case: Any) -> str:
    path = reverse(
        "portal:mijn_case", kwargs={"municipality": case.municipality.slug, "uuid": case.uuid}
    )
    return settings.LOKET_BASE_URL.rstrip("/") + path


def order_key(*, case: Any, channel: str, recipient: str) -> str:
    """Messages with the same key are delivered in the order they were queued: those about
    one case (a reply never arrives before the acknowledgement), else those to one address."""
    return f"case:{case.pk}" if case is not None else f"{channel}:{recipient}"[:320]


def enqueue(
    *,
    event: str,
    municipality: Any,
    person: Any,
    context: dict[str, Any],
    dedupe_key: str,
    case: Any = None,
    document: Any = None,
    attachment: tuple[str, str, str] | None = None,
) -> OutboxMessage | None:
    """Render the event's text for this resident and store it in the outbox. Returns None when
    the resident cannot be reached or this event was queued before (``dedupe_key``).
    ``attachment`` is ``(file name, content type, text)``, attached to an e-mail only (an SMS
    carries the text and its links)."""
    target = channel_for(person)
    if target is None:
        return None
    channel, address = target
    if OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    language = person.language if person.language in ("nl", "en") else "nl"
    text = template_for(event, channel, language, municipality)
    full = {"name": person.full_name, "municipality": municipality.name, **context}
    now = timezone.now()
    return OutboxMessage.objects.create(
        municipality=municipality,
        event=event,
        channel=channel,
        language=language,
        recipient=address,
        # A report's follower who left only an address is no person record (issue 15).
        person=person if _is_person(person) else None,
        case=case,
        subject=render(text.subject, full),
        body_text=render(text.body, full),
        body_html=to_html(text.body, full) if channel == Channel.EMAIL else "",
        dedupe_key=dedupe_key,
        order_key=order_key(case=case, channel=channel, recipient=address),
        next_attempt_at=now,
        created_at=now,
        document=document,
        **_attached(attachment if channel == Channel.EMAIL else None),
    )


def _is_person(recipient: Any) -> bool:
    meta = getattr(recipient, "_meta", None)
    return meta is not None and meta.label_lower == "parties.person"


def _attached(attachment: tuple[str, str, str] | None) -> dict[str, str]:
    if attachment is None:
        return {}
    name, content_type, text = attachment
    return {"attachment_name": name, "attachment_type": content_type, "attachment_text": text}


# (case, how to write a day) -> the date a message may name, and the sentence about it. The case
# is the cases app's ``Case``, which this app does not import (it serves the domains).
Promise = Callable[[Any, Callable[[datetime], str]], tuple[datetime | None, str]]


def _no_promise(case: Any, day: Callable[[datetime], str]) -> tuple[datetime | None, str]:
    return (case.due_at, "")


_promise: Promise = _no_promise


def register_promise(provider: Promise) -> None:
    """Let the cases app say which date a message may name and in which sentence (its
    ``promise_sentence``): the outbox does not import the domain it serves."""
    global _promise
    _promise = provider


def notify_case(
    event: str, case: Any, *, key: str = "", document: Any = None, **extra: Any
) -> OutboxMessage | None:
    """Queue ``event`` about ``case`` for its applicant (a person; organisations are reached
    through the e-mail address on their record). A ``document`` (a case document, such as a
    decision letter) goes with it: attached to an e-mail, printed as the letter."""
    person = case.initiator_person
    if person is None:
        return None
    language = person.language if person.language in ("nl", "en") else "nl"
    with translation.override(language):
        # Never a date that has passed (issue 12), also in a municipality's own template: the
        # date and the sentence come from the cases app (``register_promise``).
        named, sentence = _promise(case, lambda day: _day(day, language))
        decide_by = _day(named, language) if named is not None else ""
        words = case.product.phrases.message_words(case.product.name, decide_by)
        if case.closed_at is None and case.suspended_at is None and sentence:
            words["deadline"] = sentence
        context = {
            "product": case.product.name,
            "reference": case.identification,
            "case_url": case_url(case),
            "decide_by": decide_by,
            # aanvraag or melding, "We beslissen ..." or "We handelen ... af" (catalogue.kinds)
            **words,
            **{k: (_day(v, language) if hasattr(v, "year") else v) for k, v in extra.items()},
        }
    return enqueue(
        event=event,
        municipality=case.municipality,
        person=person,
        context=context,
        dedupe_key=f"{event}:case:{case.pk}:{key or case.version}",
        case=case,
        document=document,
    )


def notify_callback(request: Any) -> OutboxMessage | None:
    """Tell the resident when we will call back (terugbelverzoek)."""
    if request.person is None:
        return None
    return enqueue(
        event="callback_scheduled",
        municipality=request.municipality,
        person=request.person,
        context={
            "call_before": _day(request.due_at, request.person.language or "nl"),
            "phone": format_phone(request.phone),
        },
        dedupe_key=f"callback_scheduled:request:{request.pk}",
    )


def staff_notifications_read(user: User) -> int:
    """Mark every unread workbench notification of ``user`` as read; returns how many."""
    from loket.notifications.models import StaffNotification

    return StaffNotification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def staff_notify_from_resident(*, case: Any, kind: str, text: str, key: str) -> int:
    """Tell the people handling ``case`` that the applicant sent something (issue 11): its
    assignee, or else every colleague of its team or partner. Called inside the transaction
    that stores the message or document, so the notification exists exactly when it does.
    Returns how many colleagues were told."""
    from loket.notifications.jobs import _team_members, notify_staff

    return notify_staff(
        users=_team_members(case),
        kind=kind,
        text=f"{case.identification} ({case.product.name_nl}): {text}",
        url=reverse("workbench:case_detail", kwargs={"uuid": case.uuid}),
        key=key,
        case=case,
    )


def staff_case_opened(*, case: Any) -> None:
    """A colleague opened the case: what the applicant sent counts as read, for the queue's
    mark and in everyone's notifications (the mirror of the resident's "messages from the
    municipality are read when the case page is opened")."""
    from loket.notifications.models import StaffNotification

    now = timezone.now()
    StaffNotification.objects.filter(
        case=case, kind__in=StaffNotification.FROM_RESIDENT, read_at__isnull=True
    ).update(read_at=now)
    case.messages.filter(sender="applicant", read_at__isnull=True).update(read_at=now)
