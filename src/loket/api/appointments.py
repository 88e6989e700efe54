"""``/api/v1/appointments``: availability, booking, cancelling and moving, for a municipal website
or another front end that books for residents (issue 14, "API").

Public like the wegwijzer (a resident has no account), but throttled per client. Who may cancel or
move an appointment: whoever holds the single-use token of the link the booking service sent the
resident (``token`` in the body), or authenticated staff whose role may ``book`` in the
appointment's municipality (a token or session, as for cases). The booking answer therefore
carries nothing secret: the links reach the resident only through their own mail or SMS.

Thin: the rules are ``loket.appointments.services`` and ``loket.appointments.availability``;
this module parses the request, calls them, and turns their refusals into problem documents
(``SlotTaken`` with the next free times as ``alternatives``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from loket.accounts.models import User
from loket.api.serializers import ProblemSerializer
from loket.appointments import services
from loket.appointments.availability import Need, Plan, Slot, free_slots, serving_locations
from loket.appointments.errors import AppointmentRefused, SlotTaken
from loket.appointments.models import Appointment, Location
from loket.catalogue.models import Channel, Product
from loket.lib.calendar import AMSTERDAM, local_date
from loket.lib.params import parse_uuid
from loket.tenancy.models import Municipality

MAX_DAYS = 90
PROBLEM = OpenApiResponse(ProblemSerializer, description="Problem (RFC 9457)")
ERRORS = {code: PROBLEM for code in (400, 404, 429)}
CHANGE_ERRORS = {code: PROBLEM for code in (400, 403, 404, 409, 410, 422, 429)}


# --- Shapes ---------------------------------------------------------------------------------


class LocationSerializer(serializers.Serializer[dict[str, Any]]):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    address = serializers.CharField()


class SlotSerializer(serializers.Serializer[dict[str, Any]]):
    location = serializers.UUIDField()
    start = serializers.DateTimeField(help_text=gettext_lazy("Europe/Amsterdam, with offset."))
    end = serializers.DateTimeField()
    free = serializers.IntegerField(help_text=gettext_lazy("Desks still free at this time."))


class NearestSerializer(serializers.Serializer[dict[str, Any]]):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    free = serializers.IntegerField()


class LocationSlotsSerializer(LocationSerializer):
    nearest = NearestSerializer(
        allow_null=True, help_text=gettext_lazy("The first free time here; null if none.")
    )


class LineSerializer(serializers.Serializer[dict[str, Any]]):
    product = serializers.SlugField(help_text=gettext_lazy("Product slug"))
    persons = serializers.IntegerField(min_value=1, max_value=services.MAX_PERSONS, default=1)


class LineOutSerializer(LineSerializer):
    name = serializers.CharField()


class AvailabilitySerializer(serializers.Serializer[dict[str, Any]]):
    municipality = serializers.CharField()
    products = LineOutSerializer(many=True)
    minutes = serializers.IntegerField(help_text=gettext_lazy("The products' lengths added up."))
    locations = LocationSlotsSerializer(many=True)
    slots = SlotSerializer(many=True)


class AlternativeSerializer(serializers.Serializer[dict[str, Any]]):
    location = LocationSerializer()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    free = serializers.IntegerField()


class SlotTakenProblemSerializer(ProblemSerializer):
    alternatives = AlternativeSerializer(many=True, required=False)


class ManageSerializer(serializers.Serializer[dict[str, Any]]):
    cancel = serializers.URLField()
    move = serializers.URLField()
    until = serializers.DateTimeField(
        help_text=gettext_lazy("Cancelling and moving are possible until the appointment ends.")
    )
    authorisation = serializers.CharField(
        help_text=gettext_lazy(
            "How to call them: with the single-use token from the link in the resident's"
            " confirmation (field token), or as staff whose role may book appointments."
        )
    )


class AppointmentSerializer(serializers.Serializer[dict[str, Any]]):
    uuid = serializers.UUIDField()
    reference = serializers.CharField(help_text=gettext_lazy("What the resident quotes."))
    status = serializers.ChoiceField(choices=Appointment.Status.choices)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    location = LocationSerializer()
    products = LineOutSerializer(many=True)
    manage = ManageSerializer()


class ResidentSerializer(serializers.Serializer[dict[str, Any]]):
    firstName = serializers.CharField(  # noqa: N815
        source="first_name", max_length=200, required=False, allow_blank=True, default=""
    )
    surname = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=["nl", "en"], default="nl")


class BookSerializer(serializers.Serializer[dict[str, Any]]):
    municipality = serializers.SlugField(help_text=gettext_lazy("Municipality slug"))
    products = serializers.ListField(
        child=LineSerializer(), allow_empty=False, max_length=services.MAX_LINES
    )
    location = serializers.UUIDField()
    start = serializers.DateTimeField(
        help_text=gettext_lazy("A start from the availability; without offset: Europe/Amsterdam.")
    )
    resident = ResidentSerializer()
    # The channels of cases too (one enum in the document); a resident's own booking is web.
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        help_text=gettext_lazy("Staff only: how the resident asked (default web)."),
    )


class CancelSerializer(serializers.Serializer[dict[str, Any]]):
    token = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy(
            "From the cancel link sent to the resident; staff may leave it out."
        ),
    )


class MoveSerializer(serializers.Serializer[dict[str, Any]]):
    token = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("From the move link sent to the resident; staff may leave it out."),
    )
    location = serializers.UUIDField(
        required=False, help_text=gettext_lazy("Another location; default the same.")
    )
    start = serializers.DateTimeField()


# --- Translation to and from the services ---------------------------------------------------


def _invalid(field: str, message: str) -> serializers.ValidationError:
    return serializers.ValidationError({field: [message]})


def _moment(value: datetime) -> str:
    return value.astimezone(AMSTERDAM).isoformat()


def _location(location: Location) -> dict[str, Any]:
    return {"uuid": str(location.uuid), "name": location.name, "address": location.address}


def _slot_rows(slots: list[Slot]) -> list[dict[str, Any]]:
    """The free times as the answer lists them. Thousands for four weeks, on a grid that every
    location shares (and one slot's end is another's start): each moment is written once."""
    written: dict[datetime, str] = {}
    places = {slot.location.pk: slot.location for slot in slots}
    uuids = {pk: str(place.uuid) for pk, place in places.items()}

    def moment(value: datetime) -> str:
        text = written.get(value)
        if text is None:
            text = written[value] = _moment(value)
        return text

    return [
        {
            "location": uuids[slot.location.pk],
            "start": moment(slot.starts_at),
            "end": moment(slot.ends_at),
            "free": slot.free,
        }
        for slot in slots
    ]


def _alternative(slot: Slot) -> dict[str, Any]:
    return {
        "location": _location(slot.location),
        "start": _moment(slot.starts_at),
        "end": _moment(slot.ends_at),
        "free": slot.free,
    }


def _staff(request: Request) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def _municipality(slug: str) -> Municipality:
    found = Municipality.objects.filter(slug=slug, is_active=True).first()
    if found is None:
        raise _invalid("municipality", _("Unknown municipality."))
    return found


def _need(municipality: Municipality, lines: Sequence[tuple[str, int]], field: str) -> Need:
    """The products by slug, checked by ``need_for``; any refusal names ``field`` (400)."""
    slugs = {slug for slug, _persons in lines}
    products = {p.slug: p for p in Product.objects.filter(slug__in=slugs)}
    unknown = sorted(slugs - products.keys())
    if unknown:
        raise _invalid(field, _("Unknown product: %(slugs)s.") % {"slugs": ", ".join(unknown)})
    try:
        return services.need_for(municipality, [(products[s], n) for s, n in lines])
    except AppointmentRefused as refused:
        raise _invalid(field, str(refused.message)) from None


def _parse_products(text: str) -> list[tuple[str, int]]:
    """``paspoort:2,identiteitskaart`` as ``[("paspoort", 2), ("identiteitskaart", 1)]``."""
    message = _("List products as slug:persons, separated by commas (paspoort:2,rijbewijs).")
    lines = []
    for part in text.split(","):
        slug, _sep, persons = part.strip().partition(":")
        if not slug or (persons and not persons.isdigit()) or len(slug) > 100:
            raise _invalid("products", message)
        lines.append((slug, int(persons) if persons else 1))
    return lines


def _appointment_body(request: Request, appointment: Appointment) -> dict[str, Any]:
    def url(name: str) -> str:
        return request.build_absolute_uri(
            reverse(f"api:appointment-{name}", kwargs={"uuid": appointment.uuid})
        )

    lines = appointment.lines.select_related("product")
    return {
        "uuid": str(appointment.uuid),
        "reference": appointment.reference,
        "status": appointment.status,
        "start": _moment(appointment.starts_at),
        "end": _moment(appointment.ends_at),
        "location": _location(appointment.location),
        "products": [
            {"product": line.product.slug, "name": line.product.name, "persons": line.persons}
            for line in lines
        ],
        "manage": {
            "cancel": url("cancel"),
            "move": url("move"),
            "until": _moment(appointment.ends_at),
            "authorisation": _(
                "The single-use token from the link in the resident's confirmation, or staff"
                " whose role may book appointments."
            ),
        },
    }


def _nearest_first(location: Location, nearest: dict[int, Slot]) -> tuple[bool, str, str]:
    """Locations with a free time first, the nearest first; then the others by name."""
    found = nearest.get(location.pk)
    return (found is None, found.starts_at.isoformat() if found else "", location.name)


# A service refusal names its own field; the API names the request's.
_FIELDS = {
    "slot": "start",
    "surname": "resident.surname",
    "first_name": "resident.first_name",
    "email": "resident.email",
    "phone": "resident.phone",
}


class _Public(APIView):
    """No account needed (a resident books); a token or session makes the caller staff. The
    default throttles apply: per client address, or per account."""

    permission_classes = [AllowAny]

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        handler = super().get_exception_handler()

        def with_alternatives(exc: Exception, context: dict[str, Any]) -> Response | None:
            if isinstance(exc, AppointmentRefused) and exc.field in _FIELDS:
                exc.field = _FIELDS[exc.field]
            response: Response | None = handler(exc, context)
            if isinstance(exc, SlotTaken) and response is not None:
                response.data["alternatives"] = [_alternative(s) for s in exc.alternatives]
            return response

        return with_alternatives


# --- Endpoints -------------------------------------------------------------------------------


class Availability(_Public):
    @extend_schema(
        operation_id="appointments_availability",
        summary="Free times for a set of products at the locations serving a municipality",
        parameters=[
            OpenApiParameter("municipality", str, required=True, description="Municipality slug"),
            OpenApiParameter(
                "products",
                str,
                required=True,
                description="slug:persons, comma-separated: paspoort:2,identiteitskaart:1",
            ),
            OpenApiParameter(
                "from", str, description="First day, YYYY-MM-DD (default: today, Amsterdam)"
            ),
            OpenApiParameter("days", int, description=f"1-{MAX_DAYS}, default 28"),
            OpenApiParameter("location", str, description="Only this location (uuid)"),
        ],
        responses={200: AvailabilitySerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        params = {
            name: str(request.query_params.get(name, "")).strip()
            for name in ("municipality", "products", "from", "days", "location")
        }
        for name, value in params.items():
            if "\x00" in value:
                raise _invalid(name, _("Contains a character that is not allowed."))
        municipality = _municipality(params["municipality"])
        if not params["products"]:
            raise _invalid("products", _("Choose at least one product."))
        need = _need(municipality, _parse_products(params["products"]), "products")
        first_day = local_date(timezone.now())
        if params["from"]:
            try:
                first_day = date.fromisoformat(params["from"])
            except ValueError:
                raise _invalid("from", _("A date as YYYY-MM-DD.")) from None
        days = 28
        if params["days"]:
            if not params["days"].isdigit() or not 1 <= int(params["days"]) <= MAX_DAYS:
                raise _invalid("days", _("A whole number from 1 to %(max)d.") % {"max": MAX_DAYS})
            days = int(params["days"])
        locations = serving_locations(municipality)
        if params["location"]:
            wanted = parse_uuid(params["location"])
            locations = [place for place in locations if place.uuid == wanted]
            if not locations:
                raise _invalid(
                    "location", _("Unknown location, or not one serving this municipality.")
                )
        plans = [plan for plan in Plan.load_many(locations) if plan.desks_for(need)]
        locations = [plan.location for plan in plans]
        start = datetime.combine(first_day, datetime.min.time(), tzinfo=AMSTERDAM)
        slots = free_slots(
            municipality=municipality, need=need, days=days, start=start, plans=plans
        )
        nearest: dict[int, Slot] = {}
        for slot in slots:
            nearest.setdefault(slot.location.pk, slot)
        return Response(
            {
                "municipality": municipality.slug,
                "products": [
                    {"product": product.slug, "name": product.name, "persons": persons}
                    for product, persons in need.lines
                ],
                "minutes": need.minutes,
                "locations": [
                    {
                        **_location(place),
                        "nearest": {
                            "start": _moment(found.starts_at),
                            "end": _moment(found.ends_at),
                            "free": found.free,
                        }
                        if (found := nearest.get(place.pk))
                        else None,
                    }
                    for place in sorted(locations, key=lambda p: _nearest_first(p, nearest))
                ],
                "slots": _slot_rows(slots),
            }
        )


class AppointmentCollection(_Public):
    @extend_schema(
        operation_id="appointments_create",
        summary="Book an appointment for a resident",
        description=(
            "The resident receives the confirmation with an iCalendar invitation and the links"
            " to cancel or move (single-use tokens). A time taken in the meantime is a 409 with"
            " the next free times as alternatives."
        ),
        request=BookSerializer,
        responses={
            201: AppointmentSerializer,
            409: OpenApiResponse(SlotTakenProblemSerializer, description="Problem (RFC 9457)"),
            **{code: PROBLEM for code in (400, 403, 422, 429)},
        },
    )
    def post(self, request: Request) -> Response:
        data = BookSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        actor = _staff(request)
        channel = values.get("channel", Channel.WEB)
        if actor is None and channel != Channel.WEB:
            raise _invalid("channel", _("Only staff book through another channel than web."))
        municipality = _municipality(values["municipality"])
        need = _need(
            municipality,
            [(line["product"], line["persons"]) for line in values["products"]],
            "products",
        )
        location = Location.objects.filter(uuid=values["location"], is_active=True).first()
        if location is None:
            raise _invalid("location", _("Unknown location."))
        resident = values["resident"]
        appointment = services.appointment_book(
            municipality=municipality,
            lines=need.lines,
            location=location,
            starts_at=values["start"],
            channel=channel,
            resident=services.Resident(
                surname=resident["surname"],
                first_name=resident["first_name"],
                email=resident.get("email", ""),
                phone=resident["phone"],
                language=resident["language"],
            ),
            actor=actor,
        )
        return Response(_appointment_body(request, appointment), status=status.HTTP_201_CREATED)


def _target(request: Request, uuid: UUID, token: str) -> Appointment:
    """The appointment to change: with a token, any (the service checks the token belongs to
    it); without, only staff, and only appointments of municipalities they work for."""
    appointments = Appointment.objects.select_related("location", "municipality")
    actor = _staff(request)
    if not token:
        if actor is None:
            raise _invalid("token", _("Give the token from the link in the confirmation."))
        if not actor.is_superuser:
            appointments = appointments.filter(municipality_id__in=actor.municipality_ids)
    return get_object_or_404(appointments, uuid=uuid)


class AppointmentCancel(_Public):
    @extend_schema(
        operation_id="appointments_cancel",
        summary="Cancel an appointment (the resident's token, or staff)",
        request=CancelSerializer,
        responses={200: AppointmentSerializer, **CHANGE_ERRORS},
    )
    def post(self, request: Request, uuid: UUID) -> Response:
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token = data.validated_data["token"]
        appointment = _target(request, uuid, token)
        changed = services.appointment_cancel(
            appointment=appointment,
            token=token,
            actor=None if token else _staff(request),
        )
        return Response(_appointment_body(request, changed))


class AppointmentMove(_Public):
    @extend_schema(
        operation_id="appointments_move",
        summary="Move an appointment to another time or location (the resident's token, or staff)",
        request=MoveSerializer,
        responses={
            200: AppointmentSerializer,
            **CHANGE_ERRORS,
            409: OpenApiResponse(SlotTakenProblemSerializer, description="Problem (RFC 9457)"),
        },
    )
    def post(self, request: Request, uuid: UUID) -> Response:
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        token = values["token"]
        appointment = _target(request, uuid, token)
        location = None
        if values.get("location"):
            location = Location.objects.filter(uuid=values["location"], is_active=True).first()
            if location is None:
                raise _invalid("location", _("Unknown location."))
        changed = services.appointment_move(
            appointment=appointment,
            starts_at=values["start"],
            location=location,
            token=token,
            actor=None if token else _staff(request),
        )
        return Response(_appointment_body(request, changed))
