"""What residents do in Mijn Loket: apply, send documents and messages, withdraw, set
preferences, log in with a link. Thin views call these; the case rules stay in
``loket.cases.services``."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.cases.errors import CaseRefused, InvalidInput, NotSuspended
from loket.cases.models import Case, CaseDocument, CaseMessage, Decision
from loket.cases.services import (
    case_add_document,
    case_create,
    case_resume,
    case_send_message,
    case_withdraw,
    waits_for_applicant,
)
from loket.catalogue.models import Channel, Product
from loket.contacts.models import Contact
from loket.contacts.services import contact_register
from loket.history.services import history_record
from loket.lib import limits
from loket.notifications.models import StaffNotification
from loket.notifications.services import staff_notify_from_resident
from loket.parties.errors import PartyRefused
from loket.parties.models import Person
from loket.parties.services import person_find_or_create
from loket.portal.identity import Resident
from loket.portal.models import DraftUpload, LoginLink
from loket.tenancy.models import Municipality


class PortalRefused(CaseRefused):
    code = "refused"


def _split_name(name: str) -> tuple[str, str]:
    parts = name.split()
    if len(parts) < 2:
        return "", name
    return parts[0], " ".join(parts[1:])


def person_for_application(
    *, municipality: Municipality, resident: Resident, answers: dict[str, Any]
) -> Person:
    """The applicant's person record, through the contact services
    (``person_find_or_create``): found by BSN (or, for an e-mail login, by e-mail among persons
    without BSN), created when new, never twice. The e-mail and phone given in the form are
    kept (the phone normalised, +316…), so the next form offers them again."""
    email = answers.get("email", "") or resident.email
    first, surname = _split_name(resident.name)
    try:
        return person_find_or_create(
            municipality=municipality,
            data={
                "bsn": resident.bsn,
                "first_name": first,
                "surname": surname or email or _("unknown"),
                "email": email,
                "phone": answers.get("telefoon", ""),
            },
            actor=None,
            reason="Mijn Loket",
        )
    except PartyRefused as refused:
        raise PortalRefused(refused.message, field=refused.field) from None


def application_submit(
    *,
    municipality: Municipality,
    product: Product,
    resident: Resident,
    answers: dict[str, Any],
    description: str,
    uploads: list[DraftUpload],
    submission_key: str,
    contested_decision: str = "",
) -> tuple[Case, bool]:
    """Send an application: one case with the product's service norm, the answers and the
    files, and a contact record. Returns ``(case, created)``.

    The same ``submission_key`` never makes a second case (a double click, the back button,
    a retried request): the existing case is returned. A unique constraint backs this up when
    two requests arrive at the same moment. ``contested_decision``: the uuid of a decision on one
    of the resident's own cases that this objection contests (it is linked, and its date of
    sending starts the objection term)."""
    for name, value in answers.items():
        if isinstance(value, str):
            limits.check_length(value, limit=limits.TEXT, field=name, refused=InvalidInput)
    existing = Case.objects.filter(municipality=municipality, submission_key=submission_key)
    found = existing.first()
    if found is not None:
        if not resident.cases(municipality).filter(pk=found.pk).exists():
            raise PortalRefused(_("This application belongs to someone else."))
        return found, False
    # Whether the municipality offers the product at all is ``case_create``'s rule.
    if not product.online_request:
        raise PortalRefused(_("This product cannot be requested online here."))
    decision = None
    if contested_decision:
        decision = (
            Decision.objects.filter(
                uuid=contested_decision,
                status=Decision.Status.SENT,
                case__in=resident.cases(municipality),
            )
            .select_related("case")
            .first()
        )
        if decision is None:
            raise PortalRefused(_("This decision is not one of yours."))
    try:
        with transaction.atomic():
            person = person_for_application(
                municipality=municipality, resident=resident, answers=answers
            )
            case = case_create(
                municipality=municipality,
                product=product,
                subject=product.name_nl,
                description=description,
                channel=Channel.WEB,
                person=person,
                submission_key=submission_key,
                form_data=answers,
                contested_decision=decision,
            )
            for draft in uploads:
                with draft.file.open("rb") as handle:
                    case_add_document(
                        case=case,
                        upload=File(handle, name=draft.name),
                        actor=None,
                        from_applicant=True,
                    )
            # The contact about the case just opened (``contact_register`` with the case
            # opens no second one).
            contact_register(
                municipality=municipality,
                actor=None,
                occurred_at=case.started_at,
                channel=Channel.WEB,
                # "Aanvraag: …", "Melding: …": the words of the product's kind.
                subject=f"{product.phrases.Noun}: {product.name_nl}",
                person=person,
                product=product,
                case=case,
                outcome=Contact.Outcome.CASE_CREATED,
            )
    except IntegrityError:
        found = existing.first()
        if found is None:
            raise
        return found, False
    for draft in uploads:
        draft.file.delete(save=False)
        draft.delete()
    return case, True


def save_draft_upload(*, resident: Resident, field: str, upload: Any) -> DraftUpload:
    from loket.cases.uploads import check_upload

    name, content_type = check_upload(upload)
    draft = DraftUpload(
        owner=resident.key, field=field, name=name, content_type=content_type, size=upload.size
    )
    draft.file.save(name, upload, save=False)
    draft.save()
    return draft


@transaction.atomic
def send_requested_document(*, case: Case, upload: Any, note: str = "") -> CaseDocument:
    """The applicant sends a document. If the case was waiting for information (suspended),
    it resumes: the clock runs again and the deadline moves by the waiting time (Awb 4:15)."""
    document = case_add_document(case=case, upload=upload, actor=None, from_applicant=True)
    if note.strip():
        case_send_message(case=case, text=note, from_applicant=True)
    staff_notify_from_resident(
        case=case,
        kind=StaffNotification.Kind.RESIDENT_DOCUMENT,
        text=f"de aanvrager stuurde “{document.name}”."
        + (" Met een bericht." if note.strip() else ""),
        key=f"resident_document:{document.pk}",
    )
    case.refresh_from_db()
    if case.suspended_at is not None and waits_for_applicant(case):
        # Only a suspension that waits for the applicant ends with what they send (Awb 4:15
        # lid 1 a); information from abroad, an agreed delay or force majeure do not.
        # A colleague may have resumed it a moment ago: the document is kept all the same.
        with contextlib.suppress(NotSuspended):
            case_resume(
                case=case,
                actor=None,
                reason=_("The applicant sent “%(name)s”.") % {"name": document.name},
            )
    return document


@transaction.atomic
def send_message(*, case: Case, text: str) -> CaseMessage:
    message = case_send_message(case=case, text=text, from_applicant=True)
    staff_notify_from_resident(
        case=case,
        kind=StaffNotification.Kind.RESIDENT_MESSAGE,
        text="nieuw bericht van de aanvrager.",
        key=f"resident_message:{message.pk}",
    )
    return message


def withdraw(*, case: Case, reason: str = "") -> Case:
    """The applicant withdraws; their reason has at most ``limits.REASON`` characters."""
    reason = limits.check_length(reason, limit=limits.REASON, field="reason", refused=InvalidInput)
    return case_withdraw(
        case=case,
        reason=(_("Withdrawn by the applicant: %(reason)s") % {"reason": reason})
        if reason.strip()
        else "",
    )


def mark_messages_read(case: Case) -> None:
    case.messages.filter(sender=CaseMessage.Sender.STAFF, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preferences_save(
    *, municipality: Municipality, resident: Resident, channel: str, language: str, phone: str
) -> Person:
    """Store how the resident wants to hear from us; creates their person record if needed
    and keeps a phone number given (``person_for_application``)."""
    person = person_for_application(
        municipality=municipality, resident=resident, answers={"telefoon": phone}
    )
    if channel == "sms" and not person.phone:
        raise PortalRefused(_("Give a mobile number to receive text messages."))
    before = {"preferred_channel": person.preferred_channel, "language": person.language}
    person.preferred_channel = channel
    person.language = language
    person.save(update_fields=["preferred_channel", "language"])
    history_record(
        instance=person,
        action="update",
        changes={
            "preferred_channel": [before["preferred_channel"], channel],
            "language": [before["language"], language],
        },
        reason="Mijn Loket",
    )
    return person


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login_link_send(
    *, municipality: Municipality, email: str, next_url: str, build_url: Any
) -> None:
    """E-mail a single-use login link. The same answer is given for any address, so nobody can
    find out which addresses are known."""
    token = secrets.token_urlsafe(32)
    LoginLink.objects.create(
        token_hash=_hash(token),
        email=email.lower(),
        municipality=municipality,
        next_url=next_url[:500],
        created_at=timezone.now(),
    )
    minutes = settings.LOKET_MAGIC_LINK_MINUTES
    send_mail(
        subject=_("Log in to Mijn Loket %(municipality)s") % {"municipality": municipality.name},
        message=_(
            "Use this link to log in to Mijn Loket of %(municipality)s:\n\n%(url)s\n\n"
            "The link works once and for %(minutes)s minutes. Did you not ask for it? Then you"
            " can ignore this e-mail."
        )
        % {"municipality": municipality.name, "url": build_url(token), "minutes": minutes},
        from_email=None,
        recipient_list=[email],
    )


def login_link_use(*, municipality: Municipality, token: str) -> LoginLink | None:
    """The link, marked used, if it is valid: unused, not expired, for this municipality."""
    cutoff = timezone.now() - timedelta(minutes=settings.LOKET_MAGIC_LINK_MINUTES)
    with transaction.atomic():
        link = (
            LoginLink.objects.select_for_update()
            .filter(
                token_hash=_hash(token),
                municipality=municipality,
                used_at__isnull=True,
                created_at__gte=cutoff,
            )
            .first()
        )
        if link is None:
            return None
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    return link
