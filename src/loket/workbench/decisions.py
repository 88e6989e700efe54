"""Staff pages for a case's decisions: edit a draft, preview its letter, send it, withdraw a
sent one. Thin: ``loket.cases.decisions`` decides; a refusal is shown and changes nothing."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.accounts.permissions import NotPermitted
from loket.cases import decisions as service
from loket.cases.errors import CaseRefused
from loket.cases.models import Decision
from loket.history.services import history_record
from loket.workbench import forms as wb
from loket.workbench.views import _detail, _visible_case

ACTIONS = ("voorbeeld", "opslaan", "versturen", "intrekken")


@login_required
def decision_action(request: HttpRequest, uuid: str, decision: str, action: str) -> HttpResponse:
    case = _visible_case(request, uuid)
    item = get_object_or_404(
        Decision.objects.select_related("decision_type"), case=case, uuid=decision
    )
    if action not in ACTIONS:
        raise Http404
    user = cast(User, request.user)
    if action == "voorbeeld":
        history_record(
            instance=case, action="view", actor=user, changes={"decision": item.identification}
        )
        pdf = service.decision_letter(item)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{item.identification}.pdf"'
        return response
    if request.method != "POST":
        return redirect("workbench:case_detail", uuid=case.uuid)
    try:
        if action == "opslaan":
            form = wb.DecisionForm(request.POST, prefix=f"decision-{item.pk}")
            if not form.is_valid():
                return _detail(
                    request,
                    case,
                    bound={f"decision-{item.pk}": form},
                    error=_("Check the form below."),
                    status=400,
                )
            data = form.cleaned_data
            service.decision_update(
                decision=item,
                actor=user,
                reasoning=data["reasoning"],
                legal_ground=data["legal_ground"],
                effective_on=data["effective_on"],
                expires_on=data["expires_on"],
                mandate=data["mandate"],
            )
            messages.success(request, _("The draft decision was saved."))
        elif action == "versturen":
            service.decision_send(decision=item, actor=user)
            messages.success(
                request, _("The decision was sent; the letter is in the applicant's Mijn Loket.")
            )
        else:
            withdraw = wb.WithdrawDecisionForm(request.POST, prefix=f"withdraw-{item.pk}")
            if not withdraw.is_valid():
                return _detail(
                    request,
                    case,
                    bound={f"withdraw-{item.pk}": withdraw},
                    error=_("Check the form below."),
                    status=400,
                )
            service.decision_withdraw(
                decision=item, reason=withdraw.cleaned_data["reason"], actor=user
            )
            messages.success(request, _("The decision was withdrawn."))
    except (CaseRefused, NotPermitted) as refused:
        return _detail(request, case, error=str(refused.message), status=refused.status)
    return redirect("workbench:case_detail", uuid=case.uuid)
