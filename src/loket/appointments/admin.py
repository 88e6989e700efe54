"""For functional administrators (not the staff's product interface): the locations with their
opening hours, exceptions and desks, and each municipality's booking rules; appointments and
tickets to look up, read-only, since every change to them goes through the services (booking,
moving, cancelling, the counter).

Who may is the role table's ``catalogue`` row (``loket.accounts.admin_access``): which products
are served where is part of managing the catalogue, and administrators have it. An administrator
sees and changes only the locations and rules of the municipalities they work for; appointments
and tickets only where ``visible_to`` lets them see them too."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.db import models
from django.db.models import ForeignKey, ManyToManyField, Q, QuerySet
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from loket.accounts.admin_access import RoleTableAdmin, RoleTableInline
from loket.accounts.permissions import Action, permitted
from loket.appointments.models import (
    Appointment,
    AppointmentLine,
    AppointmentSettings,
    Desk,
    ExceptionDay,
    Location,
    OpeningHours,
    Ticket,
)
from loket.catalogue.models import Product
from loket.tenancy.models import Municipality, TenantQuerySet

_M = TypeVar("_M", bound=models.Model)
_P = TypeVar("_P", bound=models.Model)

ACTION = Action.CATALOGUE


def _managed(request: HttpRequest) -> list[int] | None:
    """The municipalities whose locations and rules the user manages; None: all (a superuser)."""
    user = request.user
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return None
    return [pk for pk in user.municipality_ids if permitted(user, ACTION, pk)]


def _own_municipalities(request: HttpRequest) -> QuerySet[Municipality]:
    ids = _managed(request)
    found = Municipality.objects.all()
    return found if ids is None else found.filter(pk__in=ids)


class _OwnMunicipality(RoleTableAdmin[_M]):
    """A record of one municipality (its ``municipality`` field): listed and changed only by the
    administrators of that municipality, who can choose only their own for a new one."""

    action = ACTION

    def municipality_of(self, obj: _M | None) -> int | None:
        return getattr(obj, "municipality_id", None) if obj is not None else None

    def get_queryset(self, request: HttpRequest) -> QuerySet[_M]:
        queryset = super().get_queryset(request)
        ids = _managed(request)
        return queryset if ids is None else queryset.filter(municipality_id__in=ids)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "municipality":
            kwargs["queryset"] = _own_municipalities(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class _LocationInline(RoleTableInline[_M, Location]):
    """A location's rows, under the row of the location's municipality."""

    action = ACTION
    extra = 0

    def _may(self, request: HttpRequest, obj: Location | None) -> bool:
        municipality = obj.municipality_id if obj is not None else None
        return request.user.is_staff and permitted(request.user, self.action, municipality)

    def has_view_permission(self, request: HttpRequest, obj: Location | None = None) -> bool:
        return self._may(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Location | None = None) -> bool:
        return self._may(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Location | None = None) -> bool:
        return self._may(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Location | None = None) -> bool:
        return self._may(request, obj)


class OpeningHoursInline(_LocationInline[OpeningHours]):
    model = OpeningHours
    extra = 1


class ExceptionDayInline(_LocationInline[ExceptionDay]):
    model = ExceptionDay
    fields = ["day", "kind", "opens", "closes", "reason"]
    extra = 1


class DeskInline(_LocationInline[Desk]):
    model = Desk
    fields = ["name", "products", "is_active"]
    filter_horizontal = ["products"]
    # One desk per block: a product picker is too wide for a table row.
    template = "admin/edit_inline/stacked.html"

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if db_field.name == "products":
            kwargs["queryset"] = Product.objects.filter(is_active=True).order_by("name_nl")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Location)
class LocationAdmin(_OwnMunicipality[Location]):
    list_display = ["name", "municipality", "city", "slot_minutes", "is_active"]
    list_filter = ["is_active", ("municipality", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "city"]
    fields = [
        "municipality",
        "name",
        "street",
        "postcode",
        "city",
        "serves",
        "slot_minutes",
        "is_active",
    ]
    filter_horizontal = ["serves"]
    inlines = [OpeningHoursInline, ExceptionDayInline, DeskInline]

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if db_field.name == "serves" and not request.user.is_superuser:
            # A shared counter serves the members of the administrator's own organisations.
            own = _own_municipalities(request)
            kwargs["queryset"] = Municipality.objects.filter(
                Q(pk__in=own)
                | Q(
                    service_organisation__isnull=False,
                    service_organisation__in=own.values("service_organisation"),
                )
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(AppointmentSettings)
class AppointmentSettingsAdmin(_OwnMunicipality[AppointmentSettings]):
    list_display = [
        "municipality",
        "earliest_hours",
        "latest_days",
        "per_person_limit",
        "reminder_days_before",
    ]


class _ReadOnly(RoleTableAdmin[_M]):
    """Looked up, never changed here: the services are the one way to change these. Listed only
    where ``visible_to`` lets the user see them and the role table lets them in."""

    action = ACTION

    def municipality_of(self, obj: _M | None) -> int | None:
        return getattr(obj, "municipality_id", None) if obj is not None else None

    def get_queryset(self, request: HttpRequest) -> QuerySet[_M]:
        queryset = super().get_queryset(request)
        assert isinstance(queryset, TenantQuerySet)
        visible = queryset.visible_to(request.user)
        ids = _managed(request)
        return visible if ids is None else visible.filter(municipality_id__in=ids)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False


class AppointmentLineInline(admin.TabularInline[AppointmentLine, Appointment]):
    model = AppointmentLine
    fields = ["product", "persons"]
    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Appointment | None = None) -> bool:
        return request.user.is_staff and permitted(request.user, ACTION)

    def has_add_permission(self, request: HttpRequest, obj: Appointment | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Appointment | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Appointment | None = None) -> bool:
        return False


class _AtTheCounter(_ReadOnly[_M]):
    """The location and the desk as columns: the desk by its own name (its ``str`` repeats the
    location)."""

    @admin.display(description=_("location"), ordering="location__name")
    def location_name(self, obj: Appointment | Ticket) -> str:
        return obj.location.name

    @admin.display(description=_("desk"), ordering="desk__name")
    def desk_name(self, obj: Appointment | Ticket) -> str:
        return obj.desk.name if obj.desk is not None else ""


@admin.register(Appointment)
class AppointmentAdmin(_AtTheCounter[Appointment]):
    list_display = ["reference", "starts_at", "location_name", "desk_name", "status", "channel"]
    ordering = ["-starts_at"]
    list_filter = [
        ("location", admin.RelatedOnlyFieldListFilter),
        "status",
        "channel",
        "starts_at",
    ]
    list_select_related = ["location", "desk"]
    date_hierarchy = "starts_at"
    search_fields = ["reference"]
    fields = [
        "reference",
        "municipality",
        "location",
        "desk",
        "starts_at",
        "ends_at",
        "status",
        "channel",
        "person",
        "booked_by",
        "contact",
        "created_at",
        "cancelled_at",
    ]
    inlines = [AppointmentLineInline]


@admin.register(Ticket)
class TicketAdmin(_AtTheCounter[Ticket]):
    list_display = [
        "code",
        "day",
        "location_name",
        "status",
        "desk_name",
        "checked_in_at",
        "called_at",
    ]
    ordering = ["-day", "-number"]
    list_filter = [("location", admin.RelatedOnlyFieldListFilter), "status", "day"]
    list_select_related = ["location", "desk"]
    date_hierarchy = "day"
    search_fields = ["code", "appointment__reference"]
    fields = [
        "code",
        "day",
        "location",
        "appointment",
        "product",
        "person",
        "status",
        "desk",
        "checked_in_at",
        "called_at",
        "started_at",
        "finished_at",
        "served_by",
        "contact",
        "cases",
    ]
