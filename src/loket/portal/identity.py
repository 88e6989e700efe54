"""Who is logged in to Mijn Loket, and what they may see.

Residents are not staff users: their login lives only in the session (``SESSION_KEY``), so a
resident can never reach the workbench or the API. The identity is what the login proved:

* ``digid`` (OpenID Connect via the municipality's broker): a BSN;
* ``eherkenning``: a KvK number;
* ``email`` (a login link): an e-mail address. This is a lower assurance level, so it only ever
  reaches persons registered *without* a BSN (people who applied with that e-mail login);
* ``demo``: a BSN picked from the demo residents (only when ``LOKET_DEMO_LOGIN`` is on).

A login ends after ``LOKET_PORTAL_IDLE_MINUTES`` without a request.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Concatenate, ParamSpec, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.cases.models import Case
from loket.contacts.models import Contact
from loket.parties.models import Organisation, Person
from loket.tenancy.models import Municipality
from loket.tenancy.requests import MunicipalityRequest
from loket.tenancy.selectors import municipality_for_slug

SESSION_KEY = "loket_resident"
# Set at login, removed at logout: tells "your login expired" apart from "not logged in yet"
# after the whole session is gone. Holds nothing about the person.
WAS_LOGGED_IN_COOKIE = "loket_was_logged_in"


@dataclass(frozen=True)
class Resident:
    method: str
    bsn: str = ""
    kvk: str = ""
    email: str = ""
    name: str = ""

    @property
    def key(self) -> str:
        """A stable, non-reversible id of this identity (owner of draft uploads, idempotency)."""
        raw = f"{self.method}:{self.bsn}:{self.kvk}:{self.email.lower()}:{settings.SECRET_KEY}"
        return hashlib.sha256(raw.encode()).hexdigest()

    def person(self, municipality: Municipality) -> Person | None:
        if self.bsn:
            return Person.objects.filter(municipality=municipality, bsn=self.bsn).first()
        if self.email:
            return (
                Person.objects.filter(municipality=municipality, bsn="", email__iexact=self.email)
                .order_by("pk")
                .first()
            )
        return None

    def organisation(self, municipality: Municipality) -> Organisation | None:
        if not self.kvk:
            return None
        return Organisation.objects.filter(municipality=municipality, kvk_number=self.kvk).first()

    def cases(self, municipality: Municipality) -> QuerySet[Case]:
        """Every case this resident may see in ``municipality``: the only way portal views
        reach cases, so a guessed identifier of somebody else's case is a 404."""
        cases = Case.objects.filter(municipality=municipality)
        if self.bsn:
            return cases.filter(initiator_person__bsn=self.bsn)
        if self.kvk:
            return cases.filter(initiator_organisation__kvk_number=self.kvk)
        if self.email:
            return cases.filter(
                initiator_person__bsn="", initiator_person__email__iexact=self.email
            )
        return cases.none()

    def contacts(self, municipality: Municipality) -> QuerySet[Contact]:
        person = self.person(municipality)
        organisation = self.organisation(municipality)
        if person is None and organisation is None:
            return Contact.objects.none()
        if person is not None:
            return Contact.objects.filter(municipality=municipality, person=person)
        return Contact.objects.filter(municipality=municipality, organisation=organisation)


class PortalRequest(MunicipalityRequest):
    """A request of Mijn Loket behind ``resident_required``: the municipality its path names and
    the resident who is logged in. Only a type, like ``MunicipalityRequest``: the decorator sets
    both attributes before the view runs."""

    resident: Resident


def resident_login(request: HttpRequest, resident: Resident) -> None:
    """Start a resident session. The session id changes (no session fixation)."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = {**asdict(resident), "seen": timezone.now().isoformat()}


def remember_login(response: HttpResponse) -> HttpResponse:
    response.set_cookie(
        WAS_LOGGED_IN_COOKIE,
        "1",
        max_age=30 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def forget_login(response: HttpResponse) -> HttpResponse:
    response.delete_cookie(WAS_LOGGED_IN_COOKIE, samesite="Lax")
    return response


def resident_logout(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def _session_resident(request: HttpRequest) -> tuple[Resident | None, bool]:
    """The logged-in resident (or None), and whether a login has just ended for being idle: it
    is removed then, and ``resident_required`` says so on the way to the login page."""
    data = request.session.get(SESSION_KEY)
    if not data:
        return None, False
    seen = dt.datetime.fromisoformat(data["seen"])
    now = timezone.now()
    if now - seen > dt.timedelta(minutes=settings.LOKET_PORTAL_IDLE_MINUTES):
        request.session.pop(SESSION_KEY, None)
        return None, True
    if now - seen > dt.timedelta(seconds=30):  # do not write the session on every request
        request.session[SESSION_KEY] = {**data, "seen": now.isoformat()}
    fields = {k: v for k, v in data.items() if k != "seen"}
    return Resident(**fields), False


def current_resident(request: HttpRequest) -> Resident | None:
    """The logged-in resident, or None. An idle login has ended: it is removed."""
    return _session_resident(request)[0]


def login_url(municipality: Municipality, next_url: str) -> str:
    return (
        reverse("portal:login", kwargs={"municipality": municipality.slug})
        + "?"
        + urlencode({"next": next_url})
    )


P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)


def resident_required(
    view: Callable[Concatenate[PortalRequest, Municipality, Resident, P], R],
) -> Callable[..., R | HttpResponseRedirect]:
    """Views of Mijn Loket. Without a login: to the login page, and back here afterwards.
    The view gets the municipality of the path and the resident, as arguments and as
    ``request.municipality`` and ``request.resident`` (a ``PortalRequest``). Django's URL
    resolver calls the result with the path's ``municipality`` slug (``Callable[...]``: it
    passes the path's values by keyword, which a precise ``Concatenate`` cannot say)."""

    @functools.wraps(view)
    def wrapper(
        request: PortalRequest, municipality: str, *args: P.args, **kwargs: P.kwargs
    ) -> R | HttpResponseRedirect:
        current = municipality_for_slug(municipality)
        request.municipality = current
        resident, expired = _session_resident(request)
        if resident is None:
            if expired or request.COOKIES.get(WAS_LOGGED_IN_COOKIE):
                messages.info(
                    request,
                    _(
                        "You were logged out because you were inactive for a while. Log in again"
                        " to continue where you were."
                    ),
                )
            target = request.get_full_path() if request.method == "GET" else request.path
            return redirect(login_url(current, target))
        request.resident = resident
        return view(request, current, resident, *args, **kwargs)

    return wrapper
