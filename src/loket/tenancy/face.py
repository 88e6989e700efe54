"""A municipality's face to residents: name, logo, how to reach it and when.

Each value is the municipality's own, else its service organisation's (seed 002: the shared
organisation runs the phone line and the counters for its members unless a member has its own).
Built from the municipality row and its ``service_organisation`` (select_related by
``municipality_for_slug``), so showing it on every page costs no query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.lib.calendar import holidays
from loket.lib.i18n import current_language
from loket.tenancy import hours as h

if TYPE_CHECKING:
    from loket.tenancy.models import Municipality


@dataclass(frozen=True)
class DayHours:
    weekday: int
    name: str
    text: str
    is_today: bool


@dataclass(frozen=True)
class Face:
    name: str
    phone: str
    email: str
    website: str
    visiting_address: list[str]
    postal_address: list[str]
    opening_hours: dict[str, Any]
    counter_by_appointment: bool
    logo_url: str
    contact_text_nl: str
    contact_text_en: str

    @property
    def phone_href(self) -> str:
        """``tel:140123``: what a phone dials."""
        return "tel:" + re.sub(r"[^0-9+]", "", self.phone)

    @property
    def visiting_one_line(self) -> str:
        return ", ".join(self.visiting_address)

    @property
    def postal_one_line(self) -> str:
        return ", ".join(self.postal_address)

    @property
    def contact_text(self) -> str:
        language = current_language()
        return (self.contact_text_en if language == "en" else "") or self.contact_text_nl

    @property
    def contact_paragraphs(self) -> list[str]:
        return [p.strip() for p in self.contact_text.split("\n\n") if p.strip()]

    def summary(self, channel: str) -> str:
        return h.summary(self.opening_hours, channel)

    @property
    def phone_hours(self) -> str:
        return self.summary(h.PHONE)

    @property
    def counter_hours(self) -> str:
        return self.summary(h.COUNTER)

    def week(self, channel: str, today: dt.date | None = None) -> list[DayHours]:
        """Every weekday with its hours, today marked; empty when the channel has no hours."""
        if not self.opening_hours.get(channel):
            return []
        today = today or timezone.localdate()
        return [
            DayHours(
                weekday=weekday,
                name=h.day_name(weekday),
                text=h.spans_text(h.intervals(self.opening_hours, channel, weekday)),
                is_today=weekday == today.weekday(),
            )
            for weekday in range(7)
        ]

    @property
    def phone_week(self) -> list[DayHours]:
        return self.week(h.PHONE)

    @property
    def counter_week(self) -> list[DayHours]:
        return self.week(h.COUNTER)

    def today(self, channel: str, today: dt.date | None = None) -> str:
        """``8.30-17.00``, ``closed`` or ``closed (Koningsdag)``; empty without hours."""
        if not self.opening_hours.get(channel):
            return ""
        today = today or timezone.localdate()
        holiday = holidays(today.year).get(today)
        if holiday:
            return _("closed (%(holiday)s)") % {"holiday": holiday}
        return h.spans_text(h.intervals(self.opening_hours, channel, today.weekday()))

    @property
    def phone_today(self) -> str:
        return self.today(h.PHONE)

    @property
    def counter_today(self) -> str:
        return self.today(h.COUNTER)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def logo_of(municipality: Municipality) -> FieldFile | None:
    """The logo residents see: the municipality's, else its service organisation's."""
    if municipality.logo:
        return municipality.logo
    organisation = municipality.service_organisation
    if organisation is not None and organisation.logo:
        return organisation.logo
    return None


def face_of(municipality: Municipality) -> Face:
    """The municipality's contact details, each falling back to its service organisation's."""
    organisation = municipality.service_organisation

    def pick(field: str) -> Any:
        own = getattr(municipality, field)
        if own or organisation is None:
            return own
        return getattr(organisation, field)

    opening = dict(organisation.opening_hours) if organisation is not None else {}
    opening.update(municipality.opening_hours or {})  # per channel: the municipality's own
    logo = logo_of(municipality)
    logo_url = ""
    if logo:
        # Served by the portal (loket.portal.views.logo) from whatever storage holds it; the
        # file name in the query string makes a new logo a new address for browser caches.
        version = hashlib.sha256((logo.name or "").encode()).hexdigest()[:12]
        logo_url = reverse("portal:logo", kwargs={"municipality": municipality.slug})
        logo_url += f"?v={version}"
    return Face(
        name=municipality.name,
        phone=pick("phone"),
        email=pick("email"),
        website=pick("website"),
        visiting_address=_lines(pick("visiting_address")),
        postal_address=_lines(pick("postal_address")),
        opening_hours=opening,
        counter_by_appointment=bool(pick("counter_by_appointment")),
        logo_url=logo_url,
        contact_text_nl=pick("contact_text_nl"),
        contact_text_en=pick("contact_text_en"),
    )
