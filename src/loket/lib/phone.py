"""Phone numbers typed by people: one check and one message everywhere (forms, models, services)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from loket.lib.identifiers import normalise_phone

PHONE_MESSAGE = _("This is not a phone number we can call, for example 06 12345678 or 020 1234567.")


def clean_phone(value: str | None) -> str:
    """``""`` for nothing typed, the number in E.164 form, or a ValidationError in words."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return normalise_phone(value)
    except ValueError:
        raise ValidationError(PHONE_MESSAGE) from None
