"""Making, moving and cancelling an appointment on the municipality's site (issue 14, item 4).

The steps carry what was chosen in the address, so a reload, the back button or a second tab
never lose it: the products as ``p=paspoort:2`` (repeated), the time as ``locatie=<uuid>`` and
``tijd=2026-12-08T09:20Z`` (the start in UTC, the one spelling accepted). Only the resident's
details wait in the session, with a one-time key the confirm button sends back: a second click
(or the back button and "Bevestigen" again) finds the booking the first one made instead of
booking twice.

Thin views: every rule (what can be booked, when, how many, by whom) is the appointment
services'; their refusals are shown on the page, in the resident's language.
"""

from __future__ import annotations

import re
import secrets
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from loket.appointments.availability import (
    Need,
    Slot,
    Window,
    free_slots,
    line_text,
    nearest_per_location,
    serving_locations,
)
from loket.appointments.errors import AppointmentRefused, SlotTaken, TokenRefused
from loket.appointments.ics import invitation
from loket.appointments.models import Appointment, Location
from loket.appointments.services import (
    MAX_PERSONS,
    Resident,
    appointment_book,
    appointment_cancel,
    appointment_move,
    appointments_of,
    bring_list,
    need_for,
    slot_refusal,
    token_appointment,
)
from loket.catalogue.models import Channel, Product
from loket.lib.calendar import AMSTERDAM, local_date
from loket.lib.params import parse_uuid, text_param
from loket.lib.phone import clean_phone
from loket.notifications.models import OutboxMessage
from loket.parties.models import Person
from loket.portal import identity
from loket.portal.identity import PortalRequest, resident_required
from loket.tenancy.models import Municipality
from loket.tenancy.requests import MunicipalityRequest
from loket.tenancy.selectors import municipality_for_slug

DAYS_SHOWN = 7  # one week of times per page, with "earlier" and "later"
FIRST_FREE_DAYS = 28
DRAFT_KEY = "loket_appointment_draft"
BOOKED_KEY = "loket_appointments_booked"  # {submission key: appointment uuid}, this browser's
BOOKED_KEPT = 10
SUBMIT_SECONDS = 600
_SLOT_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_LINE = re.compile(r"([a-z0-9-]{1,100}):(\d{1,2})")


class ChoiceError(Exception):
    """A parameter in the address that cannot be used (garbage, unknown, or refused by the
    services): the page says why and where to go on, with ``status``."""

    def __init__(self, message: str, status: int = 400, *, again: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.again = again


def _friendly(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Show an ``ChoiceError`` as a page with its message (never a 500)."""

    def wrapper(request: MunicipalityRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ChoiceError as problem:
            municipality = request.municipality
            again = problem.again or _url("portal:appointment_start", municipality)
            return render(
                request,
                "portal/appointment_problem.html",
                {"message": problem.message, "again": again},
                status=problem.status,
            )

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _url(name: str, municipality: Municipality, query: list[tuple[str, str]] | None = None,
         **kwargs: Any) -> str:  # fmt: skip
    path = reverse(name, kwargs={"municipality": municipality.slug, **kwargs})
    return f"{path}?{urlencode(query, safe=':')}" if query else path


def _enter(request: MunicipalityRequest, municipality: str) -> Municipality:
    current = municipality_for_slug(municipality)
    request.municipality = current
    return current


# --- What is chosen: products, a time ------------------------------------------------------


def bookable_products(municipality: Municipality) -> list[Product]:
    """The products offered here that are made by appointment and that a desk at one of the
    locations serving the municipality takes (others would only ever find no free time), by
    name."""
    served = {
        product.pk
        for location in serving_locations(municipality)
        for desk in location.desks.all()
        if desk.is_active
        for product in desk.products.all()
    }
    found = Product.objects.offered_in(municipality).filter(
        appointment_minutes__isnull=False, pk__in=served
    )
    return sorted(found, key=lambda product: product.name.lower())


@dataclass(frozen=True)
class Choice:
    """The products and persons of a booking, checked by ``need_for``."""

    need: Need

    @property
    def query(self) -> list[tuple[str, str]]:
        return [("p", f"{product.slug}:{persons}") for product, persons in self.need.lines]

    @property
    def lines(self) -> list[str]:
        return [line_text(product, persons) for product, persons in self.need.lines]


def _choice(municipality: Municipality, params: QueryDict) -> Choice:
    """The ``p`` parameters as a checked choice; ``ChoiceError`` when one cannot be read or the
    services refuse the combination."""
    by_slug = {product.slug: product for product in bookable_products(municipality)}
    lines = []
    for value in params.getlist("p")[:10]:
        match = _LINE.fullmatch(value.strip())
        if match is None or match.group(1) not in by_slug:
            raise ChoiceError(_("We do not know the product you chose. Choose it again."))
        persons = int(match.group(2))
        if persons:
            lines.append((by_slug[match.group(1)], persons))
    try:
        return Choice(need_for(municipality, lines))
    except AppointmentRefused as refused:
        raise ChoiceError(str(refused.message), refused.status) from None


def slot_value(moment: datetime) -> str:
    """A slot's start as the address carries it: ``2026-12-08T09:20Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def _location(municipality: Municipality, value: str, again: str) -> Location:
    wanted = parse_uuid(value)
    for location in serving_locations(municipality):
        if location.uuid == wanted:
            return location
    raise ChoiceError(
        _("We do not know this location, or it takes no appointments for %(municipality)s.")
        % {"municipality": municipality.name},
        404,
        again=again,
    )


def _slot(
    municipality: Municipality, params: QueryDict, need: Need, again: str
) -> tuple[Location, datetime]:
    """The location and start in ``params``; ``ChoiceError`` when garbage, unknown, or a time the
    services would refuse (past, closed, beyond the window, off the grid)."""
    location = _location(municipality, text_param(params, "locatie", max_length=60), again)
    text = text_param(params, "tijd", max_length=40)
    try:
        if not _SLOT_TIME.fullmatch(text):
            raise ValueError(text)
        starts_at = datetime.strptime(text, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    except ValueError:
        raise ChoiceError(
            _("We cannot read the time you chose. Choose a time."), again=again
        ) from None
    _ends, why = slot_refusal(
        municipality=municipality, location=location, need=need, starts_at=starts_at
    )
    if why:
        raise ChoiceError(why, 422, again=again)
    return location, starts_at


def _first_day(params: QueryDict, again: str) -> date | None:
    text = text_param(params, "vanaf", max_length=20)
    if not text:
        return None
    try:
        if not _DAY.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ChoiceError(
            _("We cannot read the date “%(value)s”. Use the form to choose a day.")
            % {"value": text},
            again=again,
        ) from None


# --- The table of free times, for booking and for moving -----------------------------------


@dataclass(frozen=True)
class SlotLink:
    slot: Slot
    href: str


@dataclass(frozen=True)
class DayTimes:
    day: date
    links: list[SlotLink]
    first: bool = False  # the first day with free times: shown opened


@dataclass(frozen=True)
class LocationTimes:
    location: Location
    days: list[DayTimes]


@dataclass(frozen=True)
class TimeTable:
    """What the time page shows: the first free time per location, then a week per location."""

    first: list[SlotLink]
    locations: list[LocationTimes]
    all_locations: list[Location]
    chosen: Location | None
    first_day: date
    earlier: str
    later: str
    beyond: str  # why no week is shown (past the booking window), or ""


def _time_table(
    request: HttpRequest,
    municipality: Municipality,
    need: Need,
    href: Callable[[Slot], str],
    *,
    ignore: int | None = None,
) -> TimeTable:
    page = request.path
    locations = serving_locations(municipality)
    chosen_text = text_param(request.GET, "locatie", max_length=60)
    chosen = _location(municipality, chosen_text, page) if chosen_text else None
    now = timezone.now()
    window = Window.at(municipality, now)
    today = local_date(now)
    first_day = max(_first_day(request.GET, page) or today, today)
    if ignore is None:
        firsts = nearest_per_location(municipality=municipality, need=need, days=FIRST_FREE_DAYS)
    else:  # moving: the appointment's own time counts as free
        first_seen: dict[int, Slot] = {}
        for slot in free_slots(
            municipality=municipality, need=need, days=FIRST_FREE_DAYS, ignore=ignore
        ):
            first_seen.setdefault(slot.location.pk, slot)
        firsts = sorted(first_seen.values(), key=lambda slot: slot.starts_at)
    shown = [chosen] if chosen else locations
    beyond = ""
    slots: list[Slot] = []
    if first_day > window.last_day:
        beyond = ngettext(
            "You can book at most %(days)d day ahead.",
            "You can book at most %(days)d days ahead.",
            (window.last_day - today).days,
        ) % {"days": (window.last_day - today).days}
    else:
        slots = free_slots(
            municipality=municipality,
            need=need,
            days=DAYS_SHOWN,
            start=datetime.combine(first_day, datetime.min.time(), tzinfo=AMSTERDAM),
            locations=shown,
            ignore=ignore,
        )
    days = [
        first_day + timedelta(days=offset)
        for offset in range(DAYS_SHOWN)
        if first_day + timedelta(days=offset) <= window.last_day
    ]
    table = []
    for location in shown:
        here = [slot for slot in slots if slot.location.pk == location.pk]
        first_free = local_date(here[0].starts_at) if here else None
        table.append(
            LocationTimes(
                location,
                [
                    DayTimes(
                        day,
                        [SlotLink(s, href(s)) for s in here if local_date(s.starts_at) == day],
                        first=day == first_free,
                    )
                    for day in days
                ],
            )
        )

    def week(day: date) -> str:
        keep = [(k, v) for k, v in request.GET.items() if k not in ("vanaf", "p")]
        query = [("p", value) for value in request.GET.getlist("p")] + keep
        return f"{page}?{urlencode([*query, ('vanaf', day.isoformat())], safe=':')}"

    return TimeTable(
        first=[SlotLink(slot, href(slot)) for slot in firsts],
        locations=table,
        all_locations=locations,
        chosen=chosen,
        first_day=first_day,
        earlier=week(max(first_day - timedelta(days=DAYS_SHOWN), today))
        if first_day > today
        else "",
        later=week(first_day + timedelta(days=DAYS_SHOWN))
        if first_day + timedelta(days=DAYS_SHOWN) <= window.last_day
        else "",
        beyond=beyond,
    )


# --- 1. Products ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductRow:
    product: Product
    name: str  # the form field: aantal-<slug>
    persons: int
    error: str


@_friendly
def start(request: MunicipalityRequest, municipality: str) -> HttpResponse:
    """Choose the products and for how many persons each (two passports: 2). A GET form: the
    choice is checked by ``need_for`` and carried on in the address."""
    current = _enter(request, municipality)
    products = bookable_products(current)
    wanted: dict[str, int] = {}
    for value in request.GET.getlist("p"):  # back from the next step: keep what was chosen
        match = _LINE.fullmatch(value.strip())
        if match:
            wanted[match.group(1)] = min(int(match.group(2)), MAX_PERSONS)
    preselect = text_param(request.GET, "product", max_length=100)
    if preselect and not wanted:
        wanted[preselect] = 1
    sent = "verder" in request.GET
    rows, lines, problem = [], [], ""
    for product in products:
        name = f"aantal-{product.slug}"
        error = ""
        persons = wanted.get(product.slug, 0)
        if sent:
            typed = text_param(request.GET, name, max_length=5) or "0"
            persons = int(typed) if typed.isascii() and typed.isdigit() else -1
            if not 0 <= persons <= MAX_PERSONS:
                error = _("Choose 0 to %(max)d persons.") % {"max": MAX_PERSONS}
                persons = 0
            elif persons:
                lines.append((product, persons))
        rows.append(ProductRow(product, name, persons, error))
    if sent and not any(row.error for row in rows):
        try:
            choice = Choice(need_for(current, lines))
        except AppointmentRefused as refused:
            problem = str(refused.message)
        else:
            return redirect(_url("portal:appointment_time", current, choice.query))
    chosen = [(row.product, row.persons) for row in rows if row.persons]
    return render(
        request,
        "portal/appointment_start.html",
        {
            "rows": rows,
            "persons": range(MAX_PERSONS + 1),
            "problem": problem,
            "errors": [row for row in rows if row.error],
            "minutes": Need(tuple(chosen)).minutes if chosen else 0,
            "face": current.face,
        },
        status=400 if sent else 200,
    )


# --- 2. Time -------------------------------------------------------------------------------


@_friendly
def choose_time(request: MunicipalityRequest, municipality: str) -> HttpResponse:
    """The first free time at each location, then a week of free times per location."""
    current = _enter(request, municipality)
    choice = _choice(current, request.GET)

    def href(slot: Slot) -> str:
        return _url(
            "portal:appointment_details",
            current,
            [
                *choice.query,
                ("locatie", str(slot.location.uuid)),
                ("tijd", slot_value(slot.starts_at)),
            ],
        )

    table = _time_table(request, current, choice.need, href)
    return render(
        request,
        "portal/appointment_time.html",
        {
            "choice": choice,
            "table": table,
            "back": _url("portal:appointment_start", current, choice.query),
            "choice_query": choice.query,
            "face": current.face,
        },
    )


# --- 3. Details and confirming -------------------------------------------------------------


class DetailsForm(forms.Form):
    first_name = forms.CharField(
        label=gettext_lazy("First name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    surname = forms.CharField(
        label=gettext_lazy("Surname"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        required=False,
        max_length=254,
        help_text=gettext_lazy("Fill in an e-mail address or a mobile number, or both."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        required=False,
        max_length=30,
        help_text=gettext_lazy(
            "Without an e-mail address we send the confirmation by text message."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the confirmation"),
        choices=Person.Language.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, known: Known, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known = known
        if known.person is not None:  # the name comes from the register: not asked again
            del self.fields["first_name"], self.fields["surname"]
        if known.email:  # proven by the e-mail login: not asked again
            del self.fields["email"]

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email = data.get("email") or self.known.email
        if "email" not in self.errors and not email and not data.get("phone"):
            field = "email" if "email" in self.fields else "phone"
            self.add_error(
                field,
                _("Give an e-mail address or a mobile number, so we can send the confirmation."),
            )
        return data


@dataclass(frozen=True)
class Known:
    """What a logged-in resident does not have to type: their person (name) from the register,
    the BSN from DigiD, the e-mail address an e-mail login proved."""

    person: Person | None = None
    bsn: str = ""
    email: str = ""

    @classmethod
    def of(cls, request: HttpRequest, municipality: Municipality) -> Known:
        resident = identity.current_resident(request)
        if resident is None:
            return cls()
        return cls(
            person=resident.person(municipality),
            bsn=resident.bsn,
            email=resident.email if resident.method == "email" else "",
        )

    def initial(self) -> dict[str, str]:
        person = self.person
        if person is None:
            return {}
        return {"email": person.email, "phone": person.phone, "language": person.language}

    def resident(self, details: dict[str, str]) -> Resident:
        person = self.person
        return Resident(
            surname=person.surname if person else details.get("surname", ""),
            first_name=(person.first_name or person.initials)
            if person
            else details.get("first_name", ""),
            email=self.email or details.get("email", ""),
            phone=details.get("phone", ""),
            bsn=self.bsn,
            language=details.get("language", "nl"),
        )


def _draft(request: HttpRequest, municipality: Municipality) -> dict[str, Any] | None:
    draft = request.session.get(DRAFT_KEY)
    if not isinstance(draft, dict) or draft.get("municipality") != municipality.slug:
        return None
    return draft


def _booked(request: HttpRequest) -> dict[str, str]:
    found = request.session.get(BOOKED_KEY)
    return found if isinstance(found, dict) else {}


def _remember_booking(request: HttpRequest, key: str, uuid: UUID) -> None:
    booked = {**_booked(request), key: str(uuid)}
    request.session[BOOKED_KEY] = dict(list(booked.items())[-BOOKED_KEPT:])


@_friendly
def details(request: MunicipalityRequest, municipality: str) -> HttpResponse:
    """Who the appointment is for, then the summary with "Bevestigen" (``stap=controleren``)."""
    current = _enter(request, municipality)
    choice = _choice(current, request.GET)
    times = _url("portal:appointment_time", current, choice.query)
    location, starts_at = _slot(current, request.GET, choice.need, times)
    slot_query = [
        *choice.query,
        ("locatie", str(location.uuid)),
        ("tijd", slot_value(starts_at)),
    ]
    form_url = _url("portal:appointment_details", current, slot_query)
    confirm_url = _url(
        "portal:appointment_details", current, [*slot_query, ("stap", "controleren")]
    )
    known = Known.of(request, current)
    draft = _draft(request, current)
    page = {
        "choice": choice,
        "location": location,
        "starts_at": starts_at,
        "known": known,
        "times": times,
        "form_url": form_url,
    }
    if request.method == "POST" and "key" in request.POST:
        return _confirm(request, current, choice, location, starts_at, known, page)
    if request.method == "POST":
        form = DetailsForm(request.POST, known=known)
        if not form.is_valid():
            return render(
                request, "portal/appointment_details.html", {**page, "form": form}, status=400
            )
        request.session[DRAFT_KEY] = {
            "municipality": current.slug,
            "details": {k: str(v) for k, v in form.cleaned_data.items()},
            "key": draft["key"] if draft else secrets.token_hex(16),
        }
        return redirect(confirm_url)
    if request.GET.get("stap") == "controleren":
        if draft is None:
            return redirect(form_url)
        return _summary(request, page, draft)
    initial = {"language": translation.get_language() or "nl", **known.initial()}
    if draft:
        initial.update(draft["details"])
    form = DetailsForm(initial=initial, known=known)
    return render(request, "portal/appointment_details.html", {**page, "form": form})


def _summary(
    request: HttpRequest,
    page: dict[str, Any],
    draft: dict[str, Any],
    *,
    problem: str = "",
    alternatives: list[SlotLink] | None = None,
    status: int = 200,
) -> HttpResponse:
    resident = page["known"].resident(draft["details"])
    return render(
        request,
        "portal/appointment_confirm.html",
        {
            **page,
            "resident": resident,
            "language": dict(Person.Language.choices).get(resident.language, ""),
            "key": draft["key"],
            "problem": problem,
            "alternatives": alternatives or [],
        },
        status=status,
    )


def _book_once(key: str, book: Callable[[], Appointment]) -> UUID | None:
    """Book at most once per submission key, also when the button is clicked twice at once:
    the first request books; a second waits (up to five seconds) for the first one's result.
    The shared cache (Redis in production) makes ``add`` atomic across web processes."""
    slot = f"appointment-submit:{key}"
    if cache.add(slot, "", timeout=SUBMIT_SECONDS):
        try:
            appointment = book()
        except BaseException:
            cache.delete(slot)
            raise
        cache.set(slot, str(appointment.uuid), timeout=SUBMIT_SECONDS)
        return appointment.uuid
    for _attempt in range(25):
        found = cache.get(slot)
        if found is None:  # the first request was refused: book now
            return _book_once(key, book)
        if found:
            return UUID(found)
        clock.sleep(0.2)
    return None


def _confirm(
    request: HttpRequest,
    municipality: Municipality,
    choice: Choice,
    location: Location,
    starts_at: datetime,
    known: Known,
    page: dict[str, Any],
) -> HttpResponse:
    key = text_param(request.POST, "key", max_length=64)
    earlier = _booked(request).get(key)
    if earlier:  # sent before (double click, back button): show that booking
        return redirect("portal:appointment_done", municipality=municipality.slug, uuid=earlier)
    draft = _draft(request, municipality)
    if draft is None or draft["key"] != key:
        messages.error(request, _("Your details have expired. Please fill them in again."))
        return redirect(page["form_url"])
    resident = known.resident(draft["details"])
    try:
        uuid = _book_once(
            key,
            lambda: appointment_book(
                municipality=municipality,
                lines=choice.need.lines,
                location=location,
                starts_at=starts_at,
                channel=Channel.WEB,
                resident=resident,
            ),
        )
    except SlotTaken as taken:
        alternatives = [
            SlotLink(
                slot,
                _url(
                    "portal:appointment_details",
                    municipality,
                    [
                        *choice.query,
                        ("locatie", str(slot.location.uuid)),
                        ("tijd", slot_value(slot.starts_at)),
                        ("stap", "controleren"),
                    ],
                ),
            )
            for slot in taken.alternatives
        ]
        return _summary(
            request,
            page,
            draft,
            problem=str(taken.message),
            alternatives=alternatives,
            status=taken.status,
        )
    except AppointmentRefused as refused:
        fields = DetailsForm(known=known).fields
        if refused.field in fields:
            form = DetailsForm(draft["details"], known=known)
            form.is_valid()
            form.add_error(refused.field, str(refused.message))
            return render(
                request,
                "portal/appointment_details.html",
                {**page, "form": form},
                status=refused.status,
            )
        # OverLimit and the rest: the message on the summary, nothing booked
        return _summary(request, page, draft, problem=str(refused.message), status=refused.status)
    if uuid is None:
        messages.error(request, _("Your booking is still being processed. Check your e-mail."))
        return redirect(page["form_url"])
    _remember_booking(request, key, uuid)
    request.session.pop(DRAFT_KEY, None)
    return redirect("portal:appointment_done", municipality=municipality.slug, uuid=uuid)


# --- 4. Booked -----------------------------------------------------------------------------


def _own_appointment(request: HttpRequest, municipality: Municipality, uuid: UUID) -> Appointment:
    """An appointment this browser just booked, or one of the logged-in resident; otherwise 404
    (also for a guessed identifier)."""
    found = (
        Appointment.objects.filter(municipality=municipality, uuid=uuid)
        .select_related("location", "person", "municipality")
        .first()
    )
    if found is None:
        raise Http404("no such appointment")
    if str(uuid) in _booked(request).values():
        return found
    resident = identity.current_resident(request)
    person = resident.person(municipality) if resident else None
    if person is not None and found.person_id == person.pk:
        return found
    raise Http404("not this visitor's appointment")


def _lines(appointment: Appointment) -> list[str]:
    return [line_text(line.product, line.persons) for line in appointment.lines.all()]


def done(request: MunicipalityRequest, municipality: str, uuid: UUID) -> HttpResponse:
    current = _enter(request, municipality)
    appointment = _own_appointment(request, current, uuid)
    sent = (
        OutboxMessage.objects.filter(dedupe_key=f"appointment:{appointment.uuid}:booked")
        .values_list("recipient", flat=True)
        .first()
    )
    return render(
        request,
        "portal/appointment_done.html",
        {
            "appointment": appointment,
            "lines": _lines(appointment),
            "bring": bring_list(appointment),
            "sent_to": sent or "",
        },
    )


def calendar_file(request: MunicipalityRequest, municipality: str, uuid: UUID) -> HttpResponse:
    """The appointment as an iCalendar file, for the same visitors as its page."""
    current = _enter(request, municipality)
    appointment = _own_appointment(request, current, uuid)
    response = HttpResponse(invitation(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{appointment.reference}.ics"'
    return response


# --- 5. Cancelling and moving with the link in the e-mail ----------------------------------


def _token_appointment(
    request: MunicipalityRequest, municipality: Municipality, token: str, action: str
) -> Appointment | HttpResponse:
    try:
        appointment = token_appointment(token=token[:100], action=action)
    except TokenRefused as refused:
        return _link_refused(request, municipality, str(refused.message), refused.status)
    if appointment.municipality_id != municipality.pk:
        return _link_refused(
            request,
            municipality,
            _("This link is not valid. Use the link in your latest e-mail."),
            TokenRefused.status,
        )
    return appointment


def _link_refused(
    request: HttpRequest, municipality: Municipality, message: str, status: int
) -> HttpResponse:
    return render(
        request,
        "portal/appointment_link_refused.html",
        {"message": message, "face": municipality.face},
        status=status,
    )


def cancel(request: MunicipalityRequest, municipality: str, token: str) -> HttpResponse:
    current = _enter(request, municipality)
    found = _token_appointment(request, current, token, "cancel")
    if isinstance(found, HttpResponse):
        return found
    return _cancel_page(request, current, found, token=token)


def _cancel_page(
    request: HttpRequest,
    municipality: Municipality,
    appointment: Appointment,
    *,
    token: str = "",
    by: Person | None = None,
) -> HttpResponse:
    page = {"appointment": appointment, "lines": _lines(appointment), "by": by}
    if request.method != "POST":
        return render(request, "portal/appointment_cancel.html", page)
    try:
        cancelled = appointment_cancel(appointment=appointment, token=token, by=by)
    except TokenRefused as refused:
        return _link_refused(request, municipality, str(refused.message), refused.status)
    except AppointmentRefused as refused:
        return render(
            request,
            "portal/appointment_cancel.html",
            {**page, "problem": str(refused.message)},
            status=refused.status,
        )
    return render(
        request,
        "portal/appointment_changed.html",
        {"appointment": cancelled, "lines": _lines(cancelled), "cancelled": True, "by": by},
    )


@_friendly
def move(request: MunicipalityRequest, municipality: str, token: str) -> HttpResponse:
    current = _enter(request, municipality)
    found = _token_appointment(request, current, token, "move")
    if isinstance(found, HttpResponse):
        return found
    return _move_page(request, current, found, token=token)


def _move_page(
    request: HttpRequest,
    municipality: Municipality,
    appointment: Appointment,
    *,
    token: str = "",
    by: Person | None = None,
) -> HttpResponse:
    """Three states on one address: the free times (no ``tijd``), the chosen time with a
    confirm button (``locatie`` and ``tijd``), and moving it (POST)."""
    need = Need(tuple((line.product, line.persons) for line in appointment.lines.all()))
    page = {"appointment": appointment, "lines": _lines(appointment), "by": by}

    def href(slot: Slot) -> str:
        query = [("locatie", str(slot.location.uuid)), ("tijd", slot_value(slot.starts_at))]
        return f"{request.path}?{urlencode(query, safe=':')}"

    if "tijd" not in request.GET:
        table = _time_table(request, municipality, need, href, ignore=appointment.pk)
        return render(
            request,
            "portal/appointment_move.html",
            {**page, "table": table, "choice_query": [], "face": municipality.face},
        )
    location, starts_at = _slot(municipality, request.GET, need, request.path)
    page = {**page, "location": location, "starts_at": starts_at}
    if request.method != "POST":
        return render(request, "portal/appointment_move_confirm.html", page)
    try:
        moved = appointment_move(
            appointment=appointment, starts_at=starts_at, location=location, token=token, by=by
        )
    except TokenRefused as refused:
        return _link_refused(request, municipality, str(refused.message), refused.status)
    except SlotTaken as taken:
        alternatives = [SlotLink(slot, href(slot)) for slot in taken.alternatives]
        return render(
            request,
            "portal/appointment_move_confirm.html",
            {**page, "problem": str(taken.message), "alternatives": alternatives},
            status=taken.status,
        )
    except AppointmentRefused as refused:
        return render(
            request,
            "portal/appointment_move_confirm.html",
            {**page, "problem": str(refused.message)},
            status=refused.status,
        )
    return render(
        request,
        "portal/appointment_changed.html",
        {"appointment": moved, "lines": _lines(moved), "cancelled": False, "by": by},
    )


# --- 6. Mijn Loket -------------------------------------------------------------------------


@resident_required
def mine(
    request: PortalRequest, municipality: Municipality, resident: identity.Resident
) -> HttpResponse:
    person = resident.person(municipality)
    found = appointments_of(person) if person is not None else []
    found = [a for a in found if a.municipality_id == municipality.pk]
    now = timezone.now()
    coming = sorted(
        (a for a in found if a.status == Appointment.Status.BOOKED and a.ends_at > now),
        key=lambda a: a.starts_at,
    )
    past = [a for a in found if a not in coming]
    return render(
        request,
        "portal/appointment_mine.html",
        {
            "coming": [(a, _lines(a)) for a in coming],
            "past": [(a, _lines(a)) for a in past],
        },
    )


def _my_appointment(
    municipality: Municipality, resident: identity.Resident, uuid: UUID
) -> tuple[Appointment, Person]:
    person = resident.person(municipality)
    found = (
        Appointment.objects.filter(municipality=municipality, uuid=uuid, person=person)
        .select_related("location", "person", "municipality")
        .first()
        if person is not None
        else None
    )
    if found is None or person is None:
        raise Http404("not this resident's appointment")
    return found, person


@resident_required
def mine_cancel(
    request: PortalRequest, municipality: Municipality, resident: identity.Resident, uuid: UUID
) -> HttpResponse:
    appointment, person = _my_appointment(municipality, resident, uuid)
    return _cancel_page(request, municipality, appointment, by=person)


@resident_required
@_friendly
def mine_move(
    request: PortalRequest, municipality: Municipality, resident: identity.Resident, uuid: UUID
) -> HttpResponse:
    appointment, person = _my_appointment(municipality, resident, uuid)
    return _move_page(request, municipality, appointment, by=person)
