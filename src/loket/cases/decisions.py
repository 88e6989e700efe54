"""Decisions (besluiten) on a case and their letter.

A decision is drafted, previewed as the letter the applicant will receive, and sent. Sending
fixes it: the letter (a PDF) is stored with the case and shared with the applicant in Mijn Loket,
the applicant is told on their channel with the letter attached (e-mail) or as the printed letter,
and the case gets the decision type's result. A sent decision is never changed: it is withdrawn,
or replaced by a new decision that records which one it replaces.

Sources: Awb 1:3 (a decision), 3:40 and 3:41 (it takes effect once announced, by sending it to
the applicant), 3:45 (the letter names the remedy: objection or appeal, the term and to whom),
3:46 (a decision rests on a sound reasoning), 4:5 (not considering an incomplete application),
6:5 (what an objection contains), 6:7 and 6:8 (six weeks from the day after sending), 8:81 (a
provisional ruling).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.accounts.permissions import Action, require
from loket.cases.errors import CaseRefused, InvalidInput
from loket.cases.letters import (
    TemplateText,
    fill_placeholders,
    letter_template_for,
    reasoning_blocks_for,
)
from loket.cases.models import Case, CaseDocument, CaseEvent, Decision
from loket.catalogue.models import DecisionType
from loket.history.services import history_record
from loket.lib import limits
from loket.tenancy.models import Municipality

DEFAULT_MANDATE = "Namens het college van burgemeester en wethouders"


class DecisionRefused(CaseRefused):
    code = "decision-refused"


def _check_text(value: str, *, limit: int, field: str) -> str:
    return limits.check_length(value, limit=limit, field=field, refused=InvalidInput)


def reasoning_from_blocks(
    decision_type: DecisionType, municipality: Municipality | int | None = None
) -> str:
    """The reasoning staff start from: the decision type's text blocks, one paragraph each;
    the municipality's own blocks where it keeps them (``loket.cases.letters``)."""
    return "\n\n".join(block["text"] for block in reasoning_blocks_for(decision_type, municipality))


def default_mandate(municipality: Municipality | int) -> str:
    """On whose behalf a decision is taken unless staff say otherwise: the municipality's
    letter template's line, else the college (in mandate, Awb 10:1)."""
    template = letter_template_for(municipality)
    return (template.mandate if template is not None else "") or DEFAULT_MANDATE


def _check_dates(effective_on: date | None, expires_on: date | None) -> None:
    if effective_on is not None and expires_on is not None and expires_on <= effective_on:
        raise InvalidInput(_("A decision cannot end before it takes effect."), field="expires_on")


@transaction.atomic
def decision_draft(
    *,
    case: Case,
    decision_type: DecisionType,
    actor: User,
    reasoning: str = "",
    legal_ground: str | None = None,
    effective_on: date | None = None,
    expires_on: date | None = None,
    mandate: str = "",
    replaces: Decision | None = None,
) -> Decision:
    """A draft decision of ``decision_type`` on an open case; the reasoning starts from the
    type's text blocks (the municipality's own where it keeps them) when none is given, and it
    is decided on behalf of the municipality's default (its letter template, else the college).
    ``replaces``: the sent decision this one will replace when it is sent. Only a role that may
    ``decide`` drafts (``loket.accounts.permissions``)."""
    require(actor, Action.DECIDE, case.municipality_id)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.closed_at is not None:
        raise DecisionRefused(_("The case is closed. Reopen it first."))
    if decision_type.case_type_id != locked.case_type_id:
        raise InvalidInput(
            _("This kind of decision does not belong to the case."), field="decision_type"
        )
    if replaces is not None and (
        replaces.case_id != locked.pk or replaces.status != Decision.Status.SENT
    ):
        raise InvalidInput(_("Only a sent decision of this case can be replaced."))
    reasoning = _check_text(reasoning, limit=limits.DESCRIPTION, field="reasoning").strip()
    _check_dates(effective_on, expires_on)
    number = locked.decisions.count() + 1
    decision = Decision(
        case=locked,
        identification=f"{locked.identification}-B{number}",
        decision_type=decision_type,
        reasoning=reasoning or reasoning_from_blocks(decision_type, locked.municipality_id),
        legal_ground=_check_text(
            decision_type.legal_ground if legal_ground is None else legal_ground,
            limit=limits.SHORT,
            field="legal_ground",
        ),
        effective_on=effective_on,
        expires_on=expires_on,
        mandate=_check_text(
            mandate or default_mandate(locked.municipality_id), limit=limits.SHORT, field="mandate"
        ),
        decided_by=actor,
        replaces=replaces,
    )
    decision.full_clean(exclude=["case", "decision_type", "decided_by", "replaces", "document"])
    decision.save()
    history_record(
        instance=locked,
        action="update",
        actor=actor,
        changes={
            "decision_draft": decision.identification,
            "type": decision_type.code,
            **({"replaces": replaces.identification} if replaces is not None else {}),
        },
    )
    return decision


def _draft(decision: Decision) -> Decision:
    locked = Decision.objects.select_for_update().select_related("case").get(pk=decision.pk)
    if locked.status != Decision.Status.DRAFT:
        raise DecisionRefused(
            _("A sent decision cannot be changed; withdraw it or replace it by a new decision.")
        )
    return locked


@transaction.atomic
def decision_update(
    *,
    decision: Decision,
    actor: User,
    reasoning: str,
    legal_ground: str,
    effective_on: date | None,
    expires_on: date | None,
    mandate: str,
) -> Decision:
    """Change a draft; a sent decision is refused (Awb: withdraw or replace it instead). Only a
    role that may ``decide``."""
    locked = _draft(decision)
    require(actor, Action.DECIDE, locked.case.municipality_id)
    reasoning = _check_text(reasoning, limit=limits.DESCRIPTION, field="reasoning").strip()
    if not reasoning:
        raise InvalidInput(_("A decision needs its reasoning (Awb 3:46)."), field="reasoning")
    _check_dates(effective_on, expires_on)
    locked.reasoning = reasoning
    locked.legal_ground = _check_text(legal_ground, limit=limits.SHORT, field="legal_ground")
    locked.effective_on, locked.expires_on = effective_on, expires_on
    locked.mandate = _check_text(mandate, limit=limits.SHORT, field="mandate").strip() or (
        default_mandate(locked.case.municipality_id)
    )
    locked.decided_by = actor
    locked.save()
    return locked


@transaction.atomic
def decision_insert_block(
    *, decision: Decision, index: int, actor: User, reasoning: str | None = None
) -> Decision:
    """Append one text block of the decision's type (the municipality's own where it keeps
    them, ``loket.cases.letters``) to the draft's reasoning, as a paragraph of its own (Awb
    3:46: the reasoning is the case worker's; the blocks are standard paragraphs to start from).
    ``reasoning``: the draft as the user has it on the page, unsaved edits included; None: the
    stored one. ``index`` counts from 0 in ``reasoning_blocks_for``. Only a role that may
    ``decide``."""
    locked = _draft(decision)
    require(actor, Action.DECIDE, locked.case.municipality_id)
    blocks = reasoning_blocks_for(locked.decision_type, locked.case.municipality_id)
    if not 0 <= index < len(blocks):
        raise InvalidInput(
            _("Choose one of the text blocks of this kind of decision."), field="block"
        )
    base = (
        locked.reasoning
        if reasoning is None
        else _check_text(reasoning, limit=limits.DESCRIPTION, field="reasoning")
    ).strip()
    text = blocks[index]["text"]
    combined = f"{base}\n\n{text}" if base else text
    locked.reasoning = _check_text(combined, limit=limits.DESCRIPTION, field="reasoning")
    locked.save(update_fields=["reasoning"])
    return locked


@transaction.atomic
def decision_replace(
    *, decision: Decision, actor: User, decision_type: DecisionType | None = None
) -> Decision:
    """Start replacing a sent decision: a new draft on the same case, linked to it through
    ``replaces`` and prefilled from it (reasoning, legal ground, end date, mandate; of the
    same type unless another is chosen). Nothing changes for the applicant until the new one
    is sent: then the old one becomes replaced (``decision_send``), both in the case's history.
    Refused for a decision that is not sent, while another draft already replaces it, and on
    a closed case (reopen it first). Only a role that may ``decide``."""
    require(actor, Action.DECIDE, decision.case.municipality_id)
    # The case first, then the decision: the order ``decision_send`` locks them in.
    case = Case.objects.select_for_update().get(pk=decision.case_id)
    old = Decision.objects.select_for_update().select_related("decision_type").get(pk=decision.pk)
    if old.status != Decision.Status.SENT:
        raise DecisionRefused(_("Only a sent decision can be replaced."))
    if Decision.objects.filter(replaces=old, status=Decision.Status.DRAFT).exists():
        raise DecisionRefused(
            _("A draft that replaces this decision exists already: finish that one.")
        )
    return decision_draft(
        case=case,
        decision_type=decision_type or old.decision_type,
        actor=actor,
        reasoning=old.reasoning,
        legal_ground=old.legal_ground,
        # Sending filled in the day it was sent where staff left the date empty (Awb 3:40);
        # only a date chosen on purpose is carried over, else the new one takes effect when sent.
        effective_on=old.effective_on if old.effective_on != old.sent_on else None,
        expires_on=old.expires_on,
        mandate=old.mandate,
        replaces=old,
    )


def objection_url(case: Case) -> str:
    path = reverse(
        "portal:mijn_case", kwargs={"municipality": case.municipality.slug, "uuid": case.uuid}
    )
    return settings.LOKET_BASE_URL.rstrip("/") + path


def _language(case: Case) -> str:
    """The applicant's language for the letter and the message: Dutch unless they chose English."""
    person = case.initiator_person
    return person.language if person is not None and person.language in ("nl", "en") else "nl"


@dataclass(frozen=True)
class Letter:
    """What one decision letter says: of a real decision (``decision_letter``) or the sample
    on the letter template page (``sample_letter``). The template reads only this, so both
    are the same letter."""

    municipality: Municipality
    language: str
    reference: str
    case_reference: str
    product: str
    received_on: date
    sent_on: date
    effective_on: date
    expires_on: date | None
    decision_name: str
    paragraphs: list[str]
    legal_ground: str
    mandate: str
    signer: str
    remedy: str
    objection_url: str
    recipient: list[str]
    salutation_name: str = ""
    watermark: str = ""
    wording: TemplateText = field(default_factory=TemplateText)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def render_letter(letter: Letter) -> bytes:
    """The letter as a PDF: the municipality's letterhead, the decision and its reasoning in
    the municipality's wording, and the remedy with its last day (Awb 3:45, 6:7, 6:8), which
    the code words and the template only addresses. Rendered with autoescaping: every text a
    person typed is printed as text."""
    from weasyprint import HTML  # needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0)

    from loket.cases.terms import objection_period_end
    from loket.tenancy.face import face_of, logo_of

    municipality = letter.municipality
    logo = ""
    found = logo_of(municipality)
    if found:
        with found.open("rb") as handle:
            kind = "png" if (found.name or "").lower().endswith(".png") else "jpeg"
            logo = f"data:image/{kind};base64,{base64.b64encode(handle.read()).decode()}"
    wording = letter.wording
    english = letter.language == "en"
    face = face_of(municipality)
    with translation.override(letter.language):
        values = {
            "product": letter.product,
            "datum_ontvangst": date_format(letter.received_on, "j F Y"),
            "zaaknummer": letter.case_reference,
        }
        opening = wording.opening_en if english else wording.opening_nl
        closing = wording.closing_en if english else wording.closing_nl
        custom_objection = bool(
            wording.objection_addressee or wording.objection_address or wording.objection_url
        )
        html = render_to_string(
            "cases/decision_letter.html",
            {
                "letter": letter,
                "subject": _("Decision on your request for %(product)s")
                % {"product": letter.product},
                "face": face,
                "logo": logo,
                "opening": _paragraphs(fill_placeholders(opening, values)),
                "closing": _paragraphs(fill_placeholders(closing, values)),
                "signer": wording.signatory_name or letter.signer,
                "signer_function": wording.signatory_function,
                "last_day": objection_period_end(letter.sent_on),
                "custom_objection": custom_objection,
                "objection_online": wording.objection_url or f"Mijn Loket ({letter.objection_url})",
                "objection_addressee": wording.objection_addressee
                or _("the Municipal Executive of %(name)s") % {"name": face.name},
                "objection_address": ", ".join(wording.objection_address.splitlines())
                or face.postal_one_line,
                "court": wording.court,
                "footer": wording.footer.splitlines(),
            },
        )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def decision_letter(decision: Decision, *, sent_on: date | None = None) -> bytes:
    """The letter of ``decision`` as a PDF, in the municipality's wording (its letter template,
    ``loket.cases.letters``) and the applicant's language. A draft is marked as such (a
    preview)."""
    case = decision.case
    person = case.initiator_person
    organisation = case.initiator_organisation
    language = _language(case)
    sent_on = decision.sent_on or sent_on or timezone.localdate()
    recipient: list[str] = []
    if person is not None:
        recipient = [
            person.full_name,
            f"{person.street} {person.house_number}".strip(),
            f"{person.postcode} {person.city}".strip(),
        ]
    elif organisation is not None:
        recipient = [organisation.name]
    with translation.override(language):
        decision_name = decision.decision_type.name
        product = case.product.name
        draft = str(_("DRAFT")) if decision.status == Decision.Status.DRAFT else ""
    letter = Letter(
        municipality=case.municipality,
        language=language,
        reference=decision.identification,
        case_reference=case.identification,
        product=product,
        received_on=case.received_on,
        sent_on=sent_on,
        effective_on=decision.effective_on or sent_on,
        expires_on=decision.expires_on,
        decision_name=decision_name,
        paragraphs=_paragraphs(decision.reasoning),
        legal_ground=decision.legal_ground,
        mandate=decision.mandate,
        signer=decision.decided_by.get_full_name() or decision.decided_by.get_username(),
        remedy=decision.decision_type.remedy,
        objection_url=objection_url(case),
        recipient=recipient,
        salutation_name=person.full_name if person is not None else "",
        watermark=draft,
        wording=TemplateText.of(letter_template_for(case.municipality_id)),
    )
    return render_letter(letter)


def sample_letter(
    *,
    municipality: Municipality,
    actor: User,
    wording: TemplateText | None = None,
    language: str = "nl",
) -> bytes:
    """A sample decision letter (a permit granted, open to objection) in ``wording`` (default:
    the municipality's saved letter template), marked as a sample: what the letter template
    page previews. ``wording`` is checked as saving would check it. Only a role that may
    ``templates`` there."""
    from loket.cases.letters import require_templates, template_text_check

    require_templates(actor, municipality)
    if wording is None:
        wording = TemplateText.of(letter_template_for(municipality))
    wording = template_text_check(wording)
    language = language if language in ("nl", "en") else "nl"
    today = timezone.localdate()
    path = reverse("portal:mijn", kwargs={"municipality": municipality.slug})
    with translation.override(language):
        letter = Letter(
            municipality=municipality,
            language=language,
            reference=f"ZAAK-{today.year}-0000000-B1",
            case_reference=f"ZAAK-{today.year}-0000000",
            product=str(_("Event permit")),
            received_on=date.fromordinal(today.toordinal() - 21),
            sent_on=today,
            effective_on=today,
            expires_on=None,
            decision_name=str(_("Permit granted")),
            paragraphs=[
                str(
                    _(
                        "This is a sample letter. It shows your own texts in a decision letter."
                        " In a real letter, this is where the reasoning of the decision goes."
                    )
                )
            ],
            legal_ground=str(_("General local bye-law (APV), article 2:25")),
            mandate=wording.mandate or DEFAULT_MANDATE,
            signer=(actor.get_full_name() or actor.get_username()) if actor else "",
            remedy=DecisionType.Remedy.OBJECTION,
            objection_url=settings.LOKET_BASE_URL.rstrip("/") + path,
            recipient=["J. Jansen", "Voorbeeldstraat 1", f"1234 AB {municipality.name}"],
            salutation_name="J. Jansen",
            watermark=str(_("SAMPLE")),
            wording=wording,
        )
    return render_letter(letter)


@transaction.atomic
def decision_send(*, decision: Decision, actor: User) -> Decision:
    """Send a draft: it is fixed, dated today (Awb 3:41), takes effect that day unless a later
    date was set (3:40), its letter is stored with the case and shared with the applicant, the
    applicant is told on their channel with the letter, the case gets the type's result, and a
    decision it replaces is marked replaced. All in one transaction. Only a role that may
    ``sign``: sending is what makes it a decision (Awb 3:40, 3:41)."""
    from loket.cases.services import _notify
    from loket.cases.uploads import check_upload

    locked = _draft(decision)
    require(actor, Action.SIGN, locked.case.municipality_id)
    case = Case.objects.select_for_update().get(pk=locked.case_id)
    if case.closed_at is not None:
        raise DecisionRefused(_("The case is closed. Reopen it first."))
    if not locked.reasoning.strip():
        raise InvalidInput(_("A decision needs its reasoning (Awb 3:46)."), field="reasoning")
    replaced = None
    if locked.replaces_id is not None:
        # Locked after the case, as ``decision_replace`` does, so the two never wait on each
        # other in opposite order.
        replaced = Decision.objects.select_for_update().get(pk=locked.replaces_id)
        if replaced.status != Decision.Status.SENT:
            raise DecisionRefused(
                _(
                    "The decision this one replaces is no longer in force (withdrawn or already"
                    " replaced); make a new decision instead."
                )
            )
    today = timezone.localdate()
    locked.status = Decision.Status.SENT
    locked.sent_on = today
    locked.effective_on = locked.effective_on or today
    locked.decided_by = actor
    pdf = ContentFile(decision_letter(locked), name=f"besluit-{locked.identification.lower()}.pdf")
    name, content_type = check_upload(pdf)
    document = CaseDocument(
        case=case,
        name=f"Besluit {locked.identification}.pdf",
        content_type=content_type,
        size=pdf.size,
        uploaded_at=timezone.now(),
        uploaded_by=actor,
        shared_with_applicant=True,
    )
    document.file.save(name, pdf, save=False)
    document.save()
    locked.document = document
    locked.save()
    if replaced is not None:
        replaced.status = Decision.Status.REPLACED
        replaced.save(update_fields=["status"])
    fields = ["version", "updated_at"]
    result = locked.decision_type.result
    if result is not None:
        case.result = result
        fields.append("result")
    case.version += 1
    case.save(update_fields=fields)
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.DECISION,
        at=timezone.now(),
        actor=actor,
        detail=f"{locked.identification}: {locked.decision_type.name_nl}",
        effective_on=today,
        basis=locked.decision_type.code,
    )
    if replaced is not None:
        # Both in the case's history: the new decision sent (above) and the old one replaced.
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.DECISION,
            at=timezone.now(),
            actor=actor,
            detail=f"{replaced.identification}: vervangen door {locked.identification}",
            effective_on=today,
            basis="replaced",
        )
    history_record(
        instance=case,
        action="update",
        actor=actor,
        changes={
            "decision_sent": locked.identification,
            "type": locked.decision_type.code,
            **({"replaces": replaced.identification} if replaced is not None else {}),
        },
    )
    last_day = locked.objection_last_day
    language = _language(case)
    with translation.override(language):
        objection = (
            _(
                "Do you disagree with the decision? You can object until %(day)s inclusive."
                " How, is in the letter and in Mijn Loket."
            )
            % {"day": _day(last_day)}
            if last_day is not None and locked.decision_type.remedy == "objection"
            else _("Do you disagree with the decision? The letter says what you can do.")
            if last_day is not None
            else ""
        )
        _notify(
            "decision_sent",
            case,
            key=locked.identification,
            document=document,
            decision=locked.decision_type.name,
            objection=objection,
        )
    return locked


def _day(value: date) -> str:
    return date_format(value, "j F Y")


@transaction.atomic
def decision_withdraw(*, decision: Decision, reason: str, actor: User) -> Decision:
    """Withdraw a sent decision (intrekking), with its reason; recorded, never deleted. Only a
    role that may ``sign``: withdrawing is itself a decision."""
    require(actor, Action.SIGN, decision.case.municipality_id)
    reason = _check_text(reason, limit=limits.REASON, field="reason").strip()
    if not reason:
        raise InvalidInput(_("Give a reason; the applicant and colleagues will read it."))
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.status != Decision.Status.SENT:
        raise DecisionRefused(_("Only a sent decision can be withdrawn."))
    locked.status = Decision.Status.WITHDRAWN
    locked.withdrawn_reason = reason
    locked.save(update_fields=["status", "withdrawn_reason"])
    CaseEvent.objects.create(
        case_id=locked.case_id,
        kind=CaseEvent.Kind.DECISION,
        at=timezone.now(),
        actor=actor,
        reason=reason,
        detail=f"{locked.identification}: ingetrokken",
        basis="withdrawn",
    )
    history_record(
        instance=locked.case,
        action="update",
        actor=actor,
        changes={"decision_withdrawn": locked.identification},
        reason=reason,
    )
    return locked


def sent_decision_for(case: Case, result: Any) -> bool:
    """Whether ``result`` may be set: a result that a decision type leads to needs a sent
    decision of such a type on the case (issue 13)."""
    if result is None or not result.decision_types.exists():
        return True
    return case.decisions.filter(status=Decision.Status.SENT, decision_type__result=result).exists()
