"""Applying online in Mijn Loket: the product's request form, the check page and sending it.

Thin views: the form is built from the product's definition (``loket.portal.application``), the
answers wait in the session (``loket.portal.drafts``) and ``loket.portal.services``
.``application_submit`` turns them into a case.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from loket.cases.errors import CaseRefused
from loket.catalogue.models import Product
from loket.lib.params import text_param
from loket.portal import services
from loket.portal.application import ApplicationForm, prefill, question, readable_answers
from loket.portal.drafts import (
    draft_answer,
    draft_clear,
    draft_load,
    draft_open,
    draft_save,
    draft_upload_replace,
    draft_uploads,
)
from loket.portal.identity import PortalRequest, Resident, resident_required
from loket.tenancy.models import Municipality


def requestable_product(municipality: Municipality, slug: str) -> Product:
    """The product ``slug`` if it can be requested online in ``municipality``; otherwise a 404."""
    product = (
        Product.objects.offered_in(municipality)
        .filter(slug=slug, online_request=True)
        .exclude(request_form=[])
        .first()
    )
    if product is None:
        raise Http404("not requestable online here")
    return product


@resident_required
def apply(
    request: PortalRequest, municipality: Municipality, resident: Resident, product: str
) -> HttpResponse:
    item = requestable_product(municipality, product)
    definition = item.request_form
    draft = draft_open(request.session, municipality=municipality, product=item)
    uploaded = {
        name: upload.name for name, upload in draft_uploads(draft, resident=resident).items()
    }
    person = resident.person(municipality)
    page = {"product": item, "uploaded": uploaded, "person": person, "resident": resident}
    if request.method != "POST":
        initial = {**prefill(definition, person), **draft.answers}
        form = ApplicationForm(definition=definition, uploaded=uploaded, initial=initial)
        return render(request, "portal/apply.html", {**page, "form": form})
    form = ApplicationForm(request.POST, request.FILES, definition=definition, uploaded=uploaded)
    valid = form.is_valid()
    # Files that passed their checks are kept, also when another field needs fixing: nobody
    # has to choose the same file twice.
    for spec in definition:
        name = spec["name"]
        upload = request.FILES.get(name)
        if spec["type"] == "file" and upload is not None and name not in form.errors:
            saved = draft_upload_replace(draft, resident=resident, field_name=name, upload=upload)
            uploaded[name] = saved.name
    if not valid:
        draft_save(request.session, municipality=municipality, product=item, draft=draft)
        form.uploaded = uploaded
        return render(request, "portal/apply.html", {**page, "form": form}, status=400)
    draft_answer(draft, answers=form.answers(), unused_files=form.files_not_applying())
    draft_save(request.session, municipality=municipality, product=item, draft=draft)
    return redirect("portal:apply_check", municipality=municipality.slug, product=item.slug)


@resident_required
def apply_check(
    request: PortalRequest, municipality: Municipality, resident: Resident, product: str
) -> HttpResponse:
    item = requestable_product(municipality, product)
    draft = draft_open(request.session, municipality=municipality, product=item)
    if not draft.answers:
        return redirect("portal:apply", municipality=municipality.slug, product=item.slug)
    specs = {spec["name"]: spec for spec in item.request_form}
    files = draft_uploads(draft, resident=resident)
    return render(
        request,
        "portal/apply_check.html",
        {
            "product": item,
            "answers": readable_answers(item.request_form, draft.answers),
            "files": [(question(specs[name]), upload.name) for name, upload in files.items()],
            "person": resident.person(municipality),
            "resident": resident,
            "submission_key": draft.key,
        },
    )


@resident_required
def apply_send(
    request: PortalRequest, municipality: Municipality, resident: Resident, product: str
) -> HttpResponse:
    item = requestable_product(municipality, product)
    if request.method != "POST":
        return redirect("portal:apply_check", municipality=municipality.slug, product=item.slug)
    key = text_param(request.POST, "submission_key", max_length=64)
    existing = resident.cases(municipality).filter(submission_key=key).first() if key else None
    if existing is not None:
        # Sent before (double click, back button): show what was already received.
        return redirect(
            "portal:mijn_case_received", municipality=municipality.slug, uuid=existing.uuid
        )
    draft = draft_load(request.session, municipality=municipality, product=item)
    if draft is None or draft.key != key or not draft.answers:
        messages.error(request, _("Your form has expired. Please check your answers again."))
        return redirect("portal:apply", municipality=municipality.slug, product=item.slug)
    description = "\n".join(
        f"{asked}: {answer}" for asked, answer in readable_answers(item.request_form, draft.answers)
    )
    try:
        case, _created = services.application_submit(
            municipality=municipality,
            product=item,
            resident=resident,
            answers=draft.answers,
            description=description,
            uploads=list(draft_uploads(draft, resident=resident).values()),
            submission_key=key,
            contested_decision=draft.decision,
        )
    except CaseRefused as refused:
        messages.error(request, str(refused.message))
        return redirect("portal:apply_check", municipality=municipality.slug, product=item.slug)
    draft_clear(request.session, municipality=municipality, product=item)
    return redirect("portal:mijn_case_received", municipality=municipality.slug, uuid=case.uuid)
