"""Mijn Loket: the resident's own pages under ``/<gemeente>/mijn/``.

Every case is fetched through ``resident.cases(municipality)``: another resident's case,
document or message is a 404, also when its identifier is guessed.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from loket.cases.errors import CaseRefused
from loket.cases.models import Case, CaseDocument, CaseMessage, Decision
from loket.catalogue.models import DecisionType, Product
from loket.lib.identifiers import format_phone
from loket.lib.params import text_param, uuid_param
from loket.parties.models import Person
from loket.portal import forms as pf
from loket.portal import services
from loket.portal.application import ApplicationForm, prefill, readable_answers
from loket.portal.identity import (
    Resident,
    current_resident,
    forget_login,
    remember_login,
    resident_login,
    resident_logout,
    resident_required,
)
from loket.portal.models import DraftUpload
from loket.portal.progress import case_progress
from loket.tenancy.models import Municipality
from loket.tenancy.selectors import municipality_for_slug

DRAFTS = "loket_drafts"


def _home_url(municipality: Municipality) -> str:
    return reverse("portal:mijn", kwargs={"municipality": municipality.slug})


def _safe_next(request: HttpRequest, municipality: Municipality, value: str | None) -> str:
    """Only a path on this site, inside this municipality's pages; otherwise Mijn Loket."""
    prefix = f"/{municipality.slug}/"
    if (
        value
        and value.startswith(prefix)
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()})
    ):
        return value
    return _home_url(municipality)


# --- logging in and out ---------------------------------------------------------------------


def login(request: HttpRequest, municipality: str) -> HttpResponse:
    current = municipality_for_slug(municipality)
    request.municipality = current  # type: ignore[attr-defined]
    next_url = _safe_next(request, current, request.GET.get("next"))
    if current_resident(request) is not None:
        return redirect(next_url)
    demo_people: list[Person] = []
    if settings.LOKET_DEMO_LOGIN:
        # Residents with requests first: they show the most of Mijn Loket.
        demo_people = list(
            Person.objects.filter(municipality=current)
            .exclude(bsn="")
            .annotate(case_count=Count("cases"))
            .order_by("-case_count", "surname", "first_name")[:8]
        )
    return render(
        request,
        "portal/login.html",
        {
            "next": next_url,
            "oidc": settings.LOKET_OIDC_ENABLED,
            "demo_people": demo_people,
            "email_form": pf.EmailLoginForm(initial={"next": next_url}),
        },
    )


def oidc_start(request: HttpRequest, municipality: str) -> HttpResponse:
    """Off to the municipality's DigiD/eHerkenning broker (OpenID Connect, code flow + PKCE)."""
    from mozilla_django_oidc.views import OIDCAuthenticationRequestView

    current = municipality_for_slug(municipality)
    if not settings.LOKET_OIDC_ENABLED:
        raise Http404("OpenID Connect is not configured")
    request.session["portal_oidc_municipality"] = current.slug
    request.session["portal_oidc_next"] = _safe_next(request, current, request.GET.get("next"))
    return OIDCAuthenticationRequestView.as_view()(request)


def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Back from the broker: check state, nonce and token (mozilla-django-oidc), take the BSN
    or KvK number from the configured claim and start the resident's session."""
    from loket.portal.oidc import OIDCRefused, resident_from_callback

    slug = request.session.get("portal_oidc_municipality", "")
    current = municipality_for_slug(slug) if slug else None
    if current is None:
        raise Http404("no login in progress")
    request.municipality = current  # type: ignore[attr-defined]
    try:
        resident = resident_from_callback(request)
    except OIDCRefused as refused:
        messages.error(request, str(refused))
        return redirect(reverse("portal:login", kwargs={"municipality": current.slug}))
    next_url = request.session.get("portal_oidc_next") or _home_url(current)
    resident_login(request, resident)
    return remember_login(redirect(_safe_next(request, current, next_url)))


def _login_link_throttled(request: HttpRequest, email: str) -> bool:
    """At most ``LOKET_LOGIN_LINK_RATE_ADDRESS`` login links per address and
    ``LOKET_LOGIN_LINK_RATE_CLIENT`` per client address (django-ratelimit, counted in the shared
    cache): nobody can flood a mailbox, nor send links to many addresses from one place."""
    by_client = is_ratelimited(
        request,
        group="portal-login-link-client",
        key="ip",
        rate=settings.LOKET_LOGIN_LINK_RATE_CLIENT,
        increment=True,
    )
    by_address = is_ratelimited(
        request,
        group="portal-login-link-address",
        key=lambda _group, _request: email.strip().lower(),
        rate=settings.LOKET_LOGIN_LINK_RATE_ADDRESS,
        increment=True,
    )
    return bool(by_client or by_address)


@require_POST
def email_login(request: HttpRequest, municipality: str) -> HttpResponse:
    current = municipality_for_slug(municipality)
    request.municipality = current  # type: ignore[attr-defined]
    form = pf.EmailLoginForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "portal/login.html",
            {
                "next": _safe_next(request, current, request.POST.get("next")),
                "oidc": settings.LOKET_OIDC_ENABLED,
                "email_form": form,
            },
            status=400,
        )
    email = form.cleaned_data["email"]
    if _login_link_throttled(request, email):
        # The same refusal for any address, known or not: it says nothing about who exists.
        return render(request, "portal/login_limited.html", {"email": email}, status=429)
    services.login_link_send(
        municipality=current,
        email=email,
        next_url=_safe_next(request, current, form.cleaned_data.get("next")),
        build_url=lambda token: request.build_absolute_uri(
            reverse("portal:email_link", kwargs={"municipality": current.slug, "token": token})
        ),
    )
    return render(request, "portal/login_sent.html", {"email": email})


def email_link(request: HttpRequest, municipality: str, token: str) -> HttpResponse:
    """GET shows a button (mail scanners that open links do not log anybody in); POST uses it."""
    current = municipality_for_slug(municipality)
    request.municipality = current  # type: ignore[attr-defined]
    if request.method != "POST":
        return render(request, "portal/login_link.html", {"token": token})
    link = services.login_link_use(municipality=current, token=token)
    if link is None:
        messages.error(request, _("This login link is no longer valid. Ask for a new one below."))
        return redirect(reverse("portal:login", kwargs={"municipality": current.slug}))
    resident_login(request, Resident(method="email", email=link.email))
    return remember_login(redirect(_safe_next(request, current, link.next_url)))


@require_POST
def demo_login(request: HttpRequest, municipality: str) -> HttpResponse:
    current = municipality_for_slug(municipality)
    if not settings.LOKET_DEMO_LOGIN:
        raise Http404("the demo login is off")
    person = get_object_or_404(
        Person.objects.filter(municipality=current).exclude(bsn=""),
        uuid=uuid_param(request.POST, "person"),
    )
    resident_login(request, Resident(method="demo", bsn=person.bsn, name=person.full_name))
    return remember_login(redirect(_safe_next(request, current, request.POST.get("next"))))


@require_POST
def logout(request: HttpRequest, municipality: str) -> HttpResponse:
    current = municipality_for_slug(municipality)
    resident_logout(request)
    messages.success(request, _("You are logged out."))
    return forget_login(redirect(reverse("portal:home", kwargs={"municipality": current.slug})))


# --- my pages -------------------------------------------------------------------------------


@resident_required
def home(request: HttpRequest, municipality: Municipality, resident: Resident) -> HttpResponse:
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


def _case(resident: Resident, municipality: Municipality, uuid_value: Any) -> Case:
    return get_object_or_404(
        resident.cases(municipality).select_related("product", "status", "case_type", "result"),
        uuid=uuid_value,
    )


def _case_page(
    request: HttpRequest,
    municipality: Municipality,
    case: Case,
    *,
    message_form: Any = None,
    upload_form: Any = None,
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
            "message_form": message_form or pf.MessageForm(),
            "upload_form": upload_form or pf.UploadForm(),
            "can_withdraw": case.closed_at is None
            and case.case_type.results.filter(code="ingetrokken").exists()
            and not case.decisions.filter(status=Decision.Status.SENT).exists(),
            "decisions": _decisions(municipality, case),
        },
        status=status,
    )


OBJECTION_PRODUCT = "bezwaar"


def _decisions(municipality: Municipality, case: Case) -> list[dict[str, Any]]:
    """The decisions the applicant has received, with the last day to object and whether the
    objection can be made here online (Awb 6:7, 6:8; the letter says the same)."""
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
            {
                "decision": decision,
                "last_day": last_day if objectable else None,
                "in_time": last_day is not None and last_day >= today,
                "can_object": objectable and online,
            }
        )
    return found


@resident_required
def object_to_decision(
    request: HttpRequest, municipality: Municipality, resident: Resident, uuid: Any, decision: Any
) -> HttpResponse:
    """ "Bezwaar maken": the objection form, with the decision named and linked (issue 13)."""
    case = _case(resident, municipality, uuid)
    item = get_object_or_404(case.decisions.filter(status=Decision.Status.SENT), uuid=decision)
    product = _product(municipality, OBJECTION_PRODUCT)
    draft = _draft(request, municipality, product)
    draft["decision"] = str(item.uuid)
    assert item.sent_on is not None  # a sent decision has its day of sending
    draft["answers"].setdefault(
        "kenmerk",
        _("%(reference)s, sent on %(day)s")
        % {"reference": item.identification, "day": date_format(item.sent_on, "j F Y")},
    )
    request.session.modified = True
    return redirect("portal:apply", municipality=municipality.slug, product=product.slug)


@resident_required
def case_detail(
    request: HttpRequest, municipality: Municipality, resident: Resident, uuid: Any
) -> HttpResponse:
    return _case_page(request, municipality, _case(resident, municipality, uuid))


@resident_required
def case_received(
    request: HttpRequest, municipality: Municipality, resident: Resident, uuid: Any
) -> HttpResponse:
    case = _case(resident, municipality, uuid)
    return render(
        request, "portal/mijn_received.html", {"case": case, "progress": case_progress(case)}
    )


@resident_required
def case_message(
    request: HttpRequest, municipality: Municipality, resident: Resident, uuid: Any
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
    request: HttpRequest, municipality: Municipality, resident: Resident, uuid: Any
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
    request: HttpRequest, municipality: Municipality, resident: Resident, uuid: Any
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
    request: HttpRequest, municipality: Municipality, resident: Resident, uuid: Any, document: Any
) -> FileResponse:
    case = _case(resident, municipality, uuid)
    item = get_object_or_404(
        CaseDocument.objects.filter(case=case, shared_with_applicant=True), uuid=document
    )
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


@resident_required
def preferences(
    request: HttpRequest, municipality: Municipality, resident: Resident
) -> HttpResponse:
    person = resident.person(municipality)
    initial = {
        "channel": (person.preferred_channel if person else "") or "e-mail",
        "language": person.language if person else "nl",
        "phone": format_phone(person.phone) if person and person.phone else "",
    }
    form = pf.PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_save(
                municipality=municipality,
                resident=resident,
                channel=form.cleaned_data["channel"],
                language=form.cleaned_data["language"],
                phone=form.cleaned_data["phone"],
            )
        except CaseRefused as refused:
            form.add_error("phone", str(refused.message))
        else:
            messages.success(request, _("Your preferences were saved."))
            response = redirect("portal:mijn_preferences", municipality=municipality.slug)
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                form.cleaned_data["language"],
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
            return response
    return render(
        request,
        "portal/mijn_preferences.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- applying -------------------------------------------------------------------------------


def _product(municipality: Municipality, slug: str) -> Product:
    product = (
        Product.objects.offered_in(municipality)
        .filter(slug=slug, online_request=True)
        .exclude(request_form=[])
        .first()
    )
    if product is None:
        raise Http404("not requestable online here")
    return product


def _draft(request: HttpRequest, municipality: Municipality, product: Product) -> dict[str, Any]:
    drafts = request.session.setdefault(DRAFTS, {})
    key = f"{municipality.slug}/{product.slug}"
    if key not in drafts:
        drafts[key] = {"key": uuid.uuid4().hex, "answers": {}, "files": {}}
        request.session.modified = True
    draft: dict[str, Any] = drafts[key]
    return draft


def _draft_files(resident: Resident, draft: dict[str, Any]) -> dict[str, DraftUpload]:
    uploads = DraftUpload.objects.filter(owner=resident.key, uuid__in=list(draft["files"].values()))
    by_uuid = {str(u.uuid): u for u in uploads}
    return {field: by_uuid[value] for field, value in draft["files"].items() if value in by_uuid}


@resident_required
def apply(
    request: HttpRequest, municipality: Municipality, resident: Resident, product: str
) -> HttpResponse:
    item = _product(municipality, product)
    definition = item.request_form
    draft = _draft(request, municipality, item)
    files = _draft_files(resident, draft)
    uploaded = {field: upload.name for field, upload in files.items()}
    person = resident.person(municipality)
    if request.method != "POST":
        initial = {**prefill(definition, person), **draft["answers"]}
        form = ApplicationForm(definition=definition, uploaded=uploaded, initial=initial)
        return render(
            request,
            "portal/apply.html",
            {
                "product": item,
                "form": form,
                "uploaded": uploaded,
                "person": person,
                "resident": resident,
            },
        )
    form = ApplicationForm(request.POST, request.FILES, definition=definition, uploaded=uploaded)
    valid = form.is_valid()
    # Files that passed their checks are kept, also when another field needs fixing: nobody
    # has to choose the same file twice.
    for spec in definition:
        name = spec["name"]
        upload = request.FILES.get(name)
        if spec["type"] == "file" and upload is not None and name not in form.errors:
            saved = services.save_draft_upload(resident=resident, field=name, upload=upload)
            old = files.get(name)
            if old is not None:
                old.file.delete(save=False)
                old.delete()
            draft["files"][name] = str(saved.uuid)
            uploaded[name] = saved.name
    request.session.modified = True
    if not valid:
        form.uploaded = uploaded
        return render(
            request,
            "portal/apply.html",
            {
                "product": item,
                "form": form,
                "uploaded": uploaded,
                "person": person,
                "resident": resident,
            },
            status=400,
        )
    draft["answers"] = form.answers()
    # Files of fields that no longer apply (the condition changed) are not sent.
    for spec in definition:
        if spec["type"] == "file" and not form.applies(spec, form.cleaned_data):
            draft["files"].pop(spec["name"], None)
    request.session.modified = True
    return redirect("portal:apply_check", municipality=municipality.slug, product=item.slug)


@resident_required
def apply_check(
    request: HttpRequest, municipality: Municipality, resident: Resident, product: str
) -> HttpResponse:
    item = _product(municipality, product)
    draft = _draft(request, municipality, item)
    if not draft["answers"]:
        return redirect("portal:apply", municipality=municipality.slug, product=item.slug)
    files = _draft_files(resident, draft)
    labels = {spec["name"]: spec for spec in item.request_form}
    return render(
        request,
        "portal/apply_check.html",
        {
            "product": item,
            "answers": readable_answers(item.request_form, draft["answers"]),
            "files": [(_file_label(labels[f]), u.name) for f, u in files.items()],
            "person": resident.person(municipality),
            "resident": resident,
            "submission_key": draft["key"],
        },
    )


def _file_label(spec: dict[str, Any]) -> str:
    from loket.portal.application import _label

    return _label(spec, "label")


@resident_required
def apply_send(
    request: HttpRequest, municipality: Municipality, resident: Resident, product: str
) -> HttpResponse:
    item = _product(municipality, product)
    if request.method != "POST":
        return redirect("portal:apply_check", municipality=municipality.slug, product=item.slug)
    key = text_param(request.POST, "submission_key", max_length=64)
    drafts = request.session.get(DRAFTS, {})
    draft = drafts.get(f"{municipality.slug}/{item.slug}")
    existing = resident.cases(municipality).filter(submission_key=key).first() if key else None
    if existing is not None:
        # Sent before (double click, back button): show what was already received.
        return redirect(
            "portal:mijn_case_received", municipality=municipality.slug, uuid=existing.uuid
        )
    if not draft or draft["key"] != key or not draft["answers"]:
        messages.error(request, _("Your form has expired. Please check your answers again."))
        return redirect("portal:apply", municipality=municipality.slug, product=item.slug)
    files = _draft_files(resident, draft)
    description = "\n".join(
        f"{question}: {answer}"
        for question, answer in readable_answers(item.request_form, draft["answers"])
    )
    try:
        case, _created = services.application_submit(
            municipality=municipality,
            product=item,
            resident=resident,
            answers=draft["answers"],
            description=description,
            uploads=list(files.values()),
            submission_key=key,
            contested_decision=draft.get("decision", ""),
        )
    except CaseRefused as refused:
        messages.error(request, str(refused.message))
        return redirect("portal:apply_check", municipality=municipality.slug, product=item.slug)
    drafts.pop(f"{municipality.slug}/{item.slug}", None)
    request.session.modified = True
    return redirect("portal:mijn_case_received", municipality=municipality.slug, uuid=case.uuid)
