"""Mijn Loket's overview and the pages of one case under ``/<gemeente>/mijn/``: its progress,
answers, documents and messages, sending a message or a requested document, withdrawing the
request, and objecting to a decision.

Every case is fetched through ``resident.cases(municipality)``: another resident's case,
document or message is a 404, also when its identifier is guessed. Thin views: what may be
done is the case services' to say (``loket.cases.services.withdrawal_possible``), what is
changed goes through ``loket.portal.services``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from loket.cases.errors import CaseRefused
from loket.cases.models import Case, CaseDocument, CaseMessage, Decision
from loket.cases.services import withdrawal_possible
from loket.catalogue.models import DecisionType, Product
from loket.portal import forms as pf
from loket.portal import services
from loket.portal.application import readable_answers
from loket.portal.apply import requestable_product
from loket.portal.drafts import draft_open, draft_save
from loket.portal.identity import PortalRequest, Resident, resident_required
from loket.portal.progress import case_progress
from loket.tenancy.models import Municipality

OBJECTION_PRODUCT = "bezwaar"


@resident_required
def home(request: PortalRequest, municipality: Municipality, resident: Resident) -> HttpResponse:
    cases = (
        resident.cases(municipality)
        .select_related("product", "status", "case_type", "result")
        .order_by("-started_at")
    )
    open_cases = [case_progress(c) for c in cases if c.closed_at is None]
    closed = [c for c in cases if c.closed_at is not None][:20]
    latest = (
        CaseMessage.objects.filter(
            case__in=resident.cases(municipality), sender=CaseMessage.Sender.STAFF
        )
        .select_related("case")
        .order_by("-sent_at")[:5]
    )
    return render(
        request,
        "portal/mijn_home.html",
        {
            "resident": resident,
            "person": resident.person(municipality),
            "open_cases": open_cases,
            "closed_cases": closed,
            "latest_messages": latest,
            "contacts": resident.contacts(municipality).select_related("product")[:20],
        },
    )


def _case(resident: Resident, municipality: Municipality, uuid: UUID) -> Case:
    return get_object_or_404(
        resident.cases(municipality).select_related("product", "status", "case_type", "result"),
        uuid=uuid,
    )


@dataclass(frozen=True)
class ReceivedDecision:
    """A decision as the applicant sees it: the last day to object and whether the objection
    can be made here online (Awb 6:7, 6:8; the letter says the same)."""

    decision: Decision
    last_day: date | None
    in_time: bool
    can_object: bool


def _decisions(municipality: Municipality, case: Case) -> list[ReceivedDecision]:
    """The decisions the applicant has received (not drafts)."""
    online = (
        Product.objects.offered_in(municipality)
        .filter(slug=OBJECTION_PRODUCT, online_request=True)
        .exists()
    )
    today = timezone.localdate()
    found = []
    for decision in case.decisions.exclude(status=Decision.Status.DRAFT).select_related(
        "decision_type", "document"
    ):
        last_day = decision.objection_last_day
        objectable = (
            decision.status == Decision.Status.SENT
            and decision.decision_type.remedy == DecisionType.Remedy.OBJECTION
        )
        found.append(
            ReceivedDecision(
                decision=decision,
                last_day=last_day if objectable else None,
                in_time=last_day is not None and last_day >= today,
                can_object=objectable and online,
            )
        )
    return found


def _case_page(
    request: PortalRequest,
    municipality: Municipality,
    case: Case,
    *,
    message_form: pf.MessageForm | None = None,
    upload_form: pf.UploadForm | None = None,
    status: int = 200,
) -> HttpResponse:
    services.mark_messages_read(case)
    return render(
        request,
        "portal/mijn_case.html",
        {
            "case": case,
            "progress": case_progress(case),
            "answers": readable_answers(case.product.request_form, case.form_data),
            "documents": case.documents.filter(shared_with_applicant=True),
            "messages_list": case.messages.all(),
            "message_form": message_form if message_form is not None else pf.MessageForm(),
            "upload_form": upload_form if upload_form is not None else pf.UploadForm(),
            # The workflow table's answer, the same case_withdraw gives (no rule of our own).
            "can_withdraw": withdrawal_possible(case),
            "decisions": _decisions(municipality, case),
        },
        status=status,
    )


@resident_required
def case_detail(
    request: PortalRequest, municipality: Municipality, resident: Resident, uuid: UUID
) -> HttpResponse:
    return _case_page(request, municipality, _case(resident, municipality, uuid))


@resident_required
def case_received(
    request: PortalRequest, municipality: Municipality, resident: Resident, uuid: UUID
) -> HttpResponse:
    case = _case(resident, municipality, uuid)
    return render(
        request, "portal/mijn_received.html", {"case": case, "progress": case_progress(case)}
    )


@resident_required
def case_message(
    request: PortalRequest, municipality: Municipality, resident: Resident, uuid: UUID
) -> HttpResponse:
    case = _case(resident, municipality, uuid)
    if request.method != "POST":
        return redirect("portal:mijn_case", municipality=municipality.slug, uuid=case.uuid)
    form = pf.MessageForm(request.POST)
    if not form.is_valid():
        return _case_page(request, municipality, case, message_form=form, status=400)
    try:
        services.send_message(case=case, text=form.cleaned_data["text"])
    except CaseRefused as refused:
        form.add_error("text", str(refused.message))
        if case.closed_at is not None:  # a closed case's page has no form to show it in
            messages.error(request, str(refused.message))
        return _case_page(request, municipality, case, message_form=form, status=400)
    messages.success(request, _("Your message was sent."))
    return redirect("portal:mijn_case", municipality=municipality.slug, uuid=case.uuid)


@resident_required
def case_upload(
    request: PortalRequest, municipality: Municipality, resident: Resident, uuid: UUID
) -> HttpResponse:
    case = _case(resident, municipality, uuid)
    if request.method != "POST":
        return redirect("portal:mijn_case", municipality=municipality.slug, uuid=case.uuid)
    form = pf.UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _case_page(request, municipality, case, upload_form=form, status=400)
    was_waiting = case.suspended_at is not None
    try:
        services.send_requested_document(
            case=case, upload=form.cleaned_data["file"], note=form.cleaned_data["note"]
        )
    except CaseRefused as refused:
        form.add_error("file", str(refused.message))
        if case.closed_at is not None:  # a closed case's page has no form to show it in
            messages.error(request, str(refused.message))
        return _case_page(request, municipality, case, upload_form=form, status=400)
    if was_waiting:
        messages.success(
            request, _("Thank you. We received your document and continue with your request.")
        )
    else:
        messages.success(request, _("Thank you. We received your document."))
    return redirect("portal:mijn_case", municipality=municipality.slug, uuid=case.uuid)


@resident_required
def case_withdraw(
    request: PortalRequest, municipality: Municipality, resident: Resident, uuid: UUID
) -> HttpResponse:
    case = _case(resident, municipality, uuid)
    form = pf.WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(case=case, reason=form.cleaned_data["reason"])
        except CaseRefused as refused:
            messages.error(request, str(refused.message))
        else:
            messages.success(request, _("Your request is withdrawn."))
        return redirect("portal:mijn_case", municipality=municipality.slug, uuid=case.uuid)
    return render(
        request,
        "portal/mijn_withdraw.html",
        {
            "case": case,
            "form": form,
            "your_case": case.product.phrases.your_case(case.product.name),
        },
    )


@resident_required
def case_document(
    request: PortalRequest,
    municipality: Municipality,
    resident: Resident,
    uuid: UUID,
    document: UUID,
) -> FileResponse:
    case = _case(resident, municipality, uuid)
    item = get_object_or_404(
        CaseDocument.objects.filter(case=case, shared_with_applicant=True), uuid=document
    )
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


@resident_required
def object_to_decision(
    request: PortalRequest,
    municipality: Municipality,
    resident: Resident,
    uuid: UUID,
    decision: UUID,
) -> HttpResponse:
    """ "Bezwaar maken": the objection form, with the decision named and linked (issue 13)."""
    case = _case(resident, municipality, uuid)
    item = get_object_or_404(case.decisions.filter(status=Decision.Status.SENT), uuid=decision)
    product = requestable_product(municipality, OBJECTION_PRODUCT)
    draft = draft_open(request.session, municipality=municipality, product=product)
    draft.decision = str(item.uuid)
    assert item.sent_on is not None  # a sent decision has its day of sending
    draft.answers.setdefault(
        "kenmerk",
        _("%(reference)s, sent on %(day)s")
        % {"reference": item.identification, "day": date_format(item.sent_on, "j F Y")},
    )
    draft_save(request.session, municipality=municipality, product=product, draft=draft)
    return redirect("portal:apply", municipality=municipality.slug, product=product.slug)
