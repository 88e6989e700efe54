"""Online request forms as data: per product a list of fields in ``data/forms.json``.

A field: ``name`` (a-z, 0-9, _), ``type`` (one of ``FIELD_TYPES``), ``label_nl``/``label_en``,
optional ``help_nl``/``help_en``, ``required``, ``choices`` (for ``choice``: a list of
``{"value", "label_nl", "label_en"}``), ``pattern`` (a regular expression for ``text``, with
``pattern_message_nl``/``_en``), ``prefill`` (one of ``PREFILLS``: what Loket already knows) and
``show_if`` (``{"field": name, "equals": value}``: the field only applies when another field has
that value). Every online product gets the shared contact fields (``_contact``) and its own
fields, or ``_default`` when it has none.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

FIELD_TYPES = frozenset(
    {"text", "textarea", "email", "phone", "date", "number", "choice", "boolean", "file"}
)
PREFILLS = frozenset({"email", "phone", "full_name", "address", "postcode", "birth_date"})
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


def check_fields(fields: Any, where: str) -> list[str]:
    """Problems with one product's field list, in words (empty when it is fine)."""
    if not isinstance(fields, list) or not fields:
        return [f"{where}: expected a non-empty list of fields"]
    problems: list[str] = []
    names: dict[str, dict[str, Any]] = {}
    for index, field in enumerate(fields):
        at = f"{where}, field {index + 1}"
        if not isinstance(field, dict):
            problems.append(f"{at}: expected an object")
            continue
        name = field.get("name", "")
        if not _NAME.match(str(name)):
            problems.append(f"{at}: name “{name}” must be lower case letters, digits and _")
        elif name in names:
            problems.append(f"{at}: name “{name}” is used twice")
        names[str(name)] = field
        if field.get("type") not in FIELD_TYPES:
            problems.append(f"{at}: type “{field.get('type')}” is not one of {sorted(FIELD_TYPES)}")
        if not field.get("label_nl") or not field.get("label_en"):
            problems.append(f"{at}: needs label_nl and label_en")
        if field.get("type") == "choice" and not field.get("choices"):
            problems.append(f"{at}: a choice needs choices")
        if field.get("prefill") and field["prefill"] not in PREFILLS:
            problems.append(f"{at}: prefill “{field['prefill']}” is not one of {sorted(PREFILLS)}")
        if field.get("pattern"):
            try:
                re.compile(field["pattern"])
            except re.error as error:
                problems.append(f"{at}: pattern does not compile ({error})")
    for name, field in names.items():
        condition = field.get("show_if")
        if condition and condition.get("field") not in names:
            problems.append(f"{where}, field {name}: show_if refers to an unknown field")
    return problems


def read_forms(
    path: Path, online_slugs: set[str]
) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """Each online product's full field list, and the problems found."""
    data = json.loads(path.read_text(encoding="utf-8"))
    contact = data.get("_contact", [])
    default = data.get("_default", [])
    forms: dict[str, list[dict[str, Any]]] = {}
    problems: list[str] = []
    for slug in sorted(online_slugs):
        own = data.get(slug, default)
        taken = {field.get("name") for field in own if isinstance(field, dict)}
        fields = [*own, *(field for field in contact if field.get("name") not in taken)]
        problems += check_fields(fields, f"{path.name}, {slug}")
        forms[slug] = fields
    for slug in data:
        if not slug.startswith("_") and slug not in online_slugs:
            problems.append(f"{path.name}: “{slug}” is not a product that can be requested online")
    return forms, problems
