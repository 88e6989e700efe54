"""Opening hours as data: per channel (phone, counter) and weekday, a list of intervals.

Stored on the municipality (and on its service organisation, the default) as
``{"telefoon": {"mon": ["08:30-17:00"], ...}, "balie": {"thu": ["09:00-12:30", "18:00-20:00"]}}``:
one row that every resident page already reads, so the footer costs no query. A day that is not
listed is closed. Shown as people write it: "ma-vr 8.30-17.00".
"""

from __future__ import annotations

import datetime as dt
import re
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from loket.lib.i18n import current_language

PHONE = "telefoon"
COUNTER = "balie"
CHANNELS = {PHONE: gettext_lazy("phone"), COUNTER: gettext_lazy("counter")}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = date.weekday()

Interval = tuple[dt.time, dt.time]
_INTERVAL = re.compile(r"^\s*(\d{1,2})[.:](\d{2})\s*[-\N{EN DASH}]\s*(\d{1,2})[.:](\d{2})\s*$")


def parse_intervals(text: str) -> list[str]:
    """``"8.30-12.30, 13:00 - 17:00"`` -> ``["08:30-12:30", "13:00-17:00"]``; empty: closed.
    ValueError with a message for residents' administrators when it cannot be read."""
    result: list[Interval] = []
    for part in (p for p in re.split(r"[,;]", text) if p.strip()):
        match = _INTERVAL.match(part)
        if match is None:
            raise ValueError(
                _("“%(part)s” is not a time span such as 8.30-17.00.") % {"part": part.strip()}
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            start, end = dt.time(h1, m1), dt.time(h2, m2)
        except ValueError:
            raise ValueError(
                _("“%(part)s” is not a time of day.") % {"part": part.strip()}
            ) from None
        if start >= end:
            raise ValueError(_("“%(part)s” ends before it starts.") % {"part": part.strip()})
        result.append((start, end))
    result.sort()
    for (_a, end), (start, _b) in pairwise(result):
        if start < end:
            raise ValueError(_("The times overlap."))
    return [f"{a:%H:%M}-{b:%H:%M}" for a, b in result]


def validate_opening_hours(value: Any) -> None:
    if not isinstance(value, dict):
        raise ValidationError(_("Opening hours must be an object per channel."))
    for channel, days in value.items():
        if channel not in CHANNELS or not isinstance(days, dict):
            raise ValidationError(_("Unknown channel “%(channel)s”.") % {"channel": channel})
        for day, spans in days.items():
            if day not in DAYS or not isinstance(spans, list):
                raise ValidationError(_("Unknown weekday “%(day)s”.") % {"day": day})
            try:
                normal = parse_intervals(", ".join(str(s) for s in spans))
            except ValueError as exc:
                raise ValidationError(str(exc)) from exc
            if normal != spans:
                raise ValidationError(
                    _("Write the hours of %(day)s as HH:MM-HH:MM, in order.") % {"day": day}
                )


def intervals(hours: dict[str, Any], channel: str, weekday: int) -> list[Interval]:
    spans = (hours.get(channel) or {}).get(DAYS[weekday]) or []
    result = []
    for span in spans:
        start, end = span.split("-")
        result.append((dt.time.fromisoformat(start), dt.time.fromisoformat(end)))
    return result


def clock(value: dt.time) -> str:
    """``8.30`` in Dutch, ``8:30`` in English."""
    separator = "." if current_language() == "nl" else ":"
    return f"{value.hour}{separator}{value.minute:02d}"


def spans_text(spans: list[Interval]) -> str:
    """``8.30-12.30 en 13.00-17.00``; empty: closed."""
    if not spans:
        return pgettext("opening hours", "closed")
    parts = [f"{clock(a)}\N{EN DASH}{clock(b)}" for a, b in spans]
    if len(parts) == 1:
        return parts[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def day_abbr(weekday: int) -> str:
    return str(WEEKDAYS_ABBR[weekday]).lower()


def day_name(weekday: int) -> str:
    return str(WEEKDAYS[weekday])


def day_name_lazy(weekday: int) -> Any:
    return WEEKDAYS[weekday]


def summary(hours: dict[str, Any], channel: str) -> str:
    """``ma-vr 8.30-17.00`` / ``ma-wo 9.00-12.30; do 9.00-12.30 en 18.00-20.00``: consecutive days
    with the same hours together; closed days left out. Empty when the channel has no hours."""
    groups: list[tuple[int, int, list[Interval]]] = []
    for weekday in range(7):
        spans = intervals(hours, channel, weekday)
        if groups and groups[-1][2] == spans and groups[-1][1] == weekday - 1:
            groups[-1] = (groups[-1][0], weekday, spans)
        else:
            groups.append((weekday, weekday, spans))
    parts = []
    for first, last, spans in groups:
        if not spans:
            continue
        days = day_abbr(first) if first == last else f"{day_abbr(first)}\N{EN DASH}{day_abbr(last)}"
        parts.append(f"{days} {spans_text(spans)}")
    return "; ".join(parts)
