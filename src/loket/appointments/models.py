"""Appointments and the counter (issue 14): where residents can come, when, for what, and what
happens when they are there.

A *location* (gemeentewinkel) belongs to one municipality and may serve others as well (a shared
service organisation's counter). It is open by its weekly *opening hours* (several rows on one
weekday leave a break between them), never on an Atw holiday, except where an *exception* says
otherwise (a closed day, an extra evening). Its *desks* each serve a set of products; the number
of desks free at a moment is the location's capacity then.

An *appointment* holds one desk from ``starts_at`` to ``ends_at`` (the products' appointment
lengths added up, rounded up to the location's slot); a *ticket* is what the resident gets at
check-in, with or without an appointment, and what the desk calls.
"""

from __future__ import annotations

import uuid
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.catalogue.models import Channel, Product
from loket.parties.models import Person
from loket.tenancy.models import Municipality, TenantOwned

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class AppointmentSettings(models.Model):
    """A municipality's booking rules. Without a row, the defaults below apply."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="appointment_settings"
    )
    earliest_hours = models.PositiveSmallIntegerField(
        _("earliest booking (hours ahead)"),
        default=2,
        help_text=_("A slot can be booked from this many hours before it starts"),
    )
    latest_days = models.PositiveSmallIntegerField(_("latest booking (days ahead)"), default=90)
    per_person_limit = models.PositiveSmallIntegerField(
        _("appointments per person"),
        default=2,
        help_text=_("Coming appointments one resident (e-mail address or BSN) may have at once"),
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("reminder (days before)"), default=1, help_text=_("0: no reminder")
    )

    class Meta:
        verbose_name = _("booking rules")
        verbose_name_plural = _("booking rules")

    def __str__(self) -> str:
        return str(self.municipality)


class Location(TenantOwned):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=7)
    city = models.CharField(_("town"), max_length=100)
    serves = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="+",
        verbose_name=_("also serves"),
        help_text=_("Other municipalities whose residents can book here (a shared service)"),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot (minutes)"),
        default=10,
        help_text=_("Appointments start on this grid and last a whole number of slots"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=5, slot_minutes__lte=60),
                name="location_slot_5_to_60",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postcode} {self.city}"


class OpeningHours(models.Model):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="hours_close_after_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError(_("Closing time must be after opening time."))


class ExceptionDay(models.Model):
    """A day that differs from the week: closed, or open (extra) at the given times. An extra
    opening also opens a location on an Atw holiday."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("closed all day")
        EXTRA = "extra", _("extra opening")

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="exceptions")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("exception")
        verbose_name_plural = _("exceptions")
        ordering = ["day", "opens"]

    def __str__(self) -> str:
        return f"{self.day:%d-%m-%Y} {self.get_kind_display()}"

    def clean(self) -> None:
        if self.kind == self.Kind.EXTRA:
            if self.opens is None or self.closes is None:
                raise ValidationError(_("An extra opening needs its opening and closing time."))
            if self.closes <= self.opens and self.closes != time(0, 0):
                raise ValidationError(_("Closing time must be after opening time."))


class Desk(models.Model):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="desks")
    name = models.CharField(_("name"), max_length=50, help_text=_("As the display shows it"))
    products = models.ManyToManyField(Product, related_name="+", verbose_name=_("products"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("desk")
        verbose_name_plural = _("desks")
        ordering = ["location", "name"]
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="desk_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.location} · {self.name}"


class Appointment(TenantOwned):
    """One booked visit: one desk for one interval. The municipality is the resident's (whose
    products they come for), which may differ from the location's owner."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", _("cancelled")
        ARRIVED = "arrived", _("checked in")
        DONE = "done", _("served")
        NO_SHOW = "no_show", _("did not come")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("appointment number"), max_length=20, unique=True)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("location")
    )
    desk = models.ForeignKey(
        Desk, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("desk")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    channel = models.CharField(_("booked via"), max_length=20, choices=Channel.choices)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("resident")
    )
    language = models.CharField(max_length=2, default="nl")
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The call in which the front office booked it"),
    )
    created_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(
        default=0, help_text=_("iCalendar SEQUENCE: raised each time the appointment moves")
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["location", "starts_at"]),
            models.Index(fields=["desk", "starts_at"]),
            models.Index(fields=["person", "status", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class AppointmentLine(models.Model):
    """A product and for how many persons: two passports are one line of two."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    persons = models.PositiveSmallIntegerField(_("persons"), default=1)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(persons__gte=1, persons__lte=10), name="line_persons_1_to_10"
            )
        ]

    def __str__(self) -> str:
        return f"{self.persons} \u00d7 {self.product}"


class AppointmentToken(models.Model):
    """A link to cancel or move an appointment without logging in: only the SHA-256 of the
    token is stored; it works once and expires when the appointment ends."""

    class Action(models.TextChoices):
        CANCEL = "cancel", _("cancel")
        MOVE = "move", _("move")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="tokens")
    action = models.CharField(max_length=10, choices=Action.choices)
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.appointment} {self.action}"


class Ticket(TenantOwned):
    """A number at the counter: given at check-in (with an appointment) or to a walk-in."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        CALLED = "called", _("called")
        SERVING = "serving", _("being served")
        DONE = "done", _("finished")
        NO_SHOW = "no_show", _("did not come when called")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("location")
    )
    day = models.DateField(_("day"))
    number = models.PositiveIntegerField()
    code = models.CharField(_("ticket"), max_length=10)
    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="ticket"
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A walk-in's product"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    desk = models.ForeignKey(
        Desk, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_in_at = models.DateTimeField(_("checked in"))
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    started_at = models.DateTimeField(_("served from"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The counter contact registered when the visit finished"),
    )
    cases = models.ManyToManyField(
        "cases.Case",
        blank=True,
        related_name="tickets",
        help_text=_("The cases opened at the desk (a passport application)"),
    )

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["day", "number"]
        constraints = [
            models.UniqueConstraint(fields=["location", "day", "number"], name="ticket_number_day")
        ]
        indexes = [
            models.Index(fields=["location", "day", "status"]),
            models.Index(fields=["location", "called_at"]),
        ]

    def __str__(self) -> str:
        return self.code
