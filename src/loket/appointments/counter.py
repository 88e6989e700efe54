"""The counter day (issue 14, "The counter day"): check-in, tickets, calling, serving, finishing.

A ticket is numbered per location and day (``A007`` for an appointment, ``W012`` for a walk-in),
under the location's row lock, so two hosts checking people in at once never hand out one
number twice. A desk calls the next waiting ticket it can serve:

1. appointments whose time has come, by their time;
2. then walk-ins, by arrival;
3. then residents who came early for a later appointment, by their time.

On PostgreSQL the waiting tickets are read with ``FOR UPDATE SKIP LOCKED``, so two desks calling
at the same moment call two different tickets. Finishing a visit registers a contact on the
counter channel and, for products that create a case (a passport application), opens one case
per person, linked to the ticket (and through it to the appointment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loket.accounts.permissions import Action, require
from loket.appointments.availability import line_text
from loket.appointments.errors import CounterRefused
from loket.appointments.models import Appointment, Desk, Location, Ticket
from loket.catalogue.models import Channel, Product
from loket.history.services import history_record
from loket.lib.calendar import local_date
from loket.parties.models import Person

if TYPE_CHECKING:
    from loket.accounts.models import User

ACTIVE = (Ticket.Status.CALLED, Ticket.Status.SERVING)


def _next_number(location: Location, now: datetime) -> int:
    Location.objects.select_for_update().filter(pk=location.pk).first()
    last = (
        Ticket.objects.filter(location=location, day=local_date(now))
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 0) + 1


def ticket_check_in(
    *, appointment: Appointment, actor: User, now: datetime | None = None
) -> Ticket:
    """The resident has arrived for ``appointment``: a ticket, and the appointment is checked in.
    Only on the appointment's own day, at its location, and once."""
    now = now or timezone.now()
    require(actor, Action.COUNTER, appointment.location.municipality)
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if current.status != Appointment.Status.BOOKED:
            raise CounterRefused(
                _("This appointment is %(status)s; only a booked one can be checked in.")
                % {"status": current.get_status_display()}
            )
        if local_date(current.starts_at) != local_date(now):
            raise CounterRefused(_("This appointment is on another day."))
        number = _next_number(current.location, now)
        ticket = Ticket.objects.create(
            municipality=current.municipality,
            location=current.location,
            day=local_date(now),
            number=number,
            code=f"A{number:03d}",
            appointment=current,
            person=current.person,
            checked_in_at=now,
        )
        current.status = Appointment.Status.ARRIVED
        current.version += 1
        current.save(update_fields=["status", "version"])
        history_record(instance=ticket, action="create", actor=actor)
    return ticket


def ticket_walk_in(
    *,
    location: Location,
    product: Product,
    actor: User,
    person: Person | None = None,
    now: datetime | None = None,
) -> Ticket:
    """A ticket for someone without an appointment, for one product a desk here serves."""
    now = now or timezone.now()
    require(actor, Action.COUNTER, location.municipality)
    if not location.desks.filter(is_active=True, products=product).exists():
        raise CounterRefused(
            _("No desk at %(location)s serves %(product)s.")
            % {"location": location.name, "product": product.name},
        )
    with transaction.atomic():
        number = _next_number(location, now)
        ticket = Ticket.objects.create(
            municipality=person.municipality if person else location.municipality,
            location=location,
            day=local_date(now),
            number=number,
            code=f"W{number:03d}",
            product=product,
            person=person,
            checked_in_at=now,
        )
        history_record(instance=ticket, action="create", actor=actor)
    return ticket


def ticket_products(ticket: Ticket) -> list[tuple[Product, int]]:
    if ticket.appointment_id is not None:
        assert ticket.appointment is not None
        return [(line.product, line.persons) for line in ticket.appointment.lines.all()]
    return [(ticket.product, 1)] if ticket.product is not None else []


def _order(ticket: Ticket, now: datetime) -> tuple[int, datetime]:
    appointment = ticket.appointment
    if appointment is None:
        return (1, ticket.checked_in_at)
    return (0 if appointment.starts_at <= now else 2, appointment.starts_at)


def ticket_call_next(*, desk: Desk, actor: User, now: datetime | None = None) -> Ticket | None:
    """Call the next waiting ticket ``desk`` can serve (the order in the module docstring);
    None when nobody waits for it. Refused while the desk still has a called or served ticket."""
    now = now or timezone.now()
    require(actor, Action.COUNTER, desk.location.municipality)
    served = set(desk.products.values_list("pk", flat=True))
    with transaction.atomic():
        busy = Ticket.objects.filter(desk=desk, status__in=ACTIVE, day=local_date(now)).first()
        if busy is not None:
            raise CounterRefused(
                _("Finish ticket %(code)s first.") % {"code": busy.code}, field="desk"
            )
        waiting = Ticket.objects.filter(
            location=desk.location_id, day=local_date(now), status=Ticket.Status.WAITING
        )
        if connection.features.has_select_for_update_skip_locked:
            waiting = waiting.select_for_update(skip_locked=True, of=("self",))
        candidates = [
            ticket
            for ticket in waiting.select_related("appointment").prefetch_related(
                "appointment__lines"
            )
            if all(product.pk in served for product, _n in ticket_products(ticket))
        ]
        if not candidates:
            return None
        ticket = min(candidates, key=lambda t: _order(t, now))
        updated = Ticket.objects.filter(pk=ticket.pk, status=Ticket.Status.WAITING).update(
            status=Ticket.Status.CALLED, desk=desk, called_at=now, served_by=actor
        )
        if not updated:  # SQLite: another desk took it between our read and this write
            return None
        ticket.refresh_from_db()
        history_record(
            instance=ticket, action="update", actor=actor, changes={"status": ["waiting", "called"]}
        )
    return ticket


def _locked(ticket: Ticket, allowed: tuple[str, ...]) -> Ticket:
    current = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if current.status not in allowed:
        raise CounterRefused(
            _("Ticket %(code)s is %(status)s.")
            % {"code": current.code, "status": current.get_status_display()}
        )
    return current


def ticket_serve(*, ticket: Ticket, actor: User, now: datetime | None = None) -> Ticket:
    """The called resident has come to the desk."""
    now = now or timezone.now()
    require(actor, Action.COUNTER, ticket.location.municipality)
    with transaction.atomic():
        current = _locked(ticket, (Ticket.Status.CALLED,))
        current.status, current.started_at = Ticket.Status.SERVING, now
        current.save(update_fields=["status", "started_at"])
    return current


def ticket_no_show(*, ticket: Ticket, actor: User, now: datetime | None = None) -> Ticket:
    """Called, but nobody came to the desk; the appointment (if any) counts as a no-show."""
    now = now or timezone.now()
    require(actor, Action.COUNTER, ticket.location.municipality)
    with transaction.atomic():
        current = _locked(ticket, (Ticket.Status.CALLED,))
        current.status, current.finished_at = Ticket.Status.NO_SHOW, now
        current.save(update_fields=["status", "finished_at"])
        if current.appointment_id:
            Appointment.objects.filter(pk=current.appointment_id).update(
                status=Appointment.Status.NO_SHOW
            )
        history_record(
            instance=current,
            action="update",
            actor=actor,
            changes={"status": ["called", "no_show"]},
        )
    return current


@dataclass(frozen=True)
class Finished:
    ticket: Ticket
    cases: list[object]


def ticket_finish(
    *,
    ticket: Ticket,
    actor: User,
    note: str = "",
    person: Person | None = None,
    now: datetime | None = None,
) -> Ticket:
    """The visit is over. Registers one contact on the counter channel; for every product that
    creates a case, one case per person (two passports: two applications), with the resident as
    applicant, all linked to the ticket. A walk-in needs a resident (``person``) for that."""
    from loket.cases.services import case_create
    from loket.contacts.services import contact_register

    now = now or timezone.now()
    require(actor, Action.COUNTER, ticket.location.municipality)
    with transaction.atomic():
        current = _locked(ticket, ACTIVE)
        person = person or current.person
        if person is not None and person.municipality_id != current.municipality_id:
            raise CounterRefused(_("This resident belongs to another municipality."))
        lines = ticket_products(current)
        opening = [(product, n) for product, n in lines if product.creates_case]
        if opening and person is None:
            raise CounterRefused(
                _("Find or register the resident first: %(product)s opens a case in their name.")
                % {"product": opening[0][0].name},
                field="person",
            )
        with translation.override("nl"):
            subject = _("Counter visit %(code)s: %(products)s") % {
                "code": current.code,
                "products": ", ".join(line_text(p, n) for p, n in lines),
            }
        municipality = current.municipality
        first = opening[0][0] if opening else (lines[0][0] if lines else None)
        contact = contact_register(
            municipality=municipality,
            actor=actor,
            channel=Channel.COUNTER,
            subject=subject[:200],
            outcome="case_created" if opening else "answered",
            text=note,
            person=person,
            product=first,
            occurred_at=now,
        )
        cases = [contact.case] if contact.case is not None else []
        remaining = [(p, n - 1 if i == 0 else n) for i, (p, n) in enumerate(opening)]
        for product, persons in remaining:
            for _i in range(persons):
                cases.append(
                    case_create(
                        municipality=municipality,
                        product=product,
                        subject=subject[:200],
                        channel=Channel.COUNTER,
                        person=person,
                        started_at=now,
                        actor=actor,
                    )
                )
        current.status, current.finished_at = Ticket.Status.DONE, now
        current.started_at = current.started_at or now
        current.contact = contact
        current.person = person
        current.save()
        current.cases.set([case for case in cases if case is not None])
        if current.appointment_id:
            Appointment.objects.filter(pk=current.appointment_id).update(
                status=Appointment.Status.DONE
            )
        history_record(
            instance=current, action="update", actor=actor, changes={"status": ["serving", "done"]}
        )
    return current


@dataclass(frozen=True)
class Called:
    code: str
    desk: str
    called_at: datetime


def display_state(
    location: Location, *, now: datetime | None = None, size: int = 8
) -> list[Called]:
    """What the waiting-room screen shows: the last tickets called today, newest first, with
    their desk. Ticket numbers and desks only, never names (one indexed query)."""
    now = now or timezone.now()
    rows = (
        Ticket.objects.filter(location=location, day=local_date(now), called_at__isnull=False)
        .filter(status__in=(Ticket.Status.CALLED, Ticket.Status.SERVING))
        .order_by("-called_at")
        .values_list("code", "desk__name", "called_at")[:size]
    )
    return [Called(code, desk or "", called_at) for code, desk, called_at in rows if called_at]
