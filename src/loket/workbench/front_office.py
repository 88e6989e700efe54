"""Front-office pages (the KCC): one search box, a resident's single view, registering
contacts, answering from the knowledge base, hand-overs and callbacks.

Thin views: the queries are in ``loket.contacts.selectors``, the changes in
``loket.contacts.services``. Every record is fetched through ``visible_to(request.user)``.
"""

from __future__ import annotations

import secrets
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.accounts.models import User
from loket.cases.models import Case
from loket.catalogue.models import Product
from loket.contacts import selectors, services
from loket.contacts.errors import ContactRefused
from loket.contacts.models import Contact, ContactRequest
from loket.history.services import history_record
from loket.knowledge import services as knowledge_services
from loket.knowledge.models import Article
from loket.knowledge.services import can_edit_articles
from loket.lib import limits
from loket.lib.params import id_param, parse_id, text_param, uuid_param
from loket.parties import services as parties
from loket.parties.errors import PartyExists, PartyRefused
from loket.parties.models import Organisation, Person
from loket.tenancy.models import Municipality
from loket.tenancy.selectors import municipalities_for_staff
from loket.workbench import front_office_forms as fo

SESSION_CHANNEL = "front_office_channel"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _channel(request: HttpRequest) -> str:
    """The channel this agent last registered on: the counter stays the counter."""
    return str(request.session.get(SESSION_CHANNEL, "telefoon"))


SESSION_PREFILL = "front_office_prefill"


@login_required
def front_office(request: HttpRequest) -> HttpResponse:
    """The search is a POST (with CSRF) and its results are the POST's response: a BSN, birth
    date or phone number typed here never appears in a URL, so never in access logs, browser
    history or a Referer header. A GET shows the empty box; ``?q=`` is ignored, not echoed."""
    if request.method != "POST" and request.GET:
        # An old bookmark or a hand-made ?q=<BSN>: not searched, and the address is cleaned.
        return redirect("workbench:front_office")
    query = text_param(request.POST, "q", max_length=200) if request.method == "POST" else ""
    results = selectors.front_office_search(_user(request), query) if query else None
    if results is not None and results.identifies_one_person:
        # BSN, address, phone or e-mail that points at exactly one resident: open them at once.
        return redirect("workbench:person_detail", uuid=results.persons[0].uuid)
    prefill = ""
    if results is not None and results.empty and results.prefill_data:
        # "Register a new resident" with what the query said, by an opaque key in the session.
        prefill = secrets.token_urlsafe(16)
        stored = dict(request.session.get(SESSION_PREFILL, {}))
        stored = dict(list(stored.items())[-9:])  # a few at most
        stored[prefill] = results.prefill_data
        request.session[SESSION_PREFILL] = stored
    return render(
        request,
        "workbench/front_office.html",
        {"query": query, "results": results, "prefill": prefill},
    )


def _prefill(request: HttpRequest) -> dict[str, str]:
    """What a search for an unknown resident already said (BSN, postcode, house number)."""
    stored = request.session.get(SESSION_PREFILL, {})
    data = stored.get(request.GET.get("gegevens", ""), {})
    allowed = ("bsn", "postcode", "house_number")
    return {key: str(value) for key, value in data.items() if key in allowed}


def _person(request: HttpRequest, uuid: Any) -> Person:
    return get_object_or_404(
        Person.objects.visible_to(_user(request)).select_related("municipality"), uuid=uuid
    )


def _form_field(form: Any, field: str | None) -> str | None:
    """The form field a service refusal names, or None (the form's general errors)."""
    return field if field and field in form.fields else None


def _contact_form(
    request: HttpRequest,
    *,
    municipality: Municipality | None,
    person: Person | None = None,
    organisation: Organisation | None = None,
    data: Any = None,
    initial: dict[str, Any] | None = None,
) -> fo.ContactForm:
    user = _user(request)
    municipalities = municipalities_for_staff(user)
    if municipality is not None:
        municipalities = municipalities.filter(pk=municipality.pk)
    cases = Case.objects.none()
    if person is not None:
        cases = Case.objects.visible_to(user).filter(initiator_person=person)
    elif organisation is not None:
        cases = Case.objects.visible_to(user).filter(initiator_organisation=organisation)
    products = (
        selectors.offered_products(municipality)
        if municipality is not None
        else Product.objects.filter(is_active=True).order_by("name_nl")
    )
    phone = (person.phone if person else "") or (organisation.phone if organisation else "")
    return fo.ContactForm(
        data,
        municipalities=municipalities,
        products=products,
        cases=cases.select_related("product").order_by("-started_at"),
        initial={
            "channel": _channel(request),
            "callback_phone": phone,
            "municipality": municipality.pk if municipality else None,
            **(initial or {}),
        },
    )


@login_required
def person_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    user = _user(request)
    person = _person(request, uuid)
    history_record(instance=person, action="view", actor=user)
    question = text_param(request.GET, "vraag", max_length=200)
    cases = (
        Case.objects.visible_to(user)
        .filter(initiator_person=person)
        .select_related("product", "status", "team", "partner")
        .order_by("closed_at", "-started_at")
    )
    contacts = (
        Contact.objects.visible_to(user)
        .filter(person=person)
        .select_related("product", "registered_by", "handed_to_team", "handed_to_partner")
        .order_by("-occurred_at")[:50]
    )
    requests = (
        ContactRequest.objects.visible_to(user)
        .open()
        .filter(person=person)
        .select_related("team", "partner", "assignee")
    )
    return render(
        request,
        "workbench/person_detail.html",
        {
            "person": person,
            "cases": cases,
            "contacts": contacts,
            "requests": requests,
            "question": question,
            "answers": selectors.articles_for_person(person, question) if question else None,
            "channel": _channel(request),
            "channels": fo.CHANNEL_CHOICES,
            # What the agent typed is what was asked: it goes with the contact (issue 11).
            "contact_form": _contact_form(
                request,
                municipality=person.municipality,
                person=person,
                initial={"text": question},
            ),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def person_answer(request: HttpRequest, uuid: Any) -> HttpResponse:
    """Register "answered from this knowledge article" in one click."""
    user = _user(request)
    person = _person(request, uuid)
    form = fo.AnswerForm(request.POST)
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
    request.session[SESSION_CHANNEL] = channel
    messages.success(
        request,
        _("Contact registered: %(subject)s (%(channel)s), answered on first contact.")
        % {"subject": contact.subject, "channel": contact.get_channel_display()},
    )
    return redirect("workbench:person_detail", uuid=person.uuid)


def _chosen(request: HttpRequest, municipality: Municipality | None) -> dict[str, Any]:
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
def contact_new(request: HttpRequest) -> HttpResponse:
    """The full contact form, for a person, an organisation or nobody (anonymous)."""
    user = _user(request)
    source = request.POST if request.method == "POST" else request.GET
    person_id, organisation_id, article_id = (
        uuid_param(source, name) for name in ("persoon", "organisatie", "artikel")
    )
    person = _person(request, person_id) if person_id else None
    organisation = (
        get_object_or_404(Organisation.objects.visible_to(user), uuid=organisation_id)
        if organisation_id
        else None
    )
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
    if request.method != "POST":
        form = _contact_form(
            request,
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
    form = _contact_form(
        request,
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
                receiver=fo.parse_receiver(data["receiver"], target),
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
            request.session[SESSION_CHANNEL] = data["channel"]
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
def person_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    municipalities = municipalities_for_staff(user)
    if request.method != "POST":
        form = fo.PersonForm(initial=_prefill(request))
        return render(
            request,
            "workbench/person_form.html",
            {"form": form, "municipalities": municipalities},
        )
    form = fo.PersonForm(request.POST)
    chosen = parse_id(request.POST.get("municipality", ""))
    municipality = municipalities.filter(pk=chosen).first() if chosen else None
    if municipality is None and municipalities.count() == 1:
        municipality = municipalities.first()
    existing = None
    if municipality is None:
        form.add_error(None, _("Choose the municipality this resident lives in."))
    elif form.is_valid():
        try:
            person = parties.person_create(
                municipality=municipality, data=form.cleaned_data, actor=user
            )
        except PartyExists as exists:
            form.add_error(exists.field, str(exists.message))
            existing = exists.existing
        except PartyRefused as refused:
            form.add_error(_form_field(form, refused.field), str(refused.message))
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": person})
            return redirect("workbench:person_detail", uuid=person.uuid)
    return render(
        request,
        "workbench/person_form.html",
        {"form": form, "municipalities": municipalities, "existing": existing},
        status=400,
    )


@login_required
def person_edit(request: HttpRequest, uuid: Any) -> HttpResponse:
    user = _user(request)
    person = _person(request, uuid)
    if request.method != "POST":
        form = fo.PersonForm(instance=person)
        return render(request, "workbench/person_form.html", {"form": form, "person": person})
    original = Person.objects.get(pk=person.pk)
    form = fo.PersonForm(request.POST, instance=person)
    existing = None
    if form.is_valid():
        try:
            parties.person_update(person=original, data=form.cleaned_data, actor=user)
        except PartyExists as exists:
            form.add_error(exists.field, str(exists.message))
            existing = exists.existing
        except PartyRefused as refused:
            form.add_error(_form_field(form, refused.field), str(refused.message))
        else:
            messages.success(request, _("The details were saved."))
            return redirect("workbench:person_detail", uuid=person.uuid)
    return render(
        request,
        "workbench/person_form.html",
        {"form": form, "person": original, "existing": existing},
        status=400,
    )


@login_required
def organisation_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    municipalities = municipalities_for_staff(user)
    form = fo.OrganisationForm(request.POST if request.method == "POST" else None)
    existing = None
    if request.method == "POST":
        chosen = parse_id(request.POST.get("municipality", ""))
        municipality = municipalities.filter(pk=chosen).first() if chosen else None
        if municipality is None and municipalities.count() == 1:
            municipality = municipalities.first()
        if municipality is None:
            form.add_error(None, _("Choose the municipality this organisation belongs to."))
        elif form.is_valid():
            try:
                organisation = parties.organisation_create(
                    municipality=municipality, data=form.cleaned_data, actor=user
                )
            except PartyExists as exists:
                form.add_error(exists.field, str(exists.message))
                existing = exists.existing
            except PartyRefused as refused:
                form.add_error(_form_field(form, refused.field), str(refused.message))
            else:
                messages.success(request, _("%(name)s is registered.") % {"name": organisation})
                return redirect("workbench:organisation_detail", uuid=organisation.uuid)
    return render(
        request,
        "workbench/organisation_form.html",
        {"form": form, "municipalities": municipalities, "existing": existing},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def organisation_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    user = _user(request)
    organisation = get_object_or_404(Organisation.objects.visible_to(user), uuid=uuid)
    form = fo.ContactPersonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                parties.contact_person_add(
                    organisation=organisation, data=form.cleaned_data, actor=user
                )
            except PartyRefused as refused:
                form.add_error(_form_field(form, refused.field), str(refused.message))
            else:
                messages.success(request, _("The contact person was added."))
                return redirect("workbench:organisation_detail", uuid=organisation.uuid)
        status = 400
    else:
        history_record(instance=organisation, action="view", actor=user)
    return render(
        request,
        "workbench/organisation_detail.html",
        {
            "organisation": organisation,
            "contact_persons": organisation.contact_persons.all(),
            "cases": Case.objects.visible_to(user)
            .filter(initiator_organisation=organisation)
            .select_related("product", "status"),
            "contacts": Contact.objects.visible_to(user)
            .filter(organisation=organisation)
            .order_by("-occurred_at")[:50],
            "form": form,
        },
        status=status,
    )


@login_required
def knowledge(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    query = text_param(request.GET, "q", max_length=200)
    if query:
        articles = selectors.knowledge_search(user, query)
    else:
        articles = list(
            Article.objects.current(timezone.localdate())
            .filter(Q(municipality__isnull=True) | Q(municipality_id__in=user.municipality_ids))
            .select_related("product")
            .order_by("title_nl")
        )
    return render(
        request,
        "workbench/knowledge.html",
        {"query": query, "articles": articles, "can_edit": can_edit_articles(user)},
    )


def _article(request: HttpRequest, uuid: Any) -> Article:
    user = _user(request)
    article = get_object_or_404(
        Article.objects.select_related("product", "municipality"), uuid=uuid
    )
    foreign = article.municipality_id not in (None, *user.municipality_ids)
    if foreign and not user.is_superuser:
        raise Http404
    return article


@login_required
def article_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    article = _article(request, uuid)
    return render(
        request,
        "workbench/article_detail.html",
        {"article": article, "can_edit": can_edit_articles(request.user)},
    )


def _article_form_page(request: HttpRequest, article: Article) -> HttpResponse:
    user = _user(request)
    if not can_edit_articles(user):
        raise PermissionDenied
    form = fo.ArticleForm(
        request.POST or None, instance=article, municipalities=municipalities_for_staff(user)
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = knowledge_services.article_save(article=form.instance, actor=user)
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                messages.success(request, _("The article was saved."))
                return redirect("workbench:article_detail", uuid=saved.uuid)
        return render(
            request, "workbench/article_form.html", {"form": form, "article": article}, status=400
        )
    return render(request, "workbench/article_form.html", {"form": form, "article": article})


@login_required
def article_new(request: HttpRequest) -> HttpResponse:
    return _article_form_page(request, Article(valid_from=timezone.localdate()))


@login_required
def article_edit(request: HttpRequest, uuid: Any) -> HttpResponse:
    return _article_form_page(request, _article(request, uuid))


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    scope = request.GET.get("scope", "team")
    scope = scope if scope in ("mine", "team", "all") else "team"
    requests = selectors.open_requests(user, scope=scope)[:200]
    return render(
        request,
        "workbench/request_list.html",
        {"requests": requests, "scope": scope, "now": timezone.now()},
    )


def _request(request: HttpRequest, uuid: Any) -> ContactRequest:
    return get_object_or_404(
        ContactRequest.objects.visible_to(_user(request)).select_related(
            "contact",
            "contact__product",
            "contact__article",
            "contact__registered_by",
            "person",
            "organisation",
            "team",
            "partner",
            "assignee",
            "case",
            "closed_by",
        ),
        uuid=uuid,
    )


def _request_page(
    request: HttpRequest,
    item: ContactRequest,
    *,
    assign: Any = None,
    close: Any = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    history = Contact.objects.none()
    if item.person_id:
        history = (
            Contact.objects.visible_to(user)
            .filter(person_id=item.person_id)
            .exclude(pk=item.contact_id)
            .select_related("product")
            .order_by("-occurred_at")[:10]
        )
    initial = {"version": item.version}
    return render(
        request,
        "workbench/request_detail.html",
        {
            "item": item,
            "history": history,
            "assign_form": assign
            or fo.RequestAssignForm(
                initial={**initial, "assignee": item.assignee_id}, request_obj=item
            ),
            "close_form": close or fo.RequestCloseForm(initial=initial),
            "error": error,
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
def request_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    item = _request(request, uuid)
    history_record(instance=item, action="view", actor=request.user)
    return _request_page(request, item)


@login_required
@require_POST
def request_action(request: HttpRequest, uuid: Any, action: str) -> HttpResponse:
    user = _user(request)
    item = _request(request, uuid)
    try:
        if action == "toewijzen":
            assign = fo.RequestAssignForm(request.POST, request_obj=item)
            if not assign.is_valid():
                return _request_page(request, item, assign=assign, status=400)
            services.request_assign(
                request=item,
                assignee=assign.cleaned_data["assignee"],
                actor=user,
                expected_version=assign.cleaned_data["version"],
            )
            messages.success(request, _("The request was assigned."))
        elif action == "afsluiten":
            close = fo.RequestCloseForm(request.POST)
            if not close.is_valid():
                return _request_page(
                    request, item, close=close, error=_("Check the form below."), status=400
                )
            services.request_close(
                request=item,
                outcome=close.cleaned_data["outcome"],
                note=close.cleaned_data["note"],
                actor=user,
                expected_version=close.cleaned_data["version"],
            )
            messages.success(request, _("The request was closed."))
        else:
            raise Http404
    except ContactRefused as refused:
        return _request_page(request, item, error=str(refused.message), status=refused.status)
    return redirect(reverse("workbench:request_detail", kwargs={"uuid": item.uuid}))
