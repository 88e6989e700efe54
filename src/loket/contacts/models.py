"""Parties (persons and organisations) and the contacts residents have with the municipality.

Terms follow the Klantinteracties standard: a *party* (partij: natuurlijk persoon or
niet-natuurlijk persoon), a *contact* (klantcontact) on one channel, about products and cases.
"""

from __future__ import annotations

import uuid
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.catalogue.models import Channel, Product
from loket.lib.identifiers import bsn_is_valid, kvk_is_valid
from loket.lib.phone import clean_phone
from loket.organisation.models import Partner, Team
from loket.tenancy.models import TenantOwned, TenantQuerySet


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
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContactQuerySet(TenantQuerySet):
    """Contacts are need-to-know (AVG art. 5 lid 1 c, data minimisation).

    The front office and administrators see every contact of their municipalities: they answer
    the resident and need the whole story. A case worker or team lead sees a contact only when
    it was handed to one of their teams or to them, registered by them, or concerns a case of
    their team or assigned to them. A partner worker sees only what was handed to the partner.
    """

    def visible_to(self, user: Any) -> Self:
        qs = super().visible_to(user)
        if not getattr(user, "is_authenticated", False) or _sees_all_contacts(user):
            return qs
        teams = list(user.team_ids)
        return qs.filter(
            models.Q(registered_by=user)
            | models.Q(handed_to_user=user)
            | models.Q(handed_to_team_id__in=teams)
            | models.Q(case__team_id__in=teams)
            | models.Q(case__assignee=user)
        )


def _sees_all_contacts(user: Any) -> bool:
    return bool(user.is_superuser or user.is_partner_worker or user.role in FRONT_OFFICE_ROLES)


# Roles that work the front door and therefore see every contact of their municipalities.
FRONT_OFFICE_ROLES = frozenset({"front_office", "administrator"})


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
    resolved_on_first_contact = models.BooleanField(
        _("resolved on first contact"),
        default=False,
        help_text=_("The resident's question was fully answered in this contact."),
    )
    contact_person = models.ForeignKey(
        ContactPerson, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )
    article = models.ForeignKey(
        "knowledge.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("knowledge article used"),
    )
    handed_to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handed_to_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handed_to_partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ContactQuerySet.as_manager()  # type: ignore[misc]

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


class ContactRequestQuerySet(TenantQuerySet):
    """Same need-to-know rule as contacts: the front office sees all requests; others see the
    ones addressed to their team or to them, or made by them."""

    def visible_to(self, user: Any) -> Self:
        qs = super().visible_to(user)
        if not getattr(user, "is_authenticated", False) or _sees_all_contacts(user):
            return qs
        return qs.filter(
            models.Q(created_by=user)
            | models.Q(assignee=user)
            | models.Q(team_id__in=list(user.team_ids))
        )

    def open(self) -> Self:
        return self.filter(closed_at__isnull=True)


class ContactRequest(TenantOwned):
    """A question the front office could not answer itself (contactverzoek, as in KISS).

    A *hand-over* gives the question, with the contact it came from, to a team, partner or
    colleague; a *callback* asks them to call the resident back. Both must be picked up within
    the ``terugbelverzoek`` service norm: the deadline is stored when the request is made.
    """

    partner_scope = "partner"

    class Kind(models.TextChoices):
        HANDOVER = "handover", _("hand-over")
        CALLBACK = "callback", _("callback")

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("resident reached, question answered")
        CASE_CREATED = "case_created", _("resident reached, case created")
        NOT_REACHED = "not_reached", _("resident not reached (letter or e-mail sent)")
        WITHDRAWN = "withdrawn", _("no longer needed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="requests")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    question = models.TextField(_("question"))
    phone = models.CharField(
        _("phone number to call"), max_length=20, blank=True, validators=[validate_phone]
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="contact_requests"
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="contact_requests"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_requests",
        verbose_name=_("assigned to"),
    )
    created_at = models.DateTimeField(_("requested at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    due_at = models.DateTimeField(_("answer before"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    closing_note = models.TextField(_("what was agreed"), blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = ContactRequestQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")
        ordering = ["due_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team__isnull=False)
                | models.Q(partner__isnull=False)
                | models.Q(assignee__isnull=False),
                name="contact_request_has_receiver",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | ~models.Q(outcome=""),
                name="contact_request_closed_with_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "team", "closed_at", "due_at"]),
            models.Index(fields=["assignee", "closed_at", "due_at"]),
            models.Index(fields=["person", "closed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.question[:60]}"

    @property
    def receiver(self) -> Any:
        return self.assignee or self.team or self.partner

    def is_overdue(self, now: Any) -> bool:
        return self.closed_at is None and self.due_at < now
