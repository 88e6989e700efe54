"""The contacts residents and organisations have with the municipality, and the requests
(hand-overs, callbacks) that follow from them.

Terms follow the Klantinteracties standard: a *contact* (klantcontact) on one channel, with a
*party* (``loket.parties``), about products and cases.
"""

from __future__ import annotations

import uuid
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.catalogue.models import Channel, Product
from loket.organisation.models import Partner, Team
from loket.parties.models import ContactPerson, Organisation, Person, validate_phone
from loket.tenancy.models import TenantOwned, TenantQuerySet


class ContactQuerySet(TenantQuerySet["Contact"]):
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


class ContactRequestQuerySet(TenantQuerySet["ContactRequest"]):
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
