"""Reading settings from the environment, strictly.

Every helper names the variable in its error, so a bad deployment stops at start-up with one line
that says what to fix (see ``loket.cli``), instead of failing later on a request.
A secret may also come from a file: ``NAME_FILE=/run/secrets/name`` (Docker/Kubernetes secrets).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class SettingError(ImproperlyConfigured):
    """A setting in the environment is missing or malformed; the message names it."""

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        super().__init__(f"{name}: {problem}")


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None:
        file_name = os.environ.get(f"{name}_FILE")
        if file_name:
            try:
                value = Path(file_name).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise SettingError(
                    f"{name}_FILE", f"cannot read {file_name}: {exc.strerror}"
                ) from exc
    if value is not None and value.strip() == "":
        return None
    return value


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = _raw(name)
    if value is None:
        if required or default is None:
            raise SettingError(name, "is required but not set (see .env.example)")
        return default
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise SettingError(name, f"expected true or false, got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise SettingError(name, f"expected a whole number, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise SettingError(name, f"must be at least {minimum}, got {number}")
    return number


def env_float(name: str, default: float, *, low: float, high: float) -> float:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = float(value.strip())
    except ValueError:
        raise SettingError(name, f"expected a number, got {value!r}") from None
    if not low <= number <= high:
        raise SettingError(name, f"must be between {low} and {high}, got {number}")
    return number


def env_list(name: str, default: Sequence[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: Sequence[str]) -> str:
    value = env_str(name, default).lower()
    if value not in choices:
        raise SettingError(name, f"must be one of {', '.join(choices)}, got {value!r}")
    return value


_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_SECONDS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"3/15m"`` → ``(3, 900)``: so many requests per so many seconds (s, m, h, d). The same
    notation as django-ratelimit, so one setting reads the same for every throttle."""
    match = _RATE.match(rate.strip())
    if match is None:
        raise ValueError(f"not a rate like 3/15m or 60/h: {rate!r}")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * _SECONDS[unit]


def env_rate(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        parse_rate(value)
    except ValueError:
        raise SettingError(
            name, f"expected a rate like 3/15m (3 per 15 minutes) or 60/h, got {value!r}"
        ) from None
    return value
