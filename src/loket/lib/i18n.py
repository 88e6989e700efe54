"""Bilingual content fields (``name_nl`` / ``name_en``) read in the active language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

SUPPORTED = ("nl", "en")


def current_language() -> str:
    language = (get_language() or "nl")[:2]
    return language if language in SUPPORTED else "nl"


def localized(obj: Any, field: str, language: str | None = None) -> str:
    """``obj.<field>_<language>``, falling back to Dutch (the authoritative text) when empty."""
    language = language or current_language()
    value: str = getattr(obj, f"{field}_{language}", "") or ""
    return value or getattr(obj, f"{field}_nl", "") or ""
