"""Reading parameters at the edge: a query-string or form value that cannot be what it should
be (a uuid, a number, one of a few words) is refused with a 400 that names it, before any query
runs, instead of reaching the database and ending as a 500.

``BadParameter`` is Django's ``BadRequest``: the page handler (``loket.web.views.bad_request``)
shows its message, the API answers with a problem document.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

# Largest value a database integer column holds (PostgreSQL bigint, SQLite INTEGER).
MAX_ID = 2**63 - 1


class BadParameter(BadRequest):
    """A parameter that cannot be understood; ``message`` is shown to the user."""

    def __init__(self, name: str, message: str) -> None:
        self.name = name
        self.message = message
        super().__init__(message)


def parse_uuid(value: Any) -> uuid.UUID | None:
    """``value`` as a UUID, or None when it is not one."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def parse_id(value: Any) -> int | None:
    """``value`` as a database id (ASCII digits, in range), or None when it is not one."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def _present(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    text = "" if value is None else str(value).strip()
    if "\x00" in text:
        raise BadParameter(
            name, _("“%(name)s” contains a character that is not allowed.") % {"name": name}
        )
    return text


def uuid_param(params: Mapping[str, Any], name: str) -> uuid.UUID | None:
    """The uuid in ``params[name]``; None when absent or empty; ``BadParameter`` when it is
    something else. Whether the record exists (and may be seen) is the caller's 404."""
    text = _present(params, name)
    if not text:
        return None
    value = parse_uuid(text)
    if value is None:
        raise BadParameter(
            name,
            _("“%(name)s” must be an identifier (a uuid), not “%(value)s”.")
            % {"name": name, "value": text[:50]},
        )
    return value


def id_param(params: Mapping[str, Any], name: str) -> int | None:
    """The database id in ``params[name]``; None when absent or empty; ``BadParameter`` when it
    is not a positive whole number."""
    text = _present(params, name)
    if not text:
        return None
    value = parse_id(text)
    if value is None:
        raise BadParameter(
            name,
            _("“%(name)s” must be a number, not “%(value)s”.") % {"name": name, "value": text[:50]},
        )
    return value


def choice_param(params: Mapping[str, Any], name: str, choices: Iterable[str], default: str) -> str:
    """``params[name]`` if it is one of ``choices``; ``default`` when absent or empty;
    ``BadParameter`` otherwise."""
    text = _present(params, name)
    if not text:
        return default
    allowed = list(choices)
    if text not in allowed:
        raise BadParameter(
            name,
            _("“%(name)s” must be one of: %(choices)s.")
            % {"name": name, "choices": ", ".join(allowed)},
        )
    return text


def text_param(params: Mapping[str, Any], name: str, *, max_length: int) -> str:
    """Free text from ``params[name]``, stripped and cut to ``max_length`` (a search box: a
    longer text is not refused, just not read further); NUL characters are refused."""
    return _present(params, name)[:max_length]
