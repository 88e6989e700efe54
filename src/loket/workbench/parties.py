"""A resident's and an organisation's pages on the workbench: the single view of a resident
(their cases, contacts and open requests, and answering their question), registering and
changing persons and organisations, and an organisation's contact persons.

Thin views: the changes are ``loket.parties.services`` (register once, refuse a duplicate with a
link to it); every record is fetched through ``visible_to(request.user)``.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.accounts.requests import StaffRequest
from loket.appointments.services import appointments_of
from loket.cases.models import Case
from loket.contacts import selectors
from loket.contacts.models import Contact, ContactRequest
from loket.history.services import history_record
from loket.lib.params import parse_id, text_param
from loket.parties import services as parties
from loket.parties.errors import PartyExists, PartyRefused
from loket.parties.models import Organisation, Person
from loket.tenancy.models import Municipality
from loket.tenancy.selectors import municipalities_for_staff
from loket.workbench.contacts_forms import CHANNEL_CHOICES, contact_form
from loket.workbench.front_office_session import channel_last, prefill_read
from loket.workbench.parties_forms import ContactPersonForm, OrganisationForm, PersonForm


def visible_person(user: User, uuid: UUID | None) -> Person:
    """The person ``uuid`` if ``user`` may see them; otherwise a 404."""
    return get_object_or_404(
        Person.objects.visible_to(user).select_related("municipality"), uuid=uuid
    )


def visible_organisation(user: User, uuid: UUID | None) -> Organisation:
    """The organisation ``uuid`` if ``user`` may see it; otherwise a 404."""
    return get_object_or_404(Organisation.objects.visible_to(user), uuid=uuid)


def _form_field(form: BaseForm, field: str | None) -> str | None:
    """The form field a service refusal names, or None (the form's general errors)."""
    return field if field and field in form.fields else None


@login_required
def person_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    user = request.user
    person = visible_person(user, uuid)
    history_record(instance=person, action="view", actor=user)
    question = text_param(request.GET, "vraag", max_length=200)
    channel = channel_last(request.session)
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
            "appointments": appointments_of(person),
            "question": question,
            "answers": selectors.articles_for_person(person, question) if question else None,
            "channel": channel,
            "channels": CHANNEL_CHOICES,
            # What the agent typed is what was asked: it goes with the contact (issue 11).
            "contact_form": contact_form(
                user,
                channel=channel,
                municipality=person.municipality,
                person=person,
                initial={"text": question},
            ),
            "now": timezone.now(),
        },
    )


def _chosen_municipality(
    request: StaffRequest, municipalities: QuerySet[Municipality]
) -> Municipality | None:
    """The municipality posted with a new party, one of the user's; the only one when they work
    for one; else ``None`` (the page asks for it)."""
    chosen = parse_id(request.POST.get("municipality", ""))
    municipality = municipalities.filter(pk=chosen).first() if chosen else None
    if municipality is None and municipalities.count() == 1:
        municipality = municipalities.first()
    return municipality


@login_required
def person_new(request: StaffRequest) -> HttpResponse:
    user = request.user
    municipalities = municipalities_for_staff(user)
    if request.method != "POST":
        form = PersonForm(initial=prefill_read(request.session, request.GET.get("gegevens", "")))
        return render(
            request,
            "workbench/person_form.html",
            {"form": form, "municipalities": municipalities},
        )
    form = PersonForm(request.POST)
    municipality = _chosen_municipality(request, municipalities)
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
def person_edit(request: StaffRequest, uuid: UUID) -> HttpResponse:
    user = request.user
    person = visible_person(user, uuid)
    if request.method != "POST":
        form = PersonForm(instance=person)
        return render(request, "workbench/person_form.html", {"form": form, "person": person})
    original = Person.objects.get(pk=person.pk)
    form = PersonForm(request.POST, instance=person)
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
def organisation_new(request: StaffRequest) -> HttpResponse:
    user = request.user
    municipalities = municipalities_for_staff(user)
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    existing = None
    if request.method == "POST":
        municipality = _chosen_municipality(request, municipalities)
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
def organisation_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    user = request.user
    organisation = visible_organisation(user, uuid)
    form = ContactPersonForm(request.POST or None)
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
