"""The online request form of a product, built from its definition (``Product.request_form``).

Fields are plain Django form fields, so messages come in the resident's language and the form
works without JavaScript. A field with ``show_if`` is only checked when its condition holds.
Files are checked like every upload (``check_upload``: size, extension and contents).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from loket.cases.errors import InvalidInput
from loket.cases.uploads import check_upload
from loket.lib import limits
from loket.lib.i18n import localized
from loket.lib.identifiers import format_phone
from loket.lib.phone import clean_phone
from loket.parties.models import Person


def _label(field: dict[str, Any], key: str) -> str:
    return localized(_Texts(field), key)


def question(spec: dict[str, Any]) -> str:
    """A field's label (its question) in the resident's language."""
    return _label(spec, "label")


class _Texts:
    """Lets ``localized`` read ``label_nl``/``label_en`` from a field definition."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.__dict__.update({k: v for k, v in data.items() if isinstance(v, str)})

    def __getattr__(self, name: str) -> str:
        return ""


class CodeField(forms.CharField):
    """A code like a number plate: spaces trimmed and upper case before it is checked."""

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).strip().upper()


def _django_field(spec: dict[str, Any]) -> forms.Field:
    kind = spec["type"]
    common: dict[str, Any] = {
        "label": _label(spec, "label"),
        "help_text": _label(spec, "help"),
        "required": False,  # checked in ApplicationForm.clean, which knows the conditions
    }
    if kind == "textarea":
        return forms.CharField(
            max_length=limits.TEXT, widget=forms.Textarea(attrs={"rows": 5}), **common
        )
    if kind == "email":
        return forms.EmailField(
            max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}), **common
        )
    if kind == "phone":
        return forms.CharField(
            max_length=30,
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            **common,
        )
    if kind == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common
        )
    if kind == "number":
        return forms.IntegerField(min_value=0, max_value=1000, **common)
    if kind == "choice":
        choices = [(c["value"], _label(c, "label")) for c in spec["choices"]]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == "boolean":
        return forms.BooleanField(**common)
    if kind == "file":
        return forms.FileField(**common)
    if spec.get("pattern"):
        message = _label(spec, "pattern_message") or _("The format is not right.")
        return CodeField(
            max_length=100, validators=[RegexValidator(spec["pattern"], message)], **common
        )
    return forms.CharField(max_length=500, **common)


def prefill(definition: list[dict[str, Any]], person: Person | None) -> dict[str, Any]:
    """What Loket already knows, for the fields that ask for it (asked once, offered again)."""
    if person is None:
        return {}
    known = {
        "email": person.email,
        "phone": format_phone(person.phone) if person.phone else "",
        "full_name": person.full_name,
        "address": person.address,
        "postcode": person.postcode,
        "birth_date": person.birth_date,
    }
    return {f["name"]: known[f["prefill"]] for f in definition if known.get(f.get("prefill", ""))}


class ApplicationForm(forms.Form):
    def __init__(
        self,
        *args: Any,
        definition: list[dict[str, Any]],
        uploaded: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        """``uploaded``: field name -> file name of files already received for this draft."""
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.uploaded = uploaded or {}
        for spec in definition:
            field = _django_field(spec)
            field.widget.attrs.setdefault("data-required", "1" if spec.get("required") else "0")
            if spec.get("show_if"):
                field.widget.attrs["data-show-if"] = spec["show_if"]["field"]
                field.widget.attrs["data-show-if-value"] = str(spec["show_if"]["equals"]).lower()
            self.fields[spec["name"]] = field

    def applies(self, spec: dict[str, Any], data: dict[str, Any]) -> bool:
        condition = spec.get("show_if")
        if not condition:
            return True
        value = data.get(condition["field"])
        return bool(
            value == condition["equals"] or str(value).lower() == str(condition["equals"]).lower()
        )

    def specs(self) -> list[tuple[dict[str, Any], forms.BoundField]]:
        return [(spec, self[spec["name"]]) for spec in self.definition]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for spec in self.definition:
            name = spec["name"]
            if name in self.errors or not self.applies(spec, data):
                continue
            value = data.get(name)
            if spec["type"] == "file":
                if value:
                    try:
                        check_upload(value)
                    except InvalidInput as refused:
                        self.add_error(name, str(refused.message))
                    continue
                if spec.get("required") and name not in self.uploaded:
                    self.add_error(name, _("Add this file."))
                continue
            if spec["type"] == "phone" and value:
                try:
                    data[name] = clean_phone(value)
                except ValidationError as error:
                    self.add_error(name, error)
                    continue
            if spec.get("required") and value in (None, "", False):
                self.add_error(name, _("Fill this in."))
        return data

    def files_not_applying(self) -> list[str]:
        """The file fields whose condition does not hold for the answers given: not sent."""
        return [
            spec["name"]
            for spec in self.definition
            if spec["type"] == "file" and not self.applies(spec, self.cleaned_data)
        ]

    def answers(self) -> dict[str, Any]:
        """The answers as JSON-safe values, without files and without fields that do not apply."""
        data = self.cleaned_data
        answers: dict[str, Any] = {}
        for spec in self.definition:
            name = spec["name"]
            if spec["type"] == "file" or not self.applies(spec, data):
                continue
            value = data.get(name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            if value not in (None, ""):
                answers[name] = value
        return answers


def readable_answers(
    definition: list[dict[str, Any]], answers: dict[str, Any]
) -> list[tuple[str, str]]:
    """``(question, answer)`` pairs in the resident's language, for the summary and the case."""
    rows = []
    for spec in definition:
        if spec["type"] == "file" or spec["name"] not in answers:
            continue
        value = answers[spec["name"]]
        if spec["type"] == "choice":
            labels = {c["value"]: _label(c, "label") for c in spec["choices"]}
            value = labels.get(value, value)
        elif spec["type"] == "boolean":
            value = _("yes") if value else _("no")
        elif spec["type"] == "date":
            value = dt.date.fromisoformat(value).strftime("%d-%m-%Y")
        elif spec["type"] == "phone":
            value = format_phone(value)
        rows.append((_label(spec, "label"), str(value)))
    return rows
