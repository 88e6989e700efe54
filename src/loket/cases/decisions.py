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
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loket.accounts.permissions import Action, require
from loket.cases.errors import CaseRefused, InvalidInput
from loket.cases.models import Case, CaseDocument, CaseEvent, Decision
from loket.catalogue.models import DecisionType
from loket.history.services import history_record
from loket.lib import limits

DEFAULT_MANDATE = "Namens het college van burgemeester en wethouders"


class DecisionRefused(CaseRefused):
    code = "decision-refused"


def _check_text(value: str, *, limit: int, field: str) -> str:
    return limits.check_length(value, limit=limit, field=field, refused=InvalidInput)


def reasoning_from_blocks(decision_type: DecisionType) -> str:
    """The reasoning staff start from: the decision type's text blocks, one paragraph each."""
    return "\n\n".join(
        str(block.get("text", "")).strip()
        for block in decision_type.reasoning_blocks
        if str(block.get("text", "")).strip()
    )


def _check_dates(effective_on: date | None, expires_on: date | None) -> None:
    if effective_on is not None and expires_on is not None and expires_on <= effective_on:
        raise InvalidInput(_("A decision cannot end before it takes effect."), field="expires_on")


@transaction.atomic
def decision_draft(
    *,
    case: Case,
    decision_type: DecisionType,
    actor: Any,
    reasoning: str = "",
    legal_ground: str | None = None,
    effective_on: date | None = None,
    expires_on: date | None = None,
    mandate: str = "",
    replaces: Decision | None = None,
) -> Decision:
    """A draft decision of ``decision_type`` on an open case; the reasoning starts from the
    type's text blocks when none is given. ``replaces``: the sent decision this one will replace
    when it is sent. Only a role that may ``decide`` drafts (``loket.accounts.permissions``)."""
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
        reasoning=reasoning or reasoning_from_blocks(decision_type),
        legal_ground=_check_text(
            decision_type.legal_ground if legal_ground is None else legal_ground,
            limit=limits.SHORT,
            field="legal_ground",
        ),
        effective_on=effective_on,
        expires_on=expires_on,
        mandate=_check_text(mandate or DEFAULT_MANDATE, limit=limits.SHORT, field="mandate"),
        decided_by=actor,
        replaces=replaces,
    )
    decision.full_clean(exclude=["case", "decision_type", "decided_by", "replaces", "document"])
    decision.save()
    history_record(
        instance=locked,
        action="update",
        actor=actor,
        changes={"decision_draft": decision.identification, "type": decision_type.code},
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
    actor: Any,
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
        DEFAULT_MANDATE
    )
    locked.decided_by = actor
    locked.save()
    return locked


def objection_url(case: Case) -> str:
    path = reverse(
        "portal:mijn_case", kwargs={"municipality": case.municipality.slug, "uuid": case.uuid}
    )
    return settings.LOKET_BASE_URL.rstrip("/") + path


def _language(case: Case) -> str:
    """The applicant's language for the letter and the message: Dutch unless they chose English."""
    person = case.initiator_person
    return person.language if person is not None and person.language in ("nl", "en") else "nl"


def decision_letter(decision: Decision, *, sent_on: date | None = None) -> bytes:
    """The letter as a PDF: the municipality's letterhead, the decision, its reasoning, and the
    remedy with its last day (Awb 3:45, 6:7, 6:8). A draft is marked as such (a preview)."""
    from weasyprint import HTML  # needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0)

    from loket.cases.terms import objection_period_end
    from loket.tenancy.face import face_of, logo_of

    case = decision.case
    person = case.initiator_person
    language = _language(case)
    sent_on = decision.sent_on or sent_on or timezone.localdate()
    logo = ""
    found = logo_of(case.municipality)
    if found:
        with found.open("rb") as handle:
            kind = "png" if (found.name or "").lower().endswith(".png") else "jpeg"
            logo = f"data:image/{kind};base64,{base64.b64encode(handle.read()).decode()}"
    with translation.override(language):
        decision_type = decision.decision_type
        subject = _("Decision on your request for %(product)s") % {"product": case.product.name}
        html = render_to_string(
            "cases/decision_letter.html",
            {
                "language": language,
                "subject": subject,
                "decision": decision,
                "case": case,
                "person": person,
                "organisation": case.initiator_organisation,
                "face": face_of(case.municipality),
                "logo": logo,
                "sent_on": sent_on,
                "effective_on": decision.effective_on or sent_on,
                "paragraphs": [p for p in decision.reasoning.split("\n\n") if p.strip()],
                "remedy": decision_type.remedy,
                "last_day": objection_period_end(sent_on),
                "objection_url": objection_url(case),
                "signer": decision.decided_by.get_full_name() or decision.decided_by.get_username(),
                "preview": decision.status == Decision.Status.DRAFT,
            },
        )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


@transaction.atomic
def decision_send(*, decision: Decision, actor: Any) -> Decision:
    """Send a draft: it is fixed, dated today (Awb 3:41), takes effect that day unless a later
    date was set (3:40), its letter is stored with the case and shared with the applicant, the
    applicant is told on their channel with the letter, the case gets the type's result, and a
    decision it replaces is marked replaced. All in one transaction. Only a role that may
    ``sign``: sending is what makes it a decision (Awb 3:40, 3:41)."""
    from loket.cases.services import _notify, check_upload

    locked = _draft(decision)
    require(actor, Action.SIGN, locked.case.municipality_id)
    case = Case.objects.select_for_update().get(pk=locked.case_id)
    if case.closed_at is not None:
        raise DecisionRefused(_("The case is closed. Reopen it first."))
    if not locked.reasoning.strip():
        raise InvalidInput(_("A decision needs its reasoning (Awb 3:46)."), field="reasoning")
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
    if locked.replaces is not None:
        Decision.objects.filter(pk=locked.replaces.pk).update(status=Decision.Status.REPLACED)
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
    history_record(
        instance=case,
        action="update",
        actor=actor,
        changes={
            "decision_sent": locked.identification,
            "type": locked.decision_type.code,
            **({"replaces": locked.replaces.identification} if locked.replaces else {}),
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
    from django.utils.formats import date_format

    return date_format(value, "j F Y")


@transaction.atomic
def decision_withdraw(*, decision: Decision, reason: str, actor: Any) -> Decision:
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
