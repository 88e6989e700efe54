"""Hand-overs and callbacks on the workbench: the list of open requests, one request's page,
and assigning or closing it.

Named after the model (``ContactRequest``), not ``requests.py``: in Loket that name means the
typed HTTP request (``loket.accounts.requests``). Thin views: ``loket.contacts.services``
decides (``request_assign``, ``request_close``); every record is fetched through
``visible_to(request.user)``.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.accounts.models import User
from loket.accounts.requests import StaffRequest
from loket.contacts import selectors, services
from loket.contacts.errors import ContactRefused
from loket.contacts.models import Contact, ContactRequest
from loket.history.services import history_record
from loket.workbench.contact_requests_forms import RequestAssignForm, RequestCloseForm

SCOPES = ("mine", "team", "all")


@login_required
def request_list(request: StaffRequest) -> HttpResponse:
    scope = request.GET.get("scope", "team")
    scope = scope if scope in SCOPES else "team"
    requests = selectors.open_requests(request.user, scope=scope)[:200]
    return render(
        request,
        "workbench/request_list.html",
        {"requests": requests, "scope": scope, "now": timezone.now()},
    )


def _request(user: User, uuid: UUID) -> ContactRequest:
    """The request ``uuid`` if ``user`` may see it, with what its page shows; otherwise a 404."""
    item: ContactRequest = get_object_or_404(
        ContactRequest.objects.visible_to(user).select_related(
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
    return item


def _request_page(
    request: StaffRequest,
    item: ContactRequest,
    *,
    assign: RequestAssignForm | None = None,
    close: RequestCloseForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
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
            if assign is not None
            else RequestAssignForm(
                initial={**initial, "assignee": item.assignee_id}, request_obj=item, actor=user
            ),
            "close_form": close if close is not None else RequestCloseForm(initial=initial),
            "error": error,
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
def request_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    item = _request(request.user, uuid)
    history_record(instance=item, action="view", actor=request.user)
    return _request_page(request, item)


@login_required
@require_POST
def request_action(request: StaffRequest, uuid: UUID, action: str) -> HttpResponse:
    user = request.user
    item = _request(user, uuid)
    try:
        if action == "toewijzen":
            assign = RequestAssignForm(request.POST, request_obj=item, actor=user)
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
            close = RequestCloseForm(request.POST)
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
