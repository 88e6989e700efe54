"""Forms of registering a contact. They collect and check input; ``loket.contacts.services``
decides (``contact_register``: who may, what is offered, where a hand-over goes)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from loket.cases.models import Case
from loket.catalogue.models import Channel, Product
from loket.contacts.models import Contact
from loket.contacts.selectors import offered_products
from loket.contacts.services import Receiver
from loket.lib import limits
from loket.lib.phone import clean_phone
from loket.organisation.models import Partner, Team
from loket.parties.models import Organisation, Person
from loket.tenancy.models import Municipality
from loket.tenancy.selectors import municipalities_for_staff

# The channels a front-office agent meets most, first.
CHANNEL_CHOICES = [(c.value, c.label) for c in Channel]


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


class CaseChoiceField(forms.ModelChoiceField[Case]):
    """A case by its number and product, as the resident would name it."""

    def label_from_instance(self, obj: Case) -> str:
        return f"{obj.identification} — {obj.product.name}"


def _choices_of(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


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
    case = CaseChoiceField(
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
        municipalities: QuerySet[Municipality],
        products: QuerySet[Product],
        cases: QuerySet[Case] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices_of(self, "municipality").queryset = municipalities
        _choices_of(self, "product").queryset = products
        _choices_of(self, "case").queryset = cases if cases is not None else Case.objects.none()
        cast(forms.ChoiceField, self.fields["receiver"]).choices = receiver_choices()

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


def contact_form(
    user: User,
    *,
    channel: str,
    municipality: Municipality | None,
    person: Person | None = None,
    organisation: Organisation | None = None,
    data: QueryDict | None = None,
    initial: dict[str, Any] | None = None,
) -> ContactForm:
    """The contact form as a page offers it: the municipalities the user works for (only the
    party's, for a known party), the products offered there, the party's cases the user may
    see, and the channel the agent last registered on."""
    municipalities = municipalities_for_staff(user)
    if municipality is not None:
        municipalities = municipalities.filter(pk=municipality.pk)
    cases = Case.objects.none()
    if person is not None:
        cases = Case.objects.visible_to(user).filter(initiator_person=person)
    elif organisation is not None:
        cases = Case.objects.visible_to(user).filter(initiator_organisation=organisation)
    products = (
        offered_products(municipality)
        if municipality is not None
        else Product.objects.filter(is_active=True).order_by("name_nl")
    )
    phone = (person.phone if person else "") or (organisation.phone if organisation else "")
    return ContactForm(
        data,
        municipalities=municipalities,
        products=products,
        cases=cases.select_related("product").order_by("-started_at"),
        initial={
            "channel": channel,
            "callback_phone": phone,
            "municipality": municipality.pk if municipality else None,
            **(initial or {}),
        },
    )
