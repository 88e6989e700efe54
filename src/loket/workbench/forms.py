"""Forms of the workbench. They only collect input; the case services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from loket.accounts.permissions import Action, permitted
from loket.cases.models import Case
from loket.cases.services import allowed_next_steps
from loket.catalogue.models import DecisionType, ResultType, StatusStep
from loket.catalogue.terms import SuspensionBasis
from loket.lib import limits
from loket.lib.calendar import Term
from loket.organisation.models import Partner, Team


def _model_field(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


class StaffChoiceField(forms.ModelChoiceField[User]):
    """Colleagues by name, not by username."""

    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class VersionForm(forms.Form):
    """Every change carries the version the user saw, so a stale edit is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StatusForm(VersionForm):
    step = forms.ModelChoiceField(queryset=StatusStep.objects.none(), label=_("Next step"))
    result = forms.ModelChoiceField(
        queryset=ResultType.objects.none(),
        required=False,
        label=_("Result"),
        help_text=_("Needed when the step closes the case."),
    )
    note = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        steps = allowed_next_steps(case)
        _model_field(self, "step").queryset = StatusStep.objects.filter(
            pk__in=[s.pk for s in steps]
        )
        _model_field(self, "result").queryset = case.case_type.results.all()


class ReasonForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 2})
    )


def _date_field(label: Any, help_text: Any = "", *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        # An <input type="date"> takes ISO dates only, whatever the language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class SuspendForm(VersionForm):
    reason = forms.CharField(
        label=_("What must the applicant send?"),
        help_text=_("The applicant reads this text in Mijn Loket; write it plainly."),
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    basis = forms.ChoiceField(label=_("Ground for suspending"), required=False)
    stopped_on = _date_field(
        _("Day of the invitation or of the ground"),
        _(
            "The day the applicant was invited to supplement, agreed to a delay, or the ground "
            "arose. The term stands still from the next day (Awb 4:15). Empty: today."
        ),
    )
    # One date, two meanings: the response date of an invitation (Awb 4:5) or the last day of
    # the delay the applicant agreed to (4:15 lid 2 a). The label and first hint stay as clerks
    # know them; the second meaning is added to the hint.
    respond_before = _date_field(
        _("Respond by"),
        format_lazy(
            "{} {}",
            _(
                "Awb art. 4:5. The applicant may respond up to and including this day. "
                "Empty: two weeks, moved to a working day."
            ),
            _(
                "For a delay the applicant agreed to in writing: the last day of that delay "
                "(needed then)."
            ),
        ),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grounds = SuspensionBasis.for_basis(case.case_type.legal_basis)
        basis = cast(forms.ChoiceField, self.fields["basis"])
        basis.choices = [(ground.value, ground.label) for ground in grounds]
        basis.initial = grounds[0].value


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message to the applicant"),
        max_length=limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResumeForm(VersionForm):
    received_on = _date_field(
        _("Information received on"),
        _(
            "The day the information arrived (or the ground ended); the term runs again from "
            "that day. Empty: today."
        ),
    )
    reason = forms.CharField(label=_("Explanation"), required=False, max_length=limits.REASON)


class ExtendForm(VersionForm):
    """The fields the case's extension rule asks for (``Product.statutory.extension``): a date
    for a notice (Awb 4:14), else a length up to the law's maximum, and consent for a further
    delay (Awb 7:10 lid 4, 9:11 lid 3). Whether it is allowed is the service's to decide."""

    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("The applicant reads why; write it plainly."),
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    announced_on = _date_field(
        _("Decision expected by"),
        _("The date by which the applicant can expect the decision (uiterlijk)."),
    )
    term = forms.CharField(
        label=_("Extend by"),
        required=False,
        max_length=10,
        help_text=_(
            "For example 4w (weeks), 10wd (working days) or 30d (days). Empty: the most the law allows."
        ),
    )
    consent = forms.BooleanField(
        label=_("The applicant agreed in writing to a further delay"), required=False
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statutory = case.product.statutory
        self.rule = statutory.extension if statutory is not None else None
        if self.rule is None or self.rule.names_a_date:
            del self.fields["term"], self.fields["consent"]
        else:
            del self.fields["announced_on"]
            if not self.rule.further_with_consent:
                del self.fields["consent"]

    def clean_term(self) -> Term | None:
        text = self.cleaned_data.get("term", "").strip()
        if not text:
            return None
        try:
            return Term.parse(text)
        except ValueError:
            raise forms.ValidationError(
                _("Write a number and a unit: 4w (weeks), 10wd (working days) or 30d (days).")
            ) from None


class CorrectDatesForm(VersionForm):
    received_on = _date_field(
        _("Received on (date stamp)"),
        _("The day the request reached the municipality; its terms run from this day."),
    )
    contested_decision_on = _date_field(
        _("Contested decision sent on"),
        _("The objection term runs from the end of the objection period (Awb 6:7, 7:10)."),
    )
    reason = forms.CharField(
        label=_("Why correct the dates?"),
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = case.received_on
        statutory = case.product.statutory
        if statutory is not None and statutory.counts_from_objection_period:
            self.fields["contested_decision_on"].initial = case.contested_decision_on
        else:
            del self.fields["contested_decision_on"]


class DefaultNoticeForm(forms.Form):
    received_on = _date_field(
        _("Notice of default received on"),
        _("The day the written notice reached the municipality (Awb 4:17 lid 3)."),
        required=True,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResultForm(VersionForm):
    result = forms.ModelChoiceField(queryset=ResultType.objects.none(), label=_("Result"))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "result").queryset = case.case_type.results.all()


def assignable_staff(case: Case) -> QuerySet[User]:
    staff = User.objects.filter(is_active=True, municipalities=case.municipality)
    if case.partner_id:
        return staff.filter(partner_id=case.partner_id)
    return staff.exclude(role="partner_worker")


class AssignForm(VersionForm):
    assignee = StaffChoiceField(
        queryset=User.objects.none(), required=False, label=_("Assign to"), empty_label=_("nobody")
    )

    def __init__(self, *args: Any, case: Case, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = assignable_staff(case)
        if not self.is_bound and not permitted(user, Action.ASSIGN, case.municipality_id):
            # Offered: only the case itself to take (or give back), as ``case_assign`` accepts
            # from a role that may not give work to others. A posted colleague is still a valid
            # choice here, so the service refuses it and says why (403), not the form.
            staff = staff.filter(pk=user.pk)
        _model_field(self, "assignee").queryset = staff.order_by("first_name")


class HandOverForm(VersionForm):
    target = forms.ChoiceField(label=_("Hand over to"))
    reason = forms.CharField(
        label=_("Reason"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["target"]).choices = [
            (str(_("Teams")), [(f"team:{t.pk}", t.name) for t in Team.objects.order_by("name")]),
            (
                str(_("Partner organisations")),
                [(f"partner:{p.pk}", p.name) for p in Partner.objects.order_by("name")],
            ),
        ]

    def handler(self) -> dict[str, Any]:
        kind, pk = self.cleaned_data["target"].split(":")
        if kind == "team":
            return {"team": Team.objects.get(pk=pk)}
        return {"partner": Partner.objects.get(pk=pk)}


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=limits.TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Document"))
    share = forms.BooleanField(
        label=_("Share with the applicant (visible in Mijn Loket)"), required=False
    )


class BulkAssignForm(forms.Form):
    cases = forms.CharField()
    assignee = StaffChoiceField(queryset=User.objects.none(), label=_("Assign selected to"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offered: colleagues in the municipalities where the user may give others work; where
        # they may not (``Action.ASSIGN``), only themselves, as ``case_assign`` accepts. Posted,
        # every colleague is a valid choice, so the service refuses and says why.
        places = [
            m for m in user.municipality_ids if self.is_bound or permitted(user, Action.ASSIGN, m)
        ]
        _model_field(self, "assignee").queryset = (
            User.objects.filter(Q(pk=user.pk) | Q(is_active=True, municipalities__in=places))
            .distinct()
            .order_by("first_name")
        )


class StaffLoginForm(AuthenticationForm):
    """Django's login form with the workbench's own (Dutch by default) labels and messages,
    so the login page speaks the language of the rest of the workbench."""

    error_messages = {
        "invalid_login": _("Your username and password did not match. Please try again."),
        "inactive": _("This account is not active. Ask your administrator."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")


class DecideForm(VersionForm):
    """Start a decision: its type; the reasoning starts from the type's text blocks."""

    decision_type = forms.ModelChoiceField(
        queryset=DecisionType.objects.none(), label=_("Kind of decision"), empty_label=None
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "decision_type").queryset = case.case_type.decision_types.all()


class DecisionForm(forms.Form):
    """A draft decision: what the letter will say (Awb 3:46: the reasoning)."""

    reasoning = forms.CharField(
        label=_("Reasoning"),
        max_length=limits.DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain language; one paragraph per empty line. The applicant reads it."),
    )
    legal_ground = forms.CharField(label=_("Legal ground"), max_length=limits.SHORT, required=False)
    effective_on = forms.DateField(
        label=_("Takes effect on"),
        required=False,
        help_text=_("Empty: the day it is sent (Awb art. 3:40)."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    expires_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    mandate = forms.CharField(
        label=_("Decided on behalf of"), max_length=limits.SHORT, required=False
    )


class WithdrawDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the decision withdrawn?"),
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
