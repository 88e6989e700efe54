"""How long free text may be. Every text a person types into Loket has one of these limits;
the services refuse a longer text (nothing is stored), and the forms and API serializers use
the same numbers as their ``max_length`` so people see a field error before they send.

The numbers are generous for what each text is for: a reason or a note is a few sentences, a
message a letter, a knowledge article a page. They keep a single request from storing
megabytes that every page showing the case must then read and render.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from loket.lib.errors import Refused

SHORT = 200  # subjects, titles, names
REASON = 2_000  # reasons for a change, explanations, what was agreed
TEXT = 5_000  # notes, messages, what was asked and said, a case's description by staff
DESCRIPTION = 20_000  # a case's description built from an online form's answers
ARTICLE = 20_000  # a knowledge article's answer or instructions


def too_long_message(limit: int, length: int) -> str:
    return str(
        _("This text is too long: %(length)s characters; at most %(limit)s are allowed.")
        % {"length": f"{length:,}".replace(",", "."), "limit": f"{limit:,}".replace(",", ".")}
    )


def check_length(value: Any, *, limit: int, field: str, refused: type[Refused]) -> str:
    """``value`` as text if it has at most ``limit`` characters, else ``refused`` (the caller's
    refusal class, so its entry points show it) naming ``field``. A NUL character is refused
    too."""
    text = "" if value is None else str(value)
    if "\x00" in text:  # PostgreSQL cannot store it, and no person types it
        raise refused(_("This text contains a character that is not allowed."), field=field)
    if len(text) > limit:
        raise refused(too_long_message(limit, len(text)), field=field)
    return text


def check_record(record: Model, *, refused: type[Refused], **options: Any) -> None:
    """``full_clean`` (lengths, BSN, KvK, phone, e-mail of the model's fields) as ``refused``
    naming the first field, so every entry point shows it like its other refusals. A NUL
    character in any text is refused first (``check_length``)."""
    for name, value in vars(record).items():
        if isinstance(value, str) and "\x00" in value:
            check_length(value, limit=len(value), field=name, refused=refused)
    try:
        record.full_clean(**options)
    except ValidationError as error:
        fields = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        field, messages = next(iter(fields.items()))
        raise refused(
            " ".join(messages), field=None if field in (None, "__all__") else field
        ) from None
