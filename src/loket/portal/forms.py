"""Small forms of Mijn Loket (the application form itself is built from data: application.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.lib import limits
from loket.lib.phone import clean_phone
from loket.parties.models import NotificationChannel, Person


class EmailLoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"), max_length=limits.TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Document"),
        help_text=_("PDF, JPG, PNG, DOCX, ODT or TXT."),
    )
    note = forms.CharField(
        label=_("Explanation"),  # the template adds "(optional)"
        required=False,
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw your request?"),
        required=False,
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PreferencesForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How do you want to hear from us?"),
        choices=NotificationChannel.choices,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=Person.Language.choices, widget=forms.RadioSelect
    )
    phone = forms.CharField(
        label=_("Mobile number for text messages"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone"))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("channel") == NotificationChannel.SMS and not data.get("phone"):
            self.add_error("phone", _("Give a mobile number to receive text messages."))
        return data
