"""Booking, moving and cancelling appointments: the one place of their rules, used by the
resident's pages, the front office, and the API alike (issue 14).

Every booking locks its location's row first, so two residents taking the last place of a slot
are served one after the other: the second sees the desk taken and gets ``SlotTaken`` with the
next free slots. Confirmations, moves and cancellations go to the resident through the outbox in
the same transaction, with an iCalendar invitation (``loket.appointments.ics``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loket.accounts.permissions import Action, require
from loket.appointments.availability import (
    Need,
    Plan,
    Slot,
    Window,
    free_desk,
    free_slots,
    line_text,
    rules_for,
)
from loket.appointments.errors import AppointmentRefused, OverLimit, SlotTaken, TokenRefused
from loket.appointments.models import (
    Appointment,
    AppointmentLine,
    AppointmentSettings,
    AppointmentToken,
    Location,
)
from loket.catalogue.models import Channel, Product
from loket.history.services import history_record
from loket.lib.calendar import AMSTERDAM
from loket.parties.errors import PartyRefused
from loket.parties.models import Person
from loket.parties.services import person_find_or_create
from loket.tenancy.models import Municipality

if TYPE_CHECKING:
    from loket.accounts.models import User

MAX_PERSONS = 10
MAX_LINES = 5
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the desk


@dataclass(frozen=True)
class Resident:
    """Who the appointment is for, as typed on the form (or prefilled from DigiD)."""

    surname: str
    first_name: str = ""
    email: str = ""
    phone: str = ""
    bsn: str = ""
    language: str = "nl"


def need_for(municipality: Municipality, lines: Sequence[tuple[Product, int]]) -> Need:
    """Check the products of a booking and return what it needs. Refused: no product, a product
    the municipality does not offer, one that needs no appointment, a count out of range."""
    if not lines:
        raise AppointmentRefused(_("Choose at least one product."), field="products")
    if len(lines) > MAX_LINES:
        raise AppointmentRefused(
            _("At most %(count)d different products per appointment.") % {"count": MAX_LINES},
            field="products",
        )
    offered = set(Product.objects.offered_in(municipality).values_list("pk", flat=True))
    merged: dict[int, tuple[Product, int]] = {}
    for product, persons in lines:
        if product.pk not in offered:
            raise AppointmentRefused(
                _("%(product)s is not offered by %(municipality)s.")
                % {"product": product.name, "municipality": municipality.name},
                field="products",
            )
        if not product.appointment_minutes:
            raise AppointmentRefused(
                _("%(product)s needs no appointment: see the product page for how to arrange it.")
                % {"product": product.name},
                field="products",
            )
        if persons < 1 or persons > MAX_PERSONS:
            raise AppointmentRefused(
                _("Choose 1 to %(max)d persons per product.") % {"max": MAX_PERSONS},
                field="products",
            )
        earlier = merged.get(product.pk, (product, 0))[1]
        merged[product.pk] = (product, earlier + persons)
    if any(persons > MAX_PERSONS for _product, persons in merged.values()):
        raise AppointmentRefused(
            _("Choose 1 to %(max)d persons per product.") % {"max": MAX_PERSONS}, field="products"
        )
    return Need(tuple(merged.values()))


def _serves(location: Location, municipality: Municipality) -> bool:
    return location.is_active and (
        location.municipality_id == municipality.pk
        or location.serves.filter(pk=municipality.pk).exists()
    )


def slot_refusal(
    *,
    municipality: Municipality,
    location: Location,
    need: Need,
    starts_at: datetime,
    now: datetime | None = None,
    plan: Plan | None = None,
    rules: AppointmentSettings | None = None,
) -> tuple[datetime, str]:
    """``(ends_at, "")`` when ``starts_at`` is a time this location could take ``need`` (open,
    on the grid, long enough, within the booking window); else ``(starts_at, why)``, the
    resident's message. Whether a desk is still free is checked under the lock. ``plan`` and
    ``rules``: the location's plan and the municipality's rules, when the caller has them."""
    now = now or timezone.now()
    rules = rules or rules_for(municipality)
    window = Window.at(municipality, now, rules=rules)
    local = starts_at.astimezone(AMSTERDAM)
    day = local.date()
    if starts_at < now:
        return starts_at, _("This time has passed. Choose a time in the future.")
    if starts_at < window.earliest:
        return starts_at, ngettext(
            "Book at least %(hours)d hour ahead.",
            "Book at least %(hours)d hours ahead.",
            rules.earliest_hours,
        ) % {"hours": rules.earliest_hours}
    if day > window.last_day:
        return starts_at, ngettext(
            "You can book at most %(days)d day ahead.",
            "You can book at most %(days)d days ahead.",
            rules.latest_days,
        ) % {"days": rules.latest_days}
    if not _serves(location, municipality):
        return starts_at, _("This location does not take appointments for %(municipality)s.") % {
            "municipality": municipality.name
        }
    plan = plan or Plan.load(location)
    if not plan.desks_for(need):
        return starts_at, _("%(location)s does not offer %(products)s in one appointment.") % {
            "location": location.name,
            "products": need.describe(),
        }
    why_closed = plan.closed_because(day)
    if why_closed:
        return starts_at, _("%(location)s is closed on %(day)s (%(reason)s).") % {
            "location": location.name,
            "day": day.strftime("%d-%m-%Y"),
            "reason": why_closed,
        }
    intervals = plan.intervals(day)
    inside = [(opens, closes) for opens, closes in intervals if opens <= starts_at < closes]
    if not inside:
        return starts_at, _("%(location)s is not open at %(time)s on that day.") % {
            "location": location.name,
            "time": local.strftime("%H:%M"),
        }
    for begins, ends in plan.starts(day, need.minutes):
        if begins == starts_at:
            return ends, ""
    opens, closes = inside[0]
    step = timedelta(minutes=location.slot_minutes)
    if (starts_at - opens) % step:
        return starts_at, _("Appointments start every %(minutes)d minutes.") % {
            "minutes": location.slot_minutes
        }
    return starts_at, _(
        "Your products need %(minutes)d minutes; the location closes at %(closes)s."
    ) % {"minutes": need.minutes, "closes": closes.astimezone(AMSTERDAM).strftime("%H:%M")}


def _lock_location(location: Location) -> Location:
    return Location.objects.select_for_update().get(pk=location.pk)


def _same_resident(person: Person) -> list[int]:
    """The persons that are this resident for the limit: the same person, or one with the same
    e-mail address, mobile number or BSN (a resident booking twice without logging in). Looked
    up first, by the indexed columns, so the count below is an index scan per person."""
    same = Q(pk=person.pk)
    if person.email:
        same |= Q(email__iexact=person.email)
    if person.phone:
        same |= Q(phone=person.phone)
    if person.bsn:
        same |= Q(bsn=person.bsn)
    return list(
        Person.objects.filter(municipality_id=person.municipality_id)
        .filter(same)
        .values_list("pk", flat=True)
    )


def _check_limit(
    municipality: Municipality, person: Person, now: datetime, rules: AppointmentSettings
) -> None:
    limit = rules.per_person_limit
    count = Appointment.objects.filter(
        person_id__in=_same_resident(person), status=Appointment.Status.BOOKED, starts_at__gt=now
    ).count()
    if count >= limit:
        raise OverLimit(
            ngettext(
                "You already have %(count)d coming appointment, the most one person can have."
                " Cancel or move it first.",
                "You already have %(count)d coming appointments, the most one person can have."
                " Cancel or move one first.",
                count,
            )
            % {"count": count}
        )


def _reference() -> str:
    return "AFS-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_tokens(appointment: Appointment, now: datetime) -> dict[str, str]:
    """Fresh single-use links for cancel and move; earlier ones stop working."""
    appointment.tokens.filter(used_at__isnull=True).update(used_at=now)
    raw = {str(action): secrets.token_urlsafe(24) for action in AppointmentToken.Action}
    AppointmentToken.objects.bulk_create(
        AppointmentToken(
            appointment=appointment,
            action=action,
            digest=_digest(token),
            expires_at=appointment.ends_at,
        )
        for action, token in raw.items()
    )
    return raw


def manage_url(municipality: Municipality, action: str, token: str) -> str:
    name = "portal:appointment_cancel" if action == "cancel" else "portal:appointment_move"
    path = reverse(name, kwargs={"municipality": municipality.slug, "token": token})
    return settings.LOKET_BASE_URL.rstrip("/") + path


def _notify(appointment: Appointment, event: str, tokens: dict[str, str], key: str) -> None:
    from loket.appointments.ics import invitation
    from loket.notifications.services import enqueue

    municipality = appointment.municipality
    with translation.override(appointment.language):
        lines = list(appointment.lines.select_related("product"))
        bring = bring_list(appointment, lines)
        context = {
            "reference": appointment.reference,
            "when": when_text(appointment.starts_at),
            "location": f"{appointment.location.name}, {appointment.location.address}",
            "products": ", ".join(line_text(line.product, line.persons) for line in lines),
            "bring": "\n".join(f"- {item}" for item in bring) or "-",
            "move_url": manage_url(municipality, "move", tokens["move"]) if tokens else "",
            "cancel_url": manage_url(municipality, "cancel", tokens["cancel"]) if tokens else "",
            "book_url": settings.LOKET_BASE_URL.rstrip("/")
            + reverse("portal:appointment_start", kwargs={"municipality": municipality.slug}),
        }
        attachment = ("afspraak.ics", "text/calendar", invitation(appointment, lines))
    enqueue(
        event=event,
        municipality=municipality,
        person=appointment.person,
        context=context,
        dedupe_key=key,
        attachment=attachment,
    )


def bring_list(
    appointment: Appointment, lines: Sequence[AppointmentLine] | None = None
) -> list[str]:
    """What to bring, from the products' texts in the active language, each once, without the
    appointment itself: what the confirmation, the reminder and the pages list."""
    found: list[str] = []
    for line in appointment.lines.all() if lines is None else lines:
        for need in line.product.needs:
            if not _is_the_appointment(need) and need not in found:
                found.append(need)
    return found


def _is_the_appointment(need: str) -> bool:
    """The product texts list "an appointment" among what you need; the confirmation of that
    appointment does not tell the resident to bring it."""
    return any(word in need.lower() for word in ("afspraak", "appointment"))


def when_text(moment: datetime) -> str:
    """``dinsdag 8 december 2026 om 10:20`` (or English), in Europe/Amsterdam time."""
    from django.utils.formats import date_format

    local = moment.astimezone(AMSTERDAM)
    return _("%(day)s at %(time)s") % {
        "day": date_format(local, "l j F Y"),
        "time": local.strftime("%H:%M"),
    }


def _resident_person(municipality: Municipality, resident: Resident, actor: User | None) -> Person:
    if not resident.surname.strip():
        raise AppointmentRefused(_("Fill in your surname."), field="surname")
    if not resident.email.strip() and not resident.phone.strip():
        raise AppointmentRefused(
            _("Give an e-mail address or a mobile number, so we can send the confirmation."),
            field="email",
        )
    data = {
        "surname": resident.surname,
        "first_name": resident.first_name,
        "email": resident.email,
        "phone": resident.phone,
        "bsn": resident.bsn,
        "language": resident.language if resident.language in ("nl", "en") else "nl",
    }
    try:
        return person_find_or_create(
            municipality=municipality,
            data={key: value for key, value in data.items() if value},
            actor=actor,
            reason="appointment",
        )
    except PartyRefused as refused:
        raise AppointmentRefused(refused.message, field=refused.field) from None


def appointment_book(
    *,
    municipality: Municipality,
    lines: Sequence[tuple[Product, int]],
    location: Location,
    starts_at: datetime,
    channel: str = Channel.WEB,
    resident: Resident | None = None,
    person: Person | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Book ``lines`` at ``location`` from ``starts_at`` for a resident (the typed details, or a
    known ``person``). Staff (``actor``) book on the phone or at the counter: their role must
    allow ``book``, and the call is registered as a contact with the booking.

    Refused, with nothing stored: a product not offered or needing no appointment; a time in
    the past, outside the booking window, outside opening hours, on a holiday or closed day,
    off the grid, or too short for the products (``slot_refusal``); more coming appointments
    than the municipality allows one person (``OverLimit``); and when every desk is taken by the
    time the lock is ours (``SlotTaken``, with the next free slots)."""
    now = now or timezone.now()
    if actor is not None:
        require(actor, Action.BOOK, municipality)
    need = need_for(municipality, lines)
    plan, rules = Plan.load(location), rules_for(municipality)
    ends_at, why = slot_refusal(
        municipality=municipality,
        location=location,
        need=need,
        starts_at=starts_at,
        now=now,
        plan=plan,
        rules=rules,
    )
    if why:
        raise AppointmentRefused(why, field="slot")
    with transaction.atomic():
        if person is None:
            if resident is None:
                raise AppointmentRefused(_("Say who the appointment is for."), field="surname")
            person = _resident_person(municipality, resident, actor)
        elif person.municipality_id != municipality.pk:
            raise AppointmentRefused(_("This resident belongs to another municipality."))
        locked = _lock_location(location)
        _check_limit(municipality, person, now, rules)
        desk = free_desk(
            location=locked, need=need, starts_at=starts_at, ends_at=ends_at, ignore=None, plan=plan
        )
        if desk is None:
            taken = True
        else:
            taken = False
            appointment = _create(
                municipality, locked, desk, need, starts_at, ends_at, person, channel, actor, now
            )
    if taken:
        raise SlotTaken(_alternatives(municipality, need, starts_at, now))
    return appointment


def _create(  # type: ignore[no-untyped-def]
    municipality, location, desk, need, starts_at, ends_at, person, channel, actor, now
) -> Appointment:
    language = person.language if person.language in ("nl", "en") else "nl"
    for _attempt in range(5):
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    municipality=municipality,
                    reference=_reference(),
                    location=location,
                    desk=desk,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    channel=channel,
                    person=person,
                    language=language,
                    booked_by=actor if getattr(actor, "is_authenticated", False) else None,
                    created_at=now,
                )
            break
        except IntegrityError:  # the one-in-a-billion reference collision: draw again
            continue
    else:
        raise AppointmentRefused(_("Booking failed; please try again."))
    AppointmentLine.objects.bulk_create(
        AppointmentLine(appointment=appointment, product=product, persons=persons)
        for product, persons in need.lines
    )
    if actor is not None and channel in (Channel.PHONE, Channel.COUNTER):
        from loket.contacts.services import contact_register

        with translation.override("nl"):
            subject = _("Appointment made: %(when)s") % {"when": when_text(starts_at)}
        contact = contact_register(
            municipality=municipality,
            actor=actor,
            channel=channel,
            subject=subject[:200],
            outcome="answered",
            text=need.describe(),
            person=person,
            product=need.lines[0][0],
            occurred_at=now,
        )
        appointment.contact = contact
        appointment.save(update_fields=["contact"])
    history_record(instance=appointment, action="create", actor=actor)
    tokens = _new_tokens(appointment, now)
    _notify(appointment, "appointment_booked", tokens, f"appointment:{appointment.uuid}:booked")
    return appointment


def _alternatives(
    municipality: Municipality, need: Need, after: datetime, now: datetime
) -> list[Slot]:
    return free_slots(municipality=municipality, need=need, start=after, limit=5, now=now)


def _need_of(appointment: Appointment) -> Need:
    return Need(tuple((line.product, line.persons) for line in appointment.lines.all()))


def _lock_appointment(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update().get(pk=appointment.pk)


def token_appointment(*, token: str, action: str, now: datetime | None = None) -> Appointment:
    """The appointment a cancel or move link belongs to. Refused (``TokenRefused``) when the
    link is unknown, was used, or its appointment has ended or was cancelled."""
    now = now or timezone.now()
    found = (
        AppointmentToken.objects.select_related(
            "appointment__location", "appointment__municipality"
        )
        .filter(digest=_digest(token or ""), action=action)
        .first()
    )
    if found is None:
        raise TokenRefused(_("This link is not valid. Use the link in your latest e-mail."))
    if found.used_at is not None:
        raise TokenRefused(
            _("This link has been used. Use the link in your latest e-mail about the appointment.")
        )
    if found.expires_at <= now or found.appointment.status != Appointment.Status.BOOKED:
        raise TokenRefused(_("This appointment can no longer be changed with this link."))
    return found.appointment


def _authorise(
    appointment: Appointment, *, actor: User | None, token: str, action: str, by: Person | None
) -> None:
    if actor is not None:
        require(actor, Action.BOOK, appointment.municipality)
    elif by is not None:
        if by.pk != appointment.person_id:
            raise AppointmentRefused(_("This is not your appointment."))
    else:
        if token_appointment(token=token, action=action).pk != appointment.pk:
            raise TokenRefused(_("This link is not valid. Use the link in your latest e-mail."))


def _use_token(token: str, now: datetime) -> None:
    if token:
        AppointmentToken.objects.filter(digest=_digest(token)).update(used_at=now)


def appointment_move(
    *,
    appointment: Appointment,
    starts_at: datetime,
    location: Location | None = None,
    actor: User | None = None,
    token: str = "",
    by: Person | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Move a booked appointment to another time (and location), for the same products. Done
    with the move link (``token``, used up), by the resident logged in (``by``) or by staff
    (``actor``). The same checks as a booking apply; the old time is freed in the same
    transaction, new links replace the old ones, and the message carries the invitation with
    the same UID and a higher SEQUENCE, so calendars replace the old entry."""
    now = now or timezone.now()
    _authorise(appointment, actor=actor, token=token, action="move", by=by)
    location = location or appointment.location
    municipality = appointment.municipality
    need = _need_of(appointment)
    ends_at, why = slot_refusal(
        municipality=municipality, location=location, need=need, starts_at=starts_at, now=now
    )
    if why:
        raise AppointmentRefused(why, field="slot")
    with transaction.atomic():
        locked = _lock_location(location)
        current = _lock_appointment(appointment)
        if current.status != Appointment.Status.BOOKED:
            raise AppointmentRefused(_("Only a booked appointment can be moved."))
        desk = free_desk(
            location=locked, need=need, starts_at=starts_at, ends_at=ends_at, ignore=current.pk
        )
        if desk is not None:
            before = current.starts_at
            current.location, current.desk = locked, desk
            current.starts_at, current.ends_at = starts_at, ends_at
            current.sequence += 1
            current.version += 1
            current.save()
            _use_token(token, now)
            history_record(
                instance=current,
                action="update",
                actor=actor,
                changes={"starts_at": [before.isoformat(), starts_at.isoformat()]},
            )
            tokens = _new_tokens(current, now)
            _notify(
                current,
                "appointment_moved",
                tokens,
                f"appointment:{current.uuid}:moved:{current.sequence}",
            )
    if desk is None:
        raise SlotTaken(_alternatives(municipality, need, starts_at, now))
    return current


def appointment_cancel(
    *,
    appointment: Appointment,
    actor: User | None = None,
    token: str = "",
    by: Person | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Cancel a booked appointment: its desk is free at once, its links stop working, and the
    resident gets a cancellation (an iCalendar CANCEL removes it from their calendar)."""
    now = now or timezone.now()
    _authorise(appointment, actor=actor, token=token, action="cancel", by=by)
    with transaction.atomic():
        current = _lock_appointment(appointment)
        if current.status != Appointment.Status.BOOKED:
            raise AppointmentRefused(_("Only a booked appointment can be cancelled."))
        current.status = Appointment.Status.CANCELLED
        current.cancelled_at = now
        current.sequence += 1
        current.version += 1
        current.save()
        current.tokens.filter(used_at__isnull=True).update(used_at=now)
        history_record(
            instance=current,
            action="update",
            actor=actor,
            changes={"status": ["booked", "cancelled"]},
        )
        _notify(current, "appointment_cancelled", {}, f"appointment:{current.uuid}:cancelled")
    return current


def appointments_of(person: Person) -> list[Appointment]:
    """A resident's appointments, coming first then past: what Mijn Loket and the front office
    show."""
    return list(
        Appointment.objects.filter(person=person)
        .select_related("location")
        .prefetch_related("lines__product")
        .order_by("-starts_at")
    )
