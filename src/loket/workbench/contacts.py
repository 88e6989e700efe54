"""Registering a contact on the workbench: the full contact form (for a person, an organisation
or nobody) and the one-click "answered from this knowledge article" on a resident's page.

Thin views: ``loket.contacts.services.contact_register`` decides (who may, what is offered,
where a hand-over goes) and the form only collects; every record is fetched through
``visible_to(request.user)``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.accounts.requests import StaffRequest
from loket.catalogue.models import Product
from loket.contacts import selectors, services
from loket.contacts.errors import ContactRefused
from loket.contacts.models import Contact
from loket.knowledge.models import Article
from loket.lib import limits
from loket.lib.params import id_param, parse_id, text_param, uuid_param
from loket.tenancy.models import Municipality
from loket.tenancy.selectors import municipalities_for_staff
from loket.workbench.contacts_forms import AnswerForm, contact_form, parse_receiver
from loket.workbench.front_office_session import channel_last, channel_remember
from loket.workbench.parties import visible_organisation, visible_person


def _chosen(request: StaffRequest, municipality: Municipality | None) -> dict[str, Any]:
    """What the agent chose on the resident's page: the question they typed (``vraag``) goes
    into "what was asked and said", and the product they picked (``product``) gives the
    subject, whatever the wegwijzer listed first."""
    initial: dict[str, Any] = {}
    question = text_param(request.GET, "vraag", max_length=limits.TEXT)
    if question:
        initial["text"] = question
    chosen = id_param(request.GET, "product")
    if chosen is not None:
        products = (
            selectors.offered_products(municipality)
            if municipality is not None
            else Product.objects.filter(is_active=True)
        )
        product = products.filter(pk=chosen).first()
        if product is not None:
            initial.update(product=product.pk, subject=product.name_nl)
    return initial


@login_required
def contact_new(request: StaffRequest) -> HttpResponse:
    """The full contact form, for a person, an organisation or nobody (anonymous)."""
    user = request.user
    source = request.POST if request.method == "POST" else request.GET
    person_id, organisation_id, article_id = (
        uuid_param(source, name) for name in ("persoon", "organisatie", "artikel")
    )
    person = visible_person(user, person_id) if person_id else None
    organisation = visible_organisation(user, organisation_id) if organisation_id else None
    article = get_object_or_404(Article, uuid=article_id) if article_id else None
    party = person or organisation
    municipality = party.municipality if party is not None else None
    if municipality is None:
        # A posted choice is the form's field (it says what is wrong); in the address it is a 400.
        chosen = (
            parse_id(source.get("municipality", ""))
            if request.method == "POST"
            else id_param(source, "municipality")
        )
        mine = municipalities_for_staff(user)
        municipality = mine.filter(pk=chosen).first() if chosen else None
        if municipality is None and mine.count() == 1:
            municipality = mine.first()
    initial = {"subject": article.title_nl, "product": article.product_id} if article else {}
    channel = channel_last(request.session)
    if request.method != "POST":
        form = contact_form(
            user,
            channel=channel,
            municipality=municipality,
            person=person,
            organisation=organisation,
            initial={**initial, **_chosen(request, municipality)},
        )
        return render(
            request,
            "workbench/contact_form.html",
            {"form": form, "person": person, "organisation": organisation, "article": article},
        )
    form = contact_form(
        user,
        channel=channel,
        municipality=municipality,
        person=person,
        organisation=organisation,
        data=request.POST,
    )
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        target = data["municipality"]
        try:
            contact = services.contact_register(
                municipality=target,
                actor=user,
                channel=data["channel"],
                direction=data["direction"],
                subject=data["subject"],
                text=data["text"],
                outcome=data["outcome"],
                person=person,
                organisation=organisation,
                product=data["product"],
                case=data["case"],
                article=article,
                resolved_on_first_contact=data["resolved_on_first_contact"],
                receiver=parse_receiver(data["receiver"], target),
                callback_phone=data["callback_phone"],
                received_on=data["received_on"],
                contested_decision_on=data["contested_decision_on"],
            )
        except ContactRefused as refused:
            if refused.field and refused.field in form.fields:
                form.add_error(refused.field, str(refused.message))
            else:
                error = str(refused.message)
        else:
            channel_remember(request.session, data["channel"])
            messages.success(request, _("The contact was registered."))
            if person is not None:
                return redirect("workbench:person_detail", uuid=person.uuid)
            if organisation is not None:
                return redirect("workbench:organisation_detail", uuid=organisation.uuid)
            return redirect("workbench:contact_detail", uuid=contact.uuid)
    return render(
        request,
        "workbench/contact_form.html",
        {
            "form": form,
            "person": person,
            "organisation": organisation,
            "article": article,
            "error": error or _("Check the form below."),
        },
        status=400,
    )


@login_required
@require_POST
def person_answer(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """Register "answered from this knowledge article" in one click, from a resident's page."""
    user = request.user
    person = visible_person(user, uuid)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a channel and an article."))
        return redirect("workbench:person_detail", uuid=person.uuid)
    article = get_object_or_404(
        Article.objects.for_municipality(person.municipality), uuid=form.cleaned_data["article"]
    )
    channel = form.cleaned_data["channel"]
    try:
        contact = services.contact_register(
            municipality=person.municipality,
            actor=user,
            channel=channel,
            subject=article.title_nl,
            text=text_param(request.POST, "vraag", max_length=limits.TEXT),
            outcome=Contact.Outcome.ANSWERED,
            person=person,
            article=article,
        )
    except ContactRefused as refused:
        messages.error(request, str(refused.message))
        return redirect("workbench:person_detail", uuid=person.uuid)
    channel_remember(request.session, channel)
    messages.success(
        request,
        _("Contact registered: %(subject)s (%(channel)s), answered on first contact.")
        % {"subject": contact.subject, "channel": contact.get_channel_display()},
    )
    return redirect("workbench:person_detail", uuid=person.uuid)
