"""A municipality's own wording of its decision letters, and its own reasoning text blocks
(issue 13, "Decisions" items 2 and 4).

The letter (``loket.cases.decisions.decision_letter``) is Loket's; what a municipality words
itself is kept in a ``LetterTemplate``: opening and closing, who signs and on whose behalf, to
whom and where an objection goes, which court gives a provisional ruling, and a footer. Without
one, or where a field is empty, the built-in text applies. The objection clause itself (Awb
3:45: that an objection is possible, the term of Awb 6:7 and 6:8 with its last day, what an
objection contains (6:5) and the provisional ruling (8:81)) is not a municipality's to word: the
code writes it and only fills in the addressee and the court.

The reasoning text blocks (``DecisionType.reasoning_blocks``) belong to the shared catalogue; a
municipality that words them differently keeps its own in ``ReasoningBlocks``, which then take
the catalogue's place for that municipality.

Everything here is plain text: the letter template escapes it (autoescaping stays on), and the
services refuse markup, control characters and over-long texts, so what an administrator sees
in the form is what the letter prints. Only a role that may ``templates`` changes either
(``loket.accounts.permissions``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loket.accounts.models import User
from loket.accounts.permissions import Action, NotPermitted, require
from loket.cases.errors import CaseRefused, InvalidInput
from loket.cases.models import LetterTemplate, ReasoningBlocks
from loket.catalogue.models import DecisionType
from loket.history.services import history_record
from loket.lib import limits
from loket.tenancy.models import Municipality

# Placeholders an opening or closing may use; filled from the case when the letter is made.
PLACEHOLDERS = ("product", "datum_ontvangst", "zaaknummer")
MAX_BLOCKS = 30
OPENING = limits.REASON  # a few paragraphs
ADDRESS = 300
ADDRESS_LINES = 5
FOOTER = 300
FOOTER_LINES = 3

# Markup a browser or WeasyPrint would read as a tag: "<b", "</p", "<!--", "<?xml". A "<"
# before a space or a digit ("< 50 m²") is ordinary text.
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?][A-Za-z0-9-]*")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class StaleTemplate(CaseRefused):
    code = "stale"
    default_message = gettext_lazy(
        "Someone else changed these texts while you were working on them. "
        "Look at the latest version and try again."
    )


class Block(TypedDict):
    title: str
    text: str


@dataclass(frozen=True)
class TemplateText:
    """What an administrator types for the letter template: every field, as plain text."""

    opening_nl: str = ""
    opening_en: str = ""
    closing_nl: str = ""
    closing_en: str = ""
    mandate: str = ""
    signatory_name: str = ""
    signatory_function: str = ""
    objection_addressee: str = ""
    objection_address: str = ""
    objection_url: str = ""
    court: str = ""
    footer: str = ""

    @classmethod
    def of(cls, template: LetterTemplate | None) -> TemplateText:
        if template is None:
            return cls()
        return cls(**{f.name: str(getattr(template, f.name) or "") for f in fields(cls)})

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> TemplateText:
        return cls(**{f.name: str(values.get(f.name) or "") for f in fields(cls)})


@dataclass(frozen=True)
class Rule:
    limit: int
    lines: int  # at most this many lines; 1: a single line
    placeholders: bool = False


RULES: dict[str, Rule] = {
    "opening_nl": Rule(OPENING, 40, placeholders=True),
    "opening_en": Rule(OPENING, 40, placeholders=True),
    "closing_nl": Rule(OPENING, 40, placeholders=True),
    "closing_en": Rule(OPENING, 40, placeholders=True),
    "mandate": Rule(limits.SHORT, 1),
    "signatory_name": Rule(limits.SHORT, 1),
    "signatory_function": Rule(limits.SHORT, 1),
    "objection_addressee": Rule(limits.SHORT, 1),
    "objection_address": Rule(ADDRESS, ADDRESS_LINES),
    "objection_url": Rule(limits.SHORT, 1),
    "court": Rule(limits.SHORT, 1),
    "footer": Rule(FOOTER, FOOTER_LINES),
}


def check_plain_text(value: Any, *, field: str, limit: int, lines: int = 1) -> str:
    """``value`` as plain text for a letter, with Windows line ends made plain and the ends
    stripped; refused (``InvalidInput`` naming ``field``) when too long, with too many lines,
    with a control character, or with markup. The letter escapes everything anyway; refusing
    markup tells the writer that it would be printed as they typed it, tags and all."""
    text = limits.check_length(value, limit=limit, field=field, refused=InvalidInput)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        raise InvalidInput(_("This text contains a character that is not allowed."), field=field)
    found = _MARKUP.search(text)
    if found:
        raise InvalidInput(
            _(
                "Write plain text: “%(found)s” looks like HTML, which a letter does not use. "
                "The letter prints exactly what you type."
            )
            % {"found": found.group(0)},
            field=field,
        )
    count = text.count("\n") + 1 if text else 0
    if lines == 1 and count > 1:
        raise InvalidInput(_("Write this on one line."), field=field)
    if count > lines:
        raise InvalidInput(
            _("Use at most %(lines)s lines; this text has %(count)s.")
            % {"lines": lines, "count": count},
            field=field,
        )
    return text


def _check_placeholders(text: str, *, field: str) -> None:
    known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    for name in _PLACEHOLDER.findall(text):
        if name not in PLACEHOLDERS:
            raise InvalidInput(
                _("Unknown placeholder {%(name)s}. You can use %(known)s.")
                % {"name": name, "known": known},
                field=field,
            )
    if "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
        raise InvalidInput(
            _("Braces are only for placeholders, such as {product}. You can use %(known)s.")
            % {"known": known},
            field=field,
        )


def _check_url(value: str, *, field: str) -> str:
    if not value:
        return value
    try:
        URLValidator(schemes=["https", "http"])(value)
    except ValidationError:
        raise InvalidInput(
            _(
                "Give a web address that starts with https://, for example https://www.example.nl/bezwaar."
            ),
            field=field,
        ) from None
    return value


def check_field(name: str, value: Any) -> str:
    """One field of the letter template, checked and cleaned (the form checks each field with
    this, so all errors show at once; the service checks all of them again)."""
    rule = RULES[name]
    text = check_plain_text(value, field=name, limit=rule.limit, lines=rule.lines)
    if rule.placeholders:
        _check_placeholders(text, field=name)
    if name == "objection_url":
        text = _check_url(text, field=name)
    return text


def template_text_check(text: TemplateText) -> TemplateText:
    """Every field checked (``check_field``); the first refusal is raised."""
    return TemplateText(
        **{f.name: check_field(f.name, getattr(text, f.name)) for f in fields(text)}
    )


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """``{product}`` and friends replaced by the case's values; the text was checked on saving,
    an unknown name (from before a rename) is left as typed rather than failing a letter."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def require_templates(actor: User | None, municipality: Municipality) -> None:
    """Refuse (``NotPermitted``) unless ``actor`` may ``templates`` in ``municipality`` and
    works for it: the role table says what a role may, not where, and a municipality's texts
    are its own (``None``, the system itself, is not checked; see ``require``)."""
    require(actor, Action.TEMPLATES, municipality)
    if actor is None or actor.is_superuser:
        return
    if municipality.pk not in actor.municipality_ids:
        raise NotPermitted(Action.TEMPLATES)


# --- the letter template --------------------------------------------------------------------


def letter_template_for(municipality: Municipality | int) -> LetterTemplate | None:
    """The municipality's letter template, or None: the built-in wording applies."""
    pk = municipality if isinstance(municipality, int) else municipality.pk
    return LetterTemplate.objects.filter(municipality_id=pk).first()


@transaction.atomic
def letter_template_save(
    *,
    municipality: Municipality,
    text: TemplateText,
    actor: User | None,
    expected_version: int | None,
) -> LetterTemplate:
    """Save the municipality's wording of its decision letters. Refused unless the actor may
    ``templates`` in that municipality, when a text is not plain or too long, and when someone
    else saved in between (``expected_version``: the version the form showed; None for the
    first template). Letters already sent keep their wording: their PDF is stored as sent."""
    require_templates(actor, municipality)
    cleaned = template_text_check(text)
    template = LetterTemplate.objects.select_for_update().filter(municipality=municipality).first()
    if template is None:
        if expected_version not in (None, 0):
            raise StaleTemplate()
        template = LetterTemplate(municipality=municipality, version=1)
        before: dict[str, str] = {}
    else:
        if expected_version != template.version:
            raise StaleTemplate()
        before = asdict(TemplateText.of(template))
        template.version += 1
    for name, value in asdict(cleaned).items():
        setattr(template, name, value)
    template.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    template.full_clean(exclude=["municipality", "updated_by"])
    template.save()
    changed = {k: v for k, v in asdict(cleaned).items() if before.get(k, "") != v}
    history_record(
        instance=template, action="update" if before else "create", actor=actor, changes=changed
    )
    return template


# --- reasoning text blocks ------------------------------------------------------------------


def _blocks(raw: Any) -> list[Block]:
    """Blocks as stored (catalogue JSON or a municipality's), made regular: title and text as
    text, blocks without text left out."""
    found: list[Block] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        text = str(item.get("text", "")).strip()
        if text:
            found.append({"title": str(item.get("title", "")).strip(), "text": text})
    return found


def reasoning_blocks_for(
    decision_type: DecisionType, municipality: Municipality | int | None
) -> list[Block]:
    """The text blocks staff of ``municipality`` start a reasoning from: the municipality's
    own for this decision type where it keeps them, else the catalogue's."""
    if municipality is not None:
        pk = municipality if isinstance(municipality, int) else municipality.pk
        own = ReasoningBlocks.objects.filter(
            municipality_id=pk, decision_type=decision_type
        ).first()
        if own is not None:
            return _blocks(own.blocks)
    return _blocks(decision_type.reasoning_blocks)


def own_blocks(decision_type: DecisionType, municipality: Municipality) -> ReasoningBlocks | None:
    return ReasoningBlocks.objects.filter(
        municipality=municipality, decision_type=decision_type
    ).first()


def blocks_check(blocks: Sequence[Mapping[str, Any]]) -> list[Block]:
    """Blocks as typed, checked: each has a title (one line) and a text; at most
    ``MAX_BLOCKS``. A refusal names the block by its number (``block-3-text``)."""
    if len(blocks) > MAX_BLOCKS:
        raise InvalidInput(_("At most %(n)s text blocks per kind of decision.") % {"n": MAX_BLOCKS})
    checked: list[Block] = []
    for number, block in enumerate(blocks, start=1):
        title = check_plain_text(
            block.get("title", ""), field=f"block-{number}-title", limit=limits.SHORT
        )
        text = check_plain_text(
            block.get("text", ""), field=f"block-{number}-text", limit=limits.TEXT, lines=200
        )
        if not title or not text:
            raise InvalidInput(
                _("Text block %(n)s needs a title and a text.") % {"n": number},
                field=f"block-{number}-{'title' if not title else 'text'}",
            )
        checked.append({"title": title, "text": text})
    return checked


@transaction.atomic
def reasoning_blocks_save(
    *,
    municipality: Municipality,
    decision_type: DecisionType,
    blocks: Sequence[Mapping[str, Any]],
    actor: User | None,
    expected_version: int | None,
) -> ReasoningBlocks:
    """Keep the municipality's own text blocks for ``decision_type`` (in place of the
    catalogue's). Drafts already made keep their reasoning. Refused unless the actor may
    ``templates`` there, for texts that are not plain or too long, and when someone else saved
    in between (``expected_version``; None when there were no own blocks yet)."""
    require_templates(actor, municipality)
    checked = blocks_check(blocks)
    own = (
        ReasoningBlocks.objects.select_for_update()
        .filter(municipality=municipality, decision_type=decision_type)
        .first()
    )
    if own is None:
        if expected_version not in (None, 0):
            raise StaleTemplate()
        own = ReasoningBlocks(municipality=municipality, decision_type=decision_type)
    else:
        if expected_version != own.version:
            raise StaleTemplate()
        own.version += 1
    own.blocks = list(checked)
    own.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    own.save()
    history_record(
        instance=own,
        action="update",
        actor=actor,
        changes={"decision_type": decision_type.code, "blocks": [b["title"] for b in checked]},
    )
    return own


@transaction.atomic
def reasoning_blocks_reset(
    *, municipality: Municipality, decision_type: DecisionType, actor: User | None
) -> None:
    """Drop the municipality's own blocks for ``decision_type``: the catalogue's apply again.
    Only a role that may ``templates``."""
    require_templates(actor, municipality)
    own = own_blocks(decision_type, municipality)
    if own is None:
        return
    history_record(
        instance=own, action="delete", actor=actor, changes={"decision_type": decision_type.code}
    )
    own.delete()
