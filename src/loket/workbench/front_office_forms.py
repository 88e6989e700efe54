"""Forms of the front office. They collect and check input; ``loket.contacts.services`` decides.

Phone numbers, postcodes, BSNs and KvK numbers get a field-level message here, in the user's
language, before anything is saved."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from loket.cases.models import Case
from loket.catalogue.models import Channel, Product
from loket.contacts.models import Contact, ContactRequest
from loket.contacts.services import Receiver
from loket.knowledge.models import Article
from loket.lib import limits
from loket.lib.identifiers import normalise_postcode
from loket.lib.phone import clean_phone
from loket.organisation.models import Partner, Team
from loket.parties.models import ContactPerson, Organisation, Person
from loket.tenancy.models import Municipality

# The channels a front-office agent meets most, first.
CHANNEL_CHOICES = [(c.value, c.label) for c in Channel]


def _allow_spaces(field: forms.Field, length: int) -> None:
    """Accept ``123 456 789`` as typed; the cleaner removes the spaces, the model checks."""
    field.max_length = length  # type: ignore[attr-defined]
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.widget.attrs["maxlength"] = str(length)


class _Clean:
    """Field cleaners shared by the party forms."""

    cleaned_data: dict[str, Any]

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone"))

    def clean_postcode(self) -> str:
        value = (self.cleaned_data.get("postcode") or "").strip()
        if not value:
            return ""
        try:
            return normalise_postcode(value)
        except ValueError:
            raise forms.ValidationError(
                _("A postcode has four digits and two letters, for example 1234 AB.")
            ) from None


class PersonForm(_Clean, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "bsn",
            "initials",
            "first_name",
            "surname_prefix",
            "surname",
            "birth_date",
            "street",
            "house_number",
            "postcode",
            "city",
            "email",
            "phone",
            "preferred_channel",
            "language",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bsn"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        _allow_spaces(self.fields["bsn"], 14)
        self.fields["phone"].widget.attrs.update({"type": "tel", "autocomplete": "off"})

    def clean_bsn(self) -> str:
        return (self.cleaned_data.get("bsn") or "").replace(" ", "").replace(".", "")

    def validate_unique(self) -> None:
        """Duplicates are the service's business: it refuses with a link to the existing one."""


class OrganisationForm(_Clean, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "kvk_number",
            "name",
            "street",
            "house_number",
            "postcode",
            "city",
            "email",
            "phone",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _allow_spaces(self.fields["kvk_number"], 12)

    def clean_kvk_number(self) -> str:
        return (self.cleaned_data.get("kvk_number") or "").replace(" ", "")

    def validate_unique(self) -> None:
        """See PersonForm.validate_unique."""


class ContactPersonForm(_Clean, forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "function", "email", "phone"]


def receiver_choices() -> list[tuple[str, Any]]:
    staff = (
        User.objects.filter(is_active=True).exclude(role="partner_worker").order_by("first_name")
    )
    return [
        ("", "—"),
        (str(_("Teams")), [(f"team:{t.pk}", t.name) for t in Team.objects.order_by("name")]),
        (
            str(_("Partner organisations")),
            [(f"partner:{p.pk}", p.name) for p in Partner.objects.order_by("name")],
        ),
        (
            str(_("Colleagues")),
            [(f"user:{u.pk}", u.get_full_name() or u.username) for u in staff],
        ),
    ]


def parse_receiver(value: str, municipality: Municipality) -> Receiver:
    if not value or ":" not in value:
        return Receiver()
    kind, pk = value.split(":", 1)
    if kind == "team":
        return Receiver(team=Team.objects.filter(pk=pk).first())
    if kind == "partner":
        return Receiver(partner=Partner.objects.filter(pk=pk).first())
    return Receiver(
        user=User.objects.filter(pk=pk, is_active=True, municipalities=municipality).first()
    )


class ContactForm(forms.Form):
    """Register any contact. The person, organisation, case and article come from the page."""

    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(), label=_("Municipality"), empty_label=None
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=CHANNEL_CHOICES, widget=forms.RadioSelect, initial="telefoon"
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=Contact.Direction.choices,
        initial=Contact.Direction.INBOUND,
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=limits.SHORT,
        required=False,
        help_text=_("Empty: the name of the product chosen below."),
    )
    text = forms.CharField(
        label=_("What was asked and said"),
        required=False,
        max_length=limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    product = forms.ModelChoiceField(
        queryset=Product.objects.none(), label=_("Product"), required=False, empty_label="—"
    )
    case = forms.ModelChoiceField(
        queryset=Case.objects.none(), label=_("Case"), required=False, empty_label="—"
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Contact.Outcome.choices,
        initial=Contact.Outcome.ANSWERED,
        widget=forms.RadioSelect,
    )
    resolved_on_first_contact = forms.BooleanField(
        label=_("The question was fully answered in this contact"), required=False, initial=True
    )
    receiver = forms.ChoiceField(
        label=_("Hand over to"),
        required=False,
        help_text=_("For a hand-over or a callback: the team, partner or colleague."),
    )
    callback_phone = forms.CharField(
        label=_("Phone number to call back"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    received_on = forms.DateField(
        label=_("Received on (date stamp)"),
        required=False,
        help_text=_(
            "When a case is opened from a letter or e-mail: the day it reached the municipality;"
            " its terms run from that day (Awb 4:13). Empty: today."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    contested_decision_on = forms.DateField(
        label=_("Contested decision sent on"),
        required=False,
        help_text=_(
            "For an objection: the objection term runs from the end of the objection"
            " period (Awb 6:7, 7:10)."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self,
        *args: Any,
        municipalities: Any,
        products: Any,
        cases: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["municipality"]).queryset = municipalities
        cast(forms.ModelChoiceField, self.fields["product"]).queryset = products
        cast(forms.ModelChoiceField, self.fields["case"]).queryset = (
            cases if cases is not None else Case.objects.none()
        )
        cast(forms.ChoiceField, self.fields["receiver"]).choices = receiver_choices()
        self.fields["case"].label_from_instance = (  # type: ignore[attr-defined]
            lambda case: f"{case.identification} — {case.product.name}"
        )

    def clean_callback_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("callback_phone"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("subject", "").strip() and "subject" not in self.errors:
            # The subject follows the product the agent chose, not a search hit (issue 11).
            if data.get("product") is not None:
                data["subject"] = data["product"].name_nl
            else:
                self.add_error("subject", _("Give a subject, or choose the product it is about."))
        outcome = data.get("outcome")
        if outcome in (Contact.Outcome.HANDED_OVER, Contact.Outcome.CALLBACK) and not data.get(
            "receiver"
        ):
            self.add_error(
                "receiver", _("Choose the team, partner or colleague who takes this over.")
            )
        return data


class AnswerForm(forms.Form):
    """One click: "answered with this article" on the channel chosen."""

    channel = forms.ChoiceField(choices=CHANNEL_CHOICES, initial="telefoon")
    article = forms.UUIDField()


def _staff_label(user: Any) -> str:
    return str(user.get_full_name() or user.username)


class RequestAssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("Assign to"), required=False, empty_label=_("nobody")
    )

    def __init__(self, *args: Any, request_obj: ContactRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(is_active=True, municipalities=request_obj.municipality)
        if request_obj.partner_id:
            staff = staff.filter(partner_id=request_obj.partner_id)
        elif request_obj.team_id:
            staff = staff.filter(teams=request_obj.team_id)
        field = cast(forms.ModelChoiceField, self.fields["assignee"])
        field.queryset = staff.order_by("first_name")
        field.label_from_instance = _staff_label  # type: ignore[method-assign,assignment]


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


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "product",
            "municipality",
            "title_nl",
            "answer_nl",
            "instructions_nl",
            "title_en",
            "answer_en",
            "instructions_en",
            "valid_from",
            "valid_until",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "answer_nl": forms.Textarea(attrs={"rows": 6}),
            "answer_en": forms.Textarea(attrs={"rows": 6}),
            "instructions_nl": forms.Textarea(attrs={"rows": 3}),
            "instructions_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from loket.knowledge.services import TEXT_LIMITS

        for name, limit in TEXT_LIMITS.items():
            text = cast(forms.CharField, self.fields[name])
            text.max_length = limit
            text.validators.append(MaxLengthValidator(limit))
            text.widget.attrs["maxlength"] = str(limit)
        cast(forms.ModelChoiceField, self.fields["product"]).queryset = Product.objects.filter(
            is_active=True
        ).order_by("name_nl")
        field = cast(forms.ModelChoiceField, self.fields["municipality"])
        field.queryset = municipalities
        field.empty_label = str(_("every municipality that offers the product"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end date cannot be before the start date."))
        return data
