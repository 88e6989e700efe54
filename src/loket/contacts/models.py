"""Parties (persons and organisations) and the contacts residents have with the municipality.

Terms follow the Klantinteracties standard: a *party* (partij: natuurlijk persoon or
niet-natuurlijk persoon), a *contact* (klantcontact) on one channel, about products and cases.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.catalogue.models import Channel, Product
from loket.lib.identifiers import bsn_is_valid, kvk_is_valid
from loket.organisation.models import Partner, Team
from loket.tenancy.models import TenantOwned


def validate_bsn(value: str) -> None:
    if not bsn_is_valid(value):
        raise ValidationError(_("This is not a valid BSN (9 digits that pass the 11-test)."))


def validate_kvk(value: str) -> None:
    if not kvk_is_valid(value):
        raise ValidationError(_("A KvK number has 8 digits."))


class Person(TenantOwned):
    """A resident (natuurlijk persoon) known to the municipality."""

    partner_scope = "cases__partner"

    class Language(models.TextChoices):
        DUTCH = "nl", _("Dutch")
        ENGLISH = "en", _("English")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    bsn = models.CharField(_("BSN"), max_length=9, blank=True, validators=[validate_bsn])
    initials = models.CharField(_("initials"), max_length=20, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    surname_prefix = models.CharField(_("surname prefix"), max_length=20, blank=True)
    surname = models.CharField(_("surname"), max_length=200)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    house_number = models.CharField(_("house number"), max_length=10, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    city = models.CharField(_("town"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=20, choices=Channel.choices, blank=True
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["surname", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "bsn"],
                condition=~models.Q(bsn=""),
                name="person_bsn_unique_per_municipality",
            )
        ]
        indexes = [
            models.Index(fields=["municipality", "postcode", "house_number"]),
            models.Index(fields=["municipality", "surname"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        given = self.first_name or self.initials
        return " ".join(part for part in (given, self.surname_prefix, self.surname) if part)

    @property
    def address(self) -> str:
        street = " ".join(p for p in (self.street, self.house_number) if p)
        place = " ".join(p for p in (self.postcode, self.city) if p)
        return ", ".join(p for p in (street, place) if p)


class Organisation(TenantOwned):
    """A business or institution (niet-natuurlijk persoon), known by its KvK number."""

    partner_scope = "cases__partner"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kvk_number = models.CharField(_("KvK number"), max_length=8, validators=[validate_kvk])
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kvk_number"], name="organisation_kvk_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Contact(TenantOwned):
    """One interaction with a resident or business on one channel (klantcontact)."""

    partner_scope = "handed_to_partner"

    class Direction(models.TextChoices):
        INBOUND = "in", _("inbound")
        OUTBOUND = "out", _("outbound")

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("answered directly")
        HANDED_OVER = "handed_over", _("handed over")
        CALLBACK = "callback", _("callback requested")
        CASE_CREATED = "case_created", _("case created")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(_("when"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.INBOUND
    )
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("notes"), blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    handed_to_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handed_to_partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["municipality", "-occurred_at"]),
            models.Index(fields=["person", "-occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_channel_display()}, {self.occurred_at:%d-%m-%Y})"
