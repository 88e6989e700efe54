"""The staff side of appointments (issue 14, items 5 and 6): the front office books, moves and
cancels for a caller from the resident's page, and the counter runs its day: the day list with
check-in and walk-ins, the desk that calls, serves and finishes, and the waiting-room screen.

Thin views: every rule is ``loket.appointments.services`` (booking) or
``loket.appointments.counter`` (tickets); a refusal is shown with its reason. Locations are
those the user's municipalities own or are served by; appointments, tickets and persons are
read through ``visible_to(user)``, so another municipality's records are a 404 and a resident's
name is shown only to staff whose role may view in that municipality. The pages need the role's
``counter`` (or ``book``) action in the location's (or resident's) municipality: else a 403.

The waiting-room screen is public (the location's uuid is its key) and shows ticket numbers and
desks only, never names or products.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.accounts.models import User
from loket.accounts.permissions import Action, permitted, require
from loket.accounts.requests import StaffRequest
from loket.appointments import counter as tickets
from loket.appointments import services as appointments
from loket.appointments.availability import (
    Need,
    Slot,
    free_slots,
    line_text,
    nearest_per_location,
    serving_locations,
)
from loket.appointments.errors import AppointmentRefused, CounterRefused, SlotTaken
from loket.appointments.models import Appointment, Desk, Location, Ticket
from loket.lib.calendar import AMSTERDAM, local_date
from loket.lib.params import BadParameter, id_param, parse_id, uuid_param
from loket.tenancy.models import Municipality
from loket.workbench.counter_forms import BookingForm, FinishForm, WalkInForm, bookable_products
from loket.workbench.parties import visible_person

# How far a day list may look back or ahead: a typo in the year is a 400, not a slow scan.
DAY_RANGE = timedelta(days=366)


def _day_param(params: QueryDict, name: str) -> date | None:
    """``params[name]`` as a date (YYYY-MM-DD); None when absent; a 400 when it is not one."""
    text = (params.get(name) or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or len(text) != 10 or abs(day - local_date(timezone.now())) > DAY_RANGE:
        raise BadParameter(
            name,
            _("“%(name)s” must be a date such as 2026-12-07, not “%(value)s”.")
            % {"name": name, "value": text[:20]},
        )
    return day


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=AMSTERDAM)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=AMSTERDAM)


# --- Which locations, which records ---------------------------------------------------------


def counter_locations(user: User) -> QuerySet[Location]:
    """The active locations of the user's municipalities, and those serving them (a shared
    service's counter)."""
    own = Location.objects.visible_to(user)
    served = Q() if user.is_partner_worker else Q(serves__in=user.viewable_municipality_ids)
    query = Q(pk__in=own.values("pk")) | served if served else Q(pk__in=own.values("pk"))
    return Location.objects.filter(query, is_active=True).distinct().order_by("name")


def _location(user: User, uuid: UUID) -> Location:
    """The location ``uuid`` if the user works there (else 404) and may serve at its counter
    (else 403)."""
    location = get_object_or_404(counter_locations(user).select_related("municipality"), uuid=uuid)
    require(user, Action.COUNTER, location.municipality)
    return location


def _sees(user: User, record: Ticket | Appointment) -> bool:
    """Whether the user may see the resident of this record (``visible_to`` of its model)."""
    return user.is_superuser or record.municipality_id in user.viewable_municipality_ids


def _desk(location: Location, pk: int) -> Desk:
    return get_object_or_404(Desk, pk=pk, location=location, is_active=True)


def _products_text(ticket: Ticket) -> str:
    return ", ".join(line_text(product, n) for product, n in tickets.ticket_products(ticket))


# --- Front office: booking, moving, cancelling for a caller ---------------------------------


@dataclass
class SlotChoice:
    """The times a page offers: the nearest per location, and the free times of one day at one
    location when the user asked for them."""

    nearest: list[Slot]
    locations: list[Location]
    day: date | None = None
    location: Location | None = None
    times: list[Slot] = field(default_factory=list)

    @property
    def nearest_options(self) -> list[tuple[str, Slot]]:
        return [(slot_value(slot), slot) for slot in self.nearest]

    @property
    def time_options(self) -> list[tuple[str, Slot]]:
        return [(slot_value(slot), slot) for slot in self.times]


def slot_value(slot: Slot) -> str:
    return f"{slot.location.pk}_{int(slot.starts_at.timestamp())}"


def _slot_choice(
    municipality: Municipality, need: Need, params: QueryDict, *, ignore: int | None = None
) -> SlotChoice:
    choice = SlotChoice(
        nearest=nearest_per_location(municipality=municipality, need=need, ignore=ignore),
        locations=serving_locations(municipality),
    )
    choice.day = _day_param(params, "dag")
    wanted = id_param(params, "locatie")
    choice.location = next((loc for loc in choice.locations if loc.pk == wanted), None)
    if choice.day and choice.location:
        start, _end = _day_bounds(choice.day)
        choice.times = [
            slot
            for slot in free_slots(
                municipality=municipality,
                need=need,
                days=1,
                start=start,
                locations=[choice.location],
                ignore=ignore,
            )
            if slot.local_start.date() == choice.day
        ]
    return choice


def _chosen_slot(params: QueryDict, municipality: Municipality) -> tuple[Location, datetime] | None:
    """The posted ``slot`` (``<location id>_<unix time>``) at a location serving the
    municipality, or None."""
    location_id, _sep, stamp = (params.get("slot") or "").partition("_")
    pk, seconds = parse_id(location_id), parse_id(stamp)
    # A time past the year 3000 is no slot (and past 9999 no datetime at all).
    if pk is None or seconds is None or seconds > 2**35:
        return None
    location = next((loc for loc in serving_locations(municipality) if loc.pk == pk), None)
    if location is None:
        return None
    return location, datetime.fromtimestamp(seconds, tz=UTC)


@login_required
def appointment_new(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """Book for a caller in three steps on one page: products and persons (GET), a time (the
    nearest per location or a chosen day's free times), and the confirmation (POST)."""
    user = request.user
    person = visible_person(user, uuid)
    municipality = person.municipality
    require(user, Action.BOOK, municipality)
    products = bookable_products(municipality)
    params = request.POST if request.method == "POST" else request.GET
    form = BookingForm(params if "kanaal" in params else None, products=products)
    choice, error, status = None, "", 200
    if form.is_bound and form.is_valid():
        try:
            need = appointments.need_for(municipality, form.lines())
        except AppointmentRefused as refused:
            form.add_error(None, str(refused.message))
        else:
            choice = _slot_choice(municipality, need, request.GET)
            if request.method == "POST":
                chosen = _chosen_slot(request.POST, municipality)
                if chosen is None:
                    error = _("Choose a time.")
                else:
                    location, starts_at = chosen
                    try:
                        appointment = appointments.appointment_book(
                            municipality=municipality,
                            lines=form.lines(),
                            location=location,
                            starts_at=starts_at,
                            person=person,
                            actor=user,
                            channel=form.cleaned_data["kanaal"],
                        )
                    except SlotTaken as taken:
                        error = str(taken.message)
                        choice = SlotChoice(nearest=taken.alternatives, locations=choice.locations)
                    except AppointmentRefused as refused:
                        error = str(refused.message)
                    else:
                        messages.success(
                            request,
                            _("Appointment %(reference)s made: %(when)s, %(location)s.")
                            % {
                                "reference": appointment.reference,
                                "when": appointments.when_text(appointment.starts_at),
                                "location": appointment.location.name,
                            },
                        )
                        return redirect("workbench:person_detail", uuid=person.uuid)
    if request.method == "POST":
        status = 400
    return render(
        request,
        "workbench/appointment_new.html",
        {
            "person": person,
            "form": form,
            "choice": choice,
            "carried": form.carried() if choice is not None else [],
            "error": error,
        },
        status=status,
    )


def _visible_appointment(user: User, uuid: UUID) -> Appointment:
    return get_object_or_404(
        Appointment.objects.visible_to(user)
        .select_related("person", "location", "municipality")
        .prefetch_related("lines__product"),
        uuid=uuid,
    )


@login_required
def appointment_move(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """Another time (or location) for a booked appointment, for the same products."""
    user = request.user
    appointment = _visible_appointment(user, uuid)
    require(user, Action.BOOK, appointment.municipality)
    municipality = appointment.municipality
    need = Need(tuple((line.product, line.persons) for line in appointment.lines.all()))
    error, status = "", 200
    if appointment.status != Appointment.Status.BOOKED:
        error = _("Only a booked appointment can be moved.")
        choice = SlotChoice(nearest=[], locations=[])
    else:
        choice = _slot_choice(municipality, need, request.GET, ignore=appointment.pk)
    if request.method == "POST" and not error:
        status = 400
        chosen = _chosen_slot(request.POST, municipality)
        if chosen is None:
            error = _("Choose a time.")
        else:
            location, starts_at = chosen
            try:
                moved = appointments.appointment_move(
                    appointment=appointment, starts_at=starts_at, location=location, actor=user
                )
            except SlotTaken as taken:
                error = str(taken.message)
                choice = SlotChoice(nearest=taken.alternatives, locations=choice.locations)
            except AppointmentRefused as refused:
                error = str(refused.message)
            else:
                messages.success(
                    request,
                    _("Appointment %(reference)s moved to %(when)s, %(location)s.")
                    % {
                        "reference": moved.reference,
                        "when": appointments.when_text(moved.starts_at),
                        "location": moved.location.name,
                    },
                )
                return redirect("workbench:person_detail", uuid=appointment.person.uuid)
    return render(
        request,
        "workbench/appointment_move.html",
        {
            "appointment": appointment,
            "person": appointment.person,
            "products": need.describe(),
            "when": appointments.when_text(appointment.starts_at),
            "choice": choice,
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def appointment_cancel(request: StaffRequest, uuid: UUID) -> HttpResponse:
    user = request.user
    appointment = _visible_appointment(user, uuid)
    try:
        appointments.appointment_cancel(appointment=appointment, actor=user)
    except AppointmentRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(
            request,
            _("Appointment %(reference)s is cancelled; the resident gets a message.")
            % {"reference": appointment.reference},
        )
    return redirect("workbench:person_detail", uuid=appointment.person.uuid)


# --- The counter day ------------------------------------------------------------------------


@login_required
def counter_index(request: StaffRequest) -> HttpResponse:
    user = request.user
    require(user, Action.COUNTER)
    locations = [
        location
        for location in counter_locations(user)
        .select_related("municipality")
        .prefetch_related("desks")
        if user.is_superuser or _may_counter(user, location)
    ]
    return render(request, "workbench/counter_index.html", {"locations": locations})


def _may_counter(user: User, location: Location) -> bool:
    return permitted(user, Action.COUNTER, location.municipality_id)


def _day_url(location: Location, **params: Any) -> str:
    url = reverse("workbench:counter_day", kwargs={"location": location.uuid})
    query = {key: value for key, value in params.items() if value}
    return f"{url}?{urlencode(query)}" if query else url


@login_required
def counter_day(request: StaffRequest, location: UUID) -> HttpResponse:
    """The day list of a location; a POST is a walk-in (a ticket without an appointment)."""
    user = request.user
    place = _location(user, location)
    today = local_date(timezone.now())
    if request.method == "POST":
        form = WalkInForm(request.POST, location=place, user=user)
        if form.is_valid():
            try:
                ticket = tickets.ticket_walk_in(
                    location=place,
                    product=form.cleaned_data["product"],
                    person=form.cleaned_data["person"],
                    actor=user,
                )
            except CounterRefused as refused:
                form.add_error(None, str(refused.message))
            else:
                return redirect(_day_url(place, nummer=ticket.uuid))
        return _day_page(request, place, today, None, form, status=400)
    day = _day_param(request.GET, "dag") or today
    desk_id = id_param(request.GET, "balie")
    desk = _desk(place, desk_id) if desk_id else None
    return _day_page(request, place, day, desk, WalkInForm(location=place, user=user))


def _day_page(
    request: StaffRequest,
    place: Location,
    day: date,
    desk: Desk | None,
    form: WalkInForm,
    *,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = local_date(timezone.now())
    start, end = _day_bounds(day)
    booked = (
        Appointment.objects.visible_to(user)
        .filter(location=place, starts_at__gte=start, starts_at__lt=end)
        .select_related("person", "desk", "ticket")
        .prefetch_related("lines__product")
        .order_by("starts_at", "reference")
    )
    if desk is not None:
        booked = booked.filter(desk=desk)
    day_tickets = (
        Ticket.objects.visible_to(user)
        .filter(location=place, day=day)
        .exclude(status__in=(Ticket.Status.DONE, Ticket.Status.NO_SHOW))
        .select_related("person", "product", "desk", "appointment")
        .prefetch_related("appointment__lines__product")
    )
    given_uuid = uuid_param(request.GET, "nummer")
    given = (
        Ticket.objects.visible_to(user).filter(location=place, uuid=given_uuid).first()
        if given_uuid
        else None
    )
    rows = [
        {
            "appointment": appointment,
            "products": ", ".join(
                line_text(line.product, line.persons) for line in appointment.lines.all()
            ),
            "ticket": getattr(appointment, "ticket", None),
            "can_check_in": day == today and appointment.status == Appointment.Status.BOOKED,
        }
        for appointment in booked
    ]
    waiting = [
        {"ticket": ticket, "products": _products_text(ticket)}
        for ticket in day_tickets
        if ticket.status == Ticket.Status.WAITING
    ]
    at_desks = [
        {"ticket": ticket, "products": _products_text(ticket)}
        for ticket in day_tickets
        if ticket.status != Ticket.Status.WAITING
    ]
    return render(
        request,
        "workbench/counter_day.html",
        {
            "location": place,
            "day": day,
            "today": today,
            "is_today": day == today,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "desk": desk,
            "desks": place.desks.filter(is_active=True),
            "rows": rows,
            "waiting": waiting,
            "at_desks": at_desks,
            "given": given,
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def counter_check_in(request: StaffRequest, location: UUID, appointment: UUID) -> HttpResponse:
    user = request.user
    place = _location(user, location)
    found = get_object_or_404(
        Appointment.objects.visible_to(user).select_related("location"),
        uuid=appointment,
        location=place,
    )
    try:
        ticket = tickets.ticket_check_in(appointment=found, actor=user)
    except CounterRefused as refused:
        messages.error(request, str(refused.message))
        return redirect(_day_url(place))
    return redirect(_day_url(place, nummer=ticket.uuid))


# --- The desk -------------------------------------------------------------------------------


def _current(desk: Desk) -> Ticket | None:
    return (
        Ticket.objects.filter(desk=desk, day=local_date(timezone.now()), status__in=tickets.ACTIVE)
        .select_related("person", "appointment", "product")
        .prefetch_related("appointment__lines__product")
        .first()
    )


@login_required
def counter_desk(request: StaffRequest, location: UUID, desk: int) -> HttpResponse:
    user = request.user
    place = _location(user, location)
    return _desk_page(request, place, _desk(place, desk), FinishForm(user=user))


def _desk_page(
    request: StaffRequest, place: Location, desk: Desk, form: FinishForm, *, status: int = 200
) -> HttpResponse:
    user = request.user
    current = _current(desk)
    finished_uuid = uuid_param(request.GET, "klaar")
    finished = (
        Ticket.objects.visible_to(user)
        .filter(location=place, uuid=finished_uuid, status=Ticket.Status.DONE)
        .select_related("contact", "person")
        .prefetch_related("cases__product")
        .first()
        if finished_uuid
        else None
    )
    waiting = Ticket.objects.filter(
        location=place, day=local_date(timezone.now()), status=Ticket.Status.WAITING
    ).count()
    if current is not None and current.person_id is not None:
        form.fields.pop("inwoner", None)  # the resident is known: nothing to pick
    return render(
        request,
        "workbench/counter_desk.html",
        {
            "location": place,
            "desk": desk,
            "current": current,
            "sees": current is not None and _sees(user, current),
            "products": _products_text(current) if current else "",
            "finished": finished,
            "waiting": waiting,
            "form": form,
        },
        status=status,
    )


DESK_ACTIONS = ("oproepen", "aan-de-balie", "niet-verschenen", "afronden")


@login_required
@require_POST
def counter_desk_action(
    request: StaffRequest, location: UUID, desk: int, action: str
) -> HttpResponse:
    user = request.user
    place = _location(user, location)
    chosen = _desk(place, desk)
    if action not in DESK_ACTIONS:
        raise Http404
    back = reverse("workbench:counter_desk", kwargs={"location": place.uuid, "desk": chosen.pk})
    if action == "oproepen":
        try:
            called = tickets.ticket_call_next(desk=chosen, actor=user)
        except CounterRefused as refused:
            messages.error(request, str(refused.message))
        else:
            if called is None:
                messages.info(request, _("Nobody is waiting for this desk."))
            else:
                messages.success(request, _("Ticket %(code)s is called.") % {"code": called.code})
        return redirect(back)
    ticket_uuid = uuid_param(request.POST, "ticket")
    ticket = (
        get_object_or_404(Ticket.objects.select_related("location"), uuid=ticket_uuid, desk=chosen)
        if ticket_uuid
        else None
    )
    if ticket is None:
        raise Http404
    if action == "afronden":
        form = FinishForm(request.POST, user=user)
        if form.is_valid():
            try:
                done = tickets.ticket_finish(
                    ticket=ticket,
                    actor=user,
                    note=form.cleaned_data["note"],
                    person=form.cleaned_data["person"],
                )
            except CounterRefused as refused:
                form.add_error(
                    "inwoner" if refused.field == "person" else None, str(refused.message)
                )
            else:
                return redirect(f"{back}?{urlencode({'klaar': str(done.uuid)})}")
        return _desk_page(request, place, chosen, form, status=400)
    try:
        if action == "aan-de-balie":
            tickets.ticket_serve(ticket=ticket, actor=user)
        else:
            tickets.ticket_no_show(ticket=ticket, actor=user)
            messages.info(
                request, _("Ticket %(code)s did not come to the desk.") % {"code": ticket.code}
            )
    except CounterRefused as refused:
        messages.error(request, str(refused.message))
    return redirect(back)


# --- The waiting-room screen ----------------------------------------------------------------

_DISPLAY = "workbench/counter_display.html"


def counter_display(request: HttpRequest, location: UUID) -> HttpResponse:
    """The waiting-room screen: public, refreshed every few seconds, so kept cheap. The
    location and the called tickets are two queries; the template is rendered without the
    request, so no session, user or context processor is looked at."""
    place = Location.objects.filter(uuid=location, is_active=True).only("pk", "name").first()
    if place is None:
        raise Http404
    called = tickets.display_state(place)
    html = loader.get_template(_DISPLAY).render(
        {"location": place, "newest": called[:1], "earlier": called[1:]}
    )
    return HttpResponse(html)
