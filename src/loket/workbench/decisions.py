"""Staff pages for a case's decisions: edit a draft, insert a text block into its reasoning,
preview its letter, send it; withdraw or replace a sent one. Thin: ``loket.cases.decisions``
decides; a refusal is shown and changes nothing."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loket.accounts.models import User
from loket.accounts.permissions import NotPermitted
from loket.cases import decisions as service
from loket.cases.errors import CaseRefused
from loket.cases.letters import reasoning_blocks_for
from loket.cases.models import Case, Decision
from loket.catalogue.models import DecisionType
from loket.history.services import history_record
from loket.workbench import forms as wb
from loket.workbench.views import _detail, _visible_case

ACTIONS = ("voorbeeld", "opslaan", "invoegen", "versturen", "intrekken", "vervangen")


class BlockForm(forms.Form):
    """Which text block to add to the reasoning (shown inside the draft's own form, so what
    was typed there is kept)."""

    block = forms.TypedChoiceField(
        label=gettext_lazy("Text block"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Choose one of the text blocks of this kind of decision."),
            "invalid_choice": gettext_lazy(
                "Choose one of the text blocks of this kind of decision."
            ),
        },
    )

    def __init__(self, *args: Any, decision: Decision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        blocks = reasoning_blocks_for(decision.decision_type, decision.case.municipality_id)
        cast(forms.TypedChoiceField, self.fields["block"]).choices = [
            (str(index), block["title"] or block["text"][:60]) for index, block in enumerate(blocks)
        ]


class ReplaceForm(forms.Form):
    """The kind of the decision that replaces a sent one (the same kind unless chosen)."""

    decision_type = forms.ModelChoiceField(
        queryset=DecisionType.objects.none(),
        label=gettext_lazy("Kind of the new decision"),
        required=False,
        empty_label=None,
        error_messages={
            "invalid_choice": gettext_lazy("Choose one of the kinds of decision of this case.")
        },
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[DecisionType]", self.fields["decision_type"])
        field.queryset = case.case_type.decision_types.all()


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
        elif action == "invoegen":
            return _insert_block(request, case, item, user)
        elif action == "vervangen":
            choice = ReplaceForm(request.POST, prefix=f"replace-{item.pk}", case=case)
            if not choice.is_valid():
                return _detail(
                    request,
                    case,
                    error=" ".join(str(e) for e in choice.errors.get("decision_type", [])),
                    status=400,
                )
            draft = service.decision_replace(
                decision=item, actor=user, decision_type=choice.cleaned_data["decision_type"]
            )
            messages.success(
                request,
                _(
                    "A new draft decision %(new)s replaces %(old)s once it is sent. Check it,"
                    " preview the letter and send it."
                )
                % {"new": draft.identification, "old": item.identification},
            )
            return redirect(reverse("workbench:case_detail", args=[case.uuid]) + "#besluit")
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


def _insert_block(request: HttpRequest, case: Case, item: Decision, user: User) -> HttpResponse:
    """ "Insert" in a draft's form: the reasoning as typed (and the other fields) is saved with
    the chosen text block appended, so nothing typed is lost and it works without JavaScript."""
    prefix = f"decision-{item.pk}"
    form = wb.DecisionForm(request.POST, prefix=prefix)
    form.fields["reasoning"].required = False  # an empty draft may start from a block
    pick = BlockForm(request.POST, prefix=prefix, decision=item)
    if not (form.is_valid() and pick.is_valid()):
        return _detail(
            request,
            case,
            bound={prefix: form},
            error=" ".join([*pick.errors.get("block", []), str(_("Check the form below."))]),
            status=400,
        )
    data = form.cleaned_data
    with transaction.atomic():
        # The block first, so an empty reasoning has its paragraph before the update checks it.
        updated = service.decision_insert_block(
            decision=item, index=pick.cleaned_data["block"], actor=user, reasoning=data["reasoning"]
        )
        service.decision_update(
            decision=updated,
            actor=user,
            reasoning=updated.reasoning,
            legal_ground=data["legal_ground"],
            effective_on=data["effective_on"],
            expires_on=data["expires_on"],
            mandate=data["mandate"],
        )
    messages.success(request, _("The text block was added to the reasoning."))
    return redirect(reverse("workbench:case_detail", args=[case.uuid]) + f"#{prefix}")
