"""The Dutch interface is complete: every message has a translation, and the compiled catalogue
(which is what Django reads) matches the source."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import loket

LOCALE = Path(loket.__file__).parent / "locale" / "nl" / "LC_MESSAGES"
_ENTRY = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?)\s+(".*")$')


def _parse_po(path: Path) -> list[dict[str, str]]:
    entries: list[dict[str, str]] = []
    current: dict[str, str] = {}
    key = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#~"):
            continue
        match = _ENTRY.match(line)
        if match:
            starts = match.group(1) == "msgctxt" or "msgid" in current  # a context comes first
            if match.group(1) in ("msgctxt", "msgid") and current and starts:
                entries.append(current)
                current = {}
            key = match.group(1)
            current[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    if current:
        entries.append(current)
    return [entry for entry in entries if entry.get("msgid")]


def test_every_message_is_translated_to_dutch() -> None:
    entries = _parse_po(LOCALE / "django.po")
    assert len(entries) > 200
    untranslated = [
        entry["msgid"]
        for entry in entries
        if not all(value for key, value in entry.items() if key.startswith("msgstr"))
    ]
    assert untranslated == []


def test_compiled_catalogue_matches_the_source() -> None:
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in _parse_po(LOCALE / "django.po"):
        if "msgid_plural" in entry:
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr[0]"]
        elif "msgctxt" in entry:
            assert compiled.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"]
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]
