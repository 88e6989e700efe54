"""Staff pages. Every record is fetched through ``visible_to(request.user)``: a record of a
municipality (or, for partner workers, a partner) the user does not work for is a 404."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from loket.accounts.models import User
from loket.cases.models import Case
from loket.contacts.models import Contact, Person
from loket.tenancy.selectors import municipalities_for_staff


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    open_cases = Case.objects.visible_to(request.user).filter(closed_at__isnull=True)
    per_municipality = (
        open_cases.values("municipality__name", "municipality__slug")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(due_at__lt=now)),
            at_risk=Count("pk", filter=Q(at_risk_at__lte=now, due_at__gte=now)),
        )
        .order_by("municipality__name")
    )
    mine = (
        open_cases.filter(assignee=cast(User, request.user))
        .select_related("product", "status", "municipality")
        .order_by("due_at")[:10]
    )
    return render(
        request,
        "workbench/dashboard.html",
        {
            "per_municipality": per_municipality,
            "mine": mine,
            "municipalities": municipalities_for_staff(cast(User, request.user)),
            "now": now,
        },
    )


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    cases = (
        Case.objects.visible_to(request.user)
        .filter(closed_at__isnull=True)
        .select_related("product", "status", "municipality", "assignee")
        .order_by("due_at", "pk")
    )
    municipality = request.GET.get("municipality", "")
    if municipality:
        cases = cases.filter(municipality__slug=municipality)
    state = request.GET.get("state", "")
    if state == "overdue":
        cases = cases.filter(due_at__lt=now)
    elif state == "at_risk":
        cases = cases.filter(at_risk_at__lte=now, due_at__gte=now)
    elif state == "on_track":
        cases = cases.filter(at_risk_at__gt=now)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "workbench/case_list.html",
        {
            "page": page,
            "now": now,
            "state": state,
            "selected_municipality": municipality,
            "municipalities": municipalities_for_staff(cast(User, request.user)),
        },
    )


@login_required
def case_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related(
            "product", "status", "municipality", "initiator_person", "team", "partner", "result"
        ),
        uuid=uuid,
    )
    return render(
        request,
        "workbench/case_detail.html",
        {
            "case": case,
            "statuses": case.statuses.select_related("step", "set_by"),
            "contacts": case.contacts.all()[:50],
            "due_state": case.due_state(),
        },
    )


@login_required
def person_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), uuid=uuid)
    cases = (
        Case.objects.visible_to(request.user)
        .filter(initiator_person=person)
        .select_related("product", "status")
        .order_by("-started_at")
    )
    contacts = (
        Contact.objects.visible_to(request.user)
        .filter(person=person)
        .select_related("product")
        .order_by("-occurred_at")[:50]
    )
    return render(
        request,
        "workbench/person_detail.html",
        {"person": person, "cases": cases, "contacts": contacts},
    )


@login_required
def contact_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    contact = get_object_or_404(
        Contact.objects.visible_to(request.user).select_related(
            "person", "product", "case", "registered_by", "handed_to_team", "handed_to_partner"
        ),
        uuid=uuid,
    )
    return render(request, "workbench/contact_detail.html", {"contact": contact})
