"""Parties: the residents (natuurlijke personen) and organisations (niet-natuurlijke personen)
Loket serves, and the people who speak for an organisation (contactpersonen), in the terms of
the Klantinteracties standard.

Contacts, cases, Mijn Loket and the coming appointments and reports all refer to a party, so
parties have an app of their own below all of them (README, "Architecture"): each of those
imports this app, and this app imports none of them.

The tables keep the names they had when parties lived in the contacts app (``db_table``):
moving the models changed no data (migration ``0001_initial`` only takes them over).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from loket.lib.identifiers import bsn_is_valid, kvk_is_valid
from loket.lib.phone import clean_phone
from loket.tenancy.models import TenantOwned


def validate_bsn(value: str) -> None:
    if not bsn_is_valid(value):
        raise ValidationError(_("This is not a valid BSN (9 digits that pass the 11-test)."))


def validate_kvk(value: str) -> None:
    if not kvk_is_valid(value):
        raise ValidationError(_("A KvK number has 8 digits."))


def validate_phone(value: str) -> None:
    clean_phone(value)


class NotificationChannel(models.TextChoices):
    """How a resident wants to hear from us (Mijn Loket preferences)."""

    EMAIL = "e-mail", _("e-mail")
    SMS = "sms", _("text message (SMS)")
    LETTER = "brief", _("letter by post")


class Person(TenantOwned):
    """A resident (natuurlijk persoon) known to the municipality."""

    partner_scope = "cases__partner"
    # Its history was recorded under this label before the move (``ChangeRecord.for_object``).
    former_labels = ("contacts.person",)

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
    phone = models.CharField(
        _("phone number"), max_length=20, blank=True, validators=[validate_phone]
    )
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=20, choices=NotificationChannel.choices, blank=True
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "contacts_person"
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
            # A resident found by e-mail address (``email__iexact``: UPPER on PostgreSQL) or
            # mobile number: booking without logging in, the limit per person.
            models.Index(F("municipality"), Upper("email"), name="person_email_ci"),
            models.Index(fields=["municipality", "phone"], name="person_phone"),
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
    former_labels = ("contacts.organisation",)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kvk_number = models.CharField(_("KvK number"), max_length=8, validators=[validate_kvk])
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street"), max_length=200, blank=True)
    house_number = models.CharField(_("house number"), max_length=10, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    city = models.CharField(_("town"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(
        _("phone number"), max_length=20, blank=True, validators=[validate_phone]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "contacts_organisation"
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

    @property
    def address(self) -> str:
        street = " ".join(p for p in (self.street, self.house_number) if p)
        place = " ".join(p for p in (self.postcode, self.city) if p)
        return ", ".join(p for p in (street, place) if p)


class ContactPerson(models.Model):
    """Someone the municipality talks to on behalf of an organisation (contactpersoon)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contact_persons"
    )
    name = models.CharField(_("name"), max_length=200)
    function = models.CharField(_("function"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(
        _("phone number"), max_length=20, blank=True, validators=[validate_phone]
    )

    class Meta:
        db_table = "contacts_contactperson"
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
