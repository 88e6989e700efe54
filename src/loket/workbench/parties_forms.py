"""Forms of the resident's and the organisation's pages. They collect and check input;
``loket.parties.services`` decides (and refuses a duplicate with a link to the existing one).

Phone numbers, postcodes, BSNs and KvK numbers get a field-level message here, in the user's
language, before anything is saved."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from loket.lib.identifiers import normalise_postcode
from loket.lib.phone import clean_phone
from loket.parties.models import ContactPerson, Organisation, Person


def _allow_spaces(field: forms.Field, length: int) -> None:
    """Accept ``123 456 789`` as typed; the cleaner removes the spaces, the model checks."""
    text = cast(forms.CharField, field)  # a model CharField's form field
    text.max_length = length
    text.validators = [v for v in text.validators if not isinstance(v, MaxLengthValidator)]
    text.widget.attrs["maxlength"] = str(length)


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


class PersonForm(_Clean, forms.ModelForm[Person]):
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


class OrganisationForm(_Clean, forms.ModelForm[Organisation]):
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


class ContactPersonForm(_Clean, forms.ModelForm[ContactPerson]):
    class Meta:
        model = ContactPerson
        fields = ["name", "function", "email", "phone"]
