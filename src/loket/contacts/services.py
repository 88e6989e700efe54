"""Contacts and contact requests: what the front office does (seeds 000, 002, 003). Persons
and organisations are registered by ``loket.parties.services``.

* Every contact is registered with its channel and outcome; a hand-over or callback becomes a
  ``ContactRequest`` whose deadline follows the ``terugbelverzoek`` service norm; "case created"
  opens the case in the same transaction. Either everything is saved or nothing is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from loket.accounts.permissions import Action, require
from loket.cases.errors import CaseRefused
from loket.cases.models import Case
from loket.cases.services import case_create
from loket.catalogue.models import Channel, Product
from loket.contacts.errors import (
    ContactRefused,
    InvalidContactInput,
    ReceiverRequired,
    RequestClosed,
    StaleRequest,
)
from loket.contacts.models import Contact, ContactRequest
from loket.history.services import history_record
from loket.knowledge.models import Article
from loket.lib import limits
from loket.lib.calendar import Term, add_term
from loket.lib.identifiers import normalise_phone
from loket.lib.phone import PHONE_MESSAGE
from loket.organisation.models import Partner, Team
from loket.parties.models import ContactPerson, Organisation, Person
from loket.tenancy.models import Municipality

# The product whose service norm is the promise for every hand-over and callback.
CALLBACK_PRODUCT = "terugbelverzoek"
CALLBACK_FALLBACK_TERM = "2wd"


def _text(value: str, *, limit: int, field: str) -> str:
    """Free text within its limit (``loket.lib.limits``), else refused: nothing is stored."""
    return limits.check_length(value, limit=limit, field=field, refused=InvalidContactInput)


def _validate(record: Model, **options: Any) -> None:
    limits.check_record(record, refused=InvalidContactInput, **options)


def request_deadline(*, municipality: Municipality, requested_at: datetime) -> datetime:
    """When a hand-over or callback must be picked up: the ``terugbelverzoek`` service norm of
    the catalogue, counted on the legal calendar (Algemene termijnenwet, ``add_term``)."""
    product = Product.objects.filter(slug=CALLBACK_PRODUCT).first()
    term = product.term if product else Term.parse(CALLBACK_FALLBACK_TERM)
    return add_term(requested_at, term)


@dataclass(frozen=True)
class Receiver:
    """Who takes a question over: a team, a partner organisation or one colleague."""

    team: Team | None = None
    partner: Partner | None = None
    user: Any = None

    def __bool__(self) -> bool:
        return any((self.team, self.partner, self.user))


def contact_register(
    *,
    municipality: Municipality,
    actor: User | None,
    channel: str,
    subject: str,
    outcome: str,
    direction: str = Contact.Direction.INBOUND,
    text: str = "",
    person: Person | None = None,
    organisation: Organisation | None = None,
    contact_person: ContactPerson | None = None,
    product: Product | None = None,
    case: Case | None = None,
    article: Article | None = None,
    resolved_on_first_contact: bool | None = None,
    receiver: Receiver | None = None,
    callback_phone: str = "",
    occurred_at: datetime | None = None,
    received_on: date | None = None,
    contested_decision_on: date | None = None,
) -> Contact:
    """Register one contact; with a hand-over or callback, the request; with "case created",
    the case. Anonymous contacts (no person, no organisation) are allowed.

    Resolved on first contact means the question was fully answered in this contact, so only an
    "answered" contact can be: for any other outcome (handed over, callback, case created, ...)
    ``resolved_on_first_contact`` is false whatever the caller passes. For "answered" it defaults
    to true; the agent may say false (answered, but not fully). This is the one place of that
    rule: the workbench form passes the agent's tick unfiltered.
    ``received_on`` (the date stamp of a letter or e-mail) and ``contested_decision_on`` (an
    objection's decision) go to the case it opens (``case_create``: the terms run from them).
    """
    require(actor, Action.CONTACT, municipality)  # roles as data (issue 13)
    if receiver:
        require(actor, Action.HAND_OVER, municipality)
    subject = _text(subject, limit=limits.SHORT, field="subject").strip()
    text = _text(text, limit=limits.TEXT, field="text")
    now = timezone.now()
    occurred_at = occurred_at or now
    if channel not in Channel.values:
        raise ContactRefused(_("Choose a channel."), field="channel")
    for item in (person, organisation, case):
        if item is not None and item.municipality_id != municipality.pk:
            raise ContactRefused(_("This record belongs to another municipality."))
    if case is not None and person is None and organisation is None:
        person, organisation = case.initiator_person, case.initiator_organisation
    if product is None and case is not None:
        product = case.product
    if product is None and article is not None:
        product = article.product
    needs_request = outcome in (Contact.Outcome.HANDED_OVER, Contact.Outcome.CALLBACK)
    receiver = receiver or Receiver()
    if needs_request and not receiver:
        raise ReceiverRequired(field="receiver")
    phone = ""
    if outcome == Contact.Outcome.CALLBACK:
        phone = (
            callback_phone.strip()
            or (person.phone if person else "")
            or (contact_person.phone if contact_person else "")
        )
        if not phone:
            raise ContactRefused(
                _("Give the phone number we should call back."), field="callback_phone"
            )
        try:
            phone = normalise_phone(phone)
        except ValueError:
            raise ContactRefused(PHONE_MESSAGE, field="callback_phone") from None
    if outcome == Contact.Outcome.CASE_CREATED and (product is None or not product.creates_case):
        # Whether the municipality offers the product is ``case_create``'s rule.
        raise ContactRefused(_("Choose a product for which a case can be opened."), field="product")
    if outcome != Contact.Outcome.ANSWERED:
        resolved_on_first_contact = False
    elif resolved_on_first_contact is None:
        resolved_on_first_contact = True
    with transaction.atomic():
        if outcome == Contact.Outcome.CASE_CREATED and case is None:
            assert product is not None
            try:
                case = case_create(
                    municipality=municipality,
                    product=product,
                    subject=subject,
                    description=text,
                    channel=channel,
                    person=person,
                    organisation=organisation,
                    started_at=occurred_at,
                    actor=actor,
                    received_on=received_on,
                    contested_decision_on=contested_decision_on,
                )
            except CaseRefused as refused:
                raise ContactRefused(refused.message, field=refused.field) from None
        contact = Contact(
            municipality=municipality,
            occurred_at=occurred_at,
            channel=channel,
            direction=direction,
            subject=subject,
            text=text,
            person=person,
            organisation=organisation,
            contact_person=contact_person,
            product=product,
            case=case,
            article=article,
            outcome=outcome,
            resolved_on_first_contact=resolved_on_first_contact,
            handed_to_team=receiver.team,
            handed_to_partner=receiver.partner,
            handed_to_user=receiver.user,
            registered_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _validate(contact)
        contact.save()
        if needs_request:
            request = ContactRequest.objects.create(
                municipality=municipality,
                kind=ContactRequest.Kind.CALLBACK
                if outcome == Contact.Outcome.CALLBACK
                else ContactRequest.Kind.HANDOVER,
                contact=contact,
                person=person,
                organisation=organisation,
                question=text or subject,
                phone=phone,
                email=(person.email if person else "")
                or (organisation.email if organisation else ""),
                team=receiver.team,
                partner=receiver.partner,
                assignee=receiver.user,
                created_at=now,
                created_by=contact.registered_by,
                due_at=request_deadline(municipality=municipality, requested_at=now),
                case=case,
            )
            if request.kind == ContactRequest.Kind.CALLBACK:
                from loket.notifications.services import notify_callback

                notify_callback(request)
        history_record(instance=contact, action="create", actor=actor)
    return contact


def _locked_request(request: ContactRequest, expected_version: int | None) -> ContactRequest:
    locked = ContactRequest.objects.select_for_update().get(pk=request.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleRequest()
    if locked.closed_at is not None:
        raise RequestClosed()
    return locked


def request_assign(
    *,
    request: ContactRequest,
    assignee: Any,
    actor: User | None,
    expected_version: int | None = None,
) -> ContactRequest:
    """Give an open request to one colleague (who must work for its municipality)."""
    if assignee is not None and request.municipality_id not in assignee.municipality_ids:
        raise ContactRefused(_("This colleague does not work for this municipality."))
    with transaction.atomic():
        locked = _locked_request(request, expected_version)
        before = locked.assignee_id
        own = assignee == actor or (assignee is None and before == getattr(actor, "pk", 0))
        if not own:  # giving work to someone else (or taking it) is assigning
            require(actor, Action.ASSIGN, locked.municipality_id)
        locked.assignee = assignee
        locked.version += 1
        locked.save(update_fields=["assignee", "version"])
        history_record(
            instance=locked,
            action="assign",
            actor=actor,
            changes={"assignee": [before, assignee.pk if assignee else None]},
        )
    return locked


def request_close(
    *,
    request: ContactRequest,
    outcome: str,
    note: str,
    actor: User | None,
    expected_version: int | None = None,
) -> ContactRequest:
    """Close a request with its outcome and what was agreed with the resident. Registers the
    call back (or the attempt) as an outbound phone contact, so the resident's history is whole."""
    if outcome not in ContactRequest.Outcome.values:
        raise ContactRefused(_("Choose how it ended."), field="outcome")
    note = _text(note, limit=limits.REASON, field="note")
    if not note.strip():
        raise ContactRefused(_("Write down what was agreed."), field="note")
    now = timezone.now()
    with transaction.atomic():
        locked = _locked_request(request, expected_version)
        locked.closed_at = now
        locked.closed_by = actor
        locked.outcome = outcome
        locked.closing_note = note.strip()
        locked.version += 1
        locked.save(update_fields=["closed_at", "closed_by", "outcome", "closing_note", "version"])
        Contact.objects.create(
            municipality_id=locked.municipality_id,
            occurred_at=now,
            channel=Channel.PHONE if locked.kind == ContactRequest.Kind.CALLBACK else Channel.EMAIL,
            direction=Contact.Direction.OUTBOUND,
            subject=str(_("Reply to: %(subject)s") % {"subject": locked.contact.subject})[:200],
            text=locked.closing_note,
            person_id=locked.person_id,
            organisation_id=locked.organisation_id,
            product_id=locked.contact.product_id,
            case_id=locked.case_id,
            outcome=Contact.Outcome.ANSWERED,
            handed_to_team_id=locked.team_id,
            handed_to_partner_id=locked.partner_id,
            handed_to_user=locked.assignee,
            registered_by=actor,
        )
        history_record(
            instance=locked, action="close", actor=actor, changes={"outcome": outcome}, reason=note
        )
    return locked
