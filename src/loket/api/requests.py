"""The API's request, typed: who is asking is a staff ``User``.

DRF types ``request.user`` as ``User | AnonymousUser``. Every view of the API except the public
ones (``AllowAny``: the wegwijzer, the document) runs behind ``IsAuthenticated`` (the default
permission, ``REST_FRAMEWORK`` in the settings), and both ways in (a token, the session) belong to
a staff ``User``; so those views take a ``StaffApiRequest`` and pass ``request.user`` to the
services as the actor without a cast. Only a type: at run time the request is DRF's own
``Request``; the annotation adds no attribute and no check.
"""

from __future__ import annotations

from rest_framework.request import Request

from loket.accounts.models import User


class StaffApiRequest(Request):
    """A request that ``IsAuthenticated`` has let through: ``user`` is a staff user."""

    user: User
