"""The staff side's request, typed: who is asking is a staff ``User``.

Django types ``request.user`` as ``User | AnonymousUser``. Behind ``login_required`` (the
workbench) it is always a ``User``, so a view there takes a ``StaffRequest`` instead of an
``HttpRequest`` and reads ``request.user`` as the actor without a cast. Only a type: at run time
the request is Django's own ``HttpRequest``; the annotation adds no attribute and no check.
"""

from __future__ import annotations

from django.http import HttpRequest

from loket.accounts.models import User


class StaffRequest(HttpRequest):
    """A request that ``login_required`` has let through: ``user`` is a logged-in staff user."""

    user: User
