"""Forms of the workbench. They only collect input; the case services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from loket.cases.models import Case
from loket.cases.services import allowed_next_steps
from loket.catalogue.models import ResultType, StatusStep
from loket.lib import limits
from loket.organisation.models import Partner, Team


def _model_field(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    return cast(forms.ModelChoiceField, form.fields[name])


class StaffChoiceField(forms.ModelChoiceField):
    """Colleagues by name, not by username."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


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


class SuspendForm(VersionForm):
    reason = forms.CharField(
        label=_("What must the applicant send?"),
        help_text=_("The applicant reads this text in Mijn Loket; write it plainly."),
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    respond_before = forms.DateField(
        label=_("Respond by"),
        required=False,
        help_text=_(
            "Awb art. 4:5. The applicant may respond up to and including this day. "
            "Empty: two weeks, moved to a working day."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message to the applicant"),
        max_length=limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResumeForm(VersionForm):
    reason = forms.CharField(label=_("Explanation"), required=False, max_length=limits.REASON)


class ResultForm(VersionForm):
    result = forms.ModelChoiceField(queryset=ResultType.objects.none(), label=_("Result"))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "result").queryset = case.case_type.results.all()


def assignable_staff(case: Case) -> Any:
    staff = User.objects.filter(is_active=True, municipalities=case.municipality)
    if case.partner_id:
        return staff.filter(partner_id=case.partner_id)
    return staff.exclude(role="partner_worker")


class AssignForm(VersionForm):
    assignee = StaffChoiceField(
        queryset=User.objects.none(), required=False, label=_("Assign to"), empty_label=_("nobody")
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "assignee").queryset = assignable_staff(case).order_by("first_name")


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

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "assignee").queryset = (
            User.objects.filter(is_active=True, municipalities__in=user.municipality_ids)
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
