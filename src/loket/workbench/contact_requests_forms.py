"""Forms of a hand-over or callback request. They collect input; ``loket.contacts.services``
decides (``request_assign``, ``request_close``)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from loket.accounts.permissions import Action, permitted
from loket.contacts.models import ContactRequest
from loket.lib import limits
from loket.workbench.forms import StaffChoiceField


class RequestAssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    assignee = StaffChoiceField(
        queryset=User.objects.none(), label=_("Assign to"), required=False, empty_label=_("nobody")
    )

    def __init__(self, *args: Any, request_obj: ContactRequest, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(is_active=True, municipalities=request_obj.municipality)
        if request_obj.partner_id:
            staff = staff.filter(partner_id=request_obj.partner_id)
        elif request_obj.team_id:
            staff = staff.filter(teams=request_obj.team_id)
        field = cast(StaffChoiceField, self.fields["assignee"])
        field.queryset = staff.order_by("first_name")
        offered = list(field.iterator(field))
        if not permitted(actor, Action.ASSIGN, request_obj.municipality_id):
            # ``request_assign`` lets a role without ``assign`` only take the request itself or
            # give back its own: the list offers just that. The field still accepts every
            # colleague, so a forged choice reaches the service, which refuses it in its own
            # words (403), as from every other channel.
            own = request_obj.assignee_id == actor.pk  # "nobody" gives back one's own
            wanted = {str(actor.pk), ""} if own else {str(actor.pk)}
            offered = [(value, label) for value, label in offered if str(value) in wanted]
            field.widget.choices = offered
        # Nothing to choose for a role without ``assign`` outside the request's receivers: the
        # page then shows no "Assign" at all.
        self.offers_choice = bool(offered)


class RequestCloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.ChoiceField(
        label=_("How did it end?"), choices=ContactRequest.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("What was agreed with the resident"),
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
