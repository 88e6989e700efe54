"""The one shape of a refusal by a service: a message for people (translated lazily), a stable
``code`` the API puts in its problem document, an HTTP status, and optionally the form field
the message belongs to. Nothing was changed when a service raises one."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Refused(Exception):  # noqa: N818 - "refused" reads better than "error" here
    code = "refused"
    status = 409
    default_message: str | Promise = _("This is not allowed.")

    def __init__(self, message: str | Promise | None = None, *, field: str | None = None) -> None:
        self.message = message or self.default_message
        self.field = field
        super().__init__(str(self.message))
