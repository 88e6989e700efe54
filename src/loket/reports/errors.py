"""Why a report service refused; nothing was stored or changed."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from loket.lib.errors import Refused


class ReportRefused(Refused):
    code = "report-refused"
    status = 422
    default_message: str | Promise = _("This report cannot be made.")


class OutsideArea(ReportRefused):
    """The point lies outside every municipality this site (or this API client) serves."""

    code = "outside-area"
    default_message = _(
        "This place is outside our municipality. Report it to the municipality where it is."
    )


class PhotoRefused(ReportRefused):
    code = "photo-refused"
    default_message = _("This file is not a photo we can use.")
