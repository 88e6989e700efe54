"""Why an appointment service refused; nothing was booked, moved or changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from loket.lib.errors import Refused

if TYPE_CHECKING:
    from loket.appointments.availability import Slot


class AppointmentRefused(Refused):
    code = "appointment-refused"
    status = 422
    default_message: str | Promise = _("This appointment cannot be made.")


class SlotTaken(AppointmentRefused):
    """Someone else booked the last place a moment earlier; ``alternatives`` are the next free
    slots, so the page (or API client) can offer them at once."""

    code = "slot-taken"
    status = 409
    default_message = _("Someone else just booked this time. Choose one of the next free times.")

    def __init__(self, alternatives: list[Slot]) -> None:
        self.alternatives = alternatives
        super().__init__()


class OverLimit(AppointmentRefused):
    code = "appointment-limit"
    status = 409


class TokenRefused(AppointmentRefused):
    """A cancel or move link that is unknown, used, or past its appointment."""

    code = "token-refused"
    status = 410


class CounterRefused(Refused):
    code = "counter-refused"
    status = 409
