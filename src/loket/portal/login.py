"""Logging in to and out of Mijn Loket: DigiD or eHerkenning through the municipality's broker
(OpenID Connect), an e-mailed login link, and the demo's residents.

Thin views: who logged in is ``loket.portal.identity`` (kept in the session only, never a staff
user), the protocol ``loket.portal.oidc``, the login links ``loket.portal.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from loket.lib.params import uuid_param
from loket.parties.models import Person
from loket.portal import forms as pf
from loket.portal import services
from loket.portal.identity import (
    Resident,
    current_resident,
    forget_login,
    remember_login,
    resident_login,
    resident_logout,
)
from loket.tenancy.models import Municipality
from loket.tenancy.requests import MunicipalityRequest
from loket.tenancy.selectors import municipality_for_slug


def _home_url(municipality: Municipality) -> str:
    return reverse("portal:mijn", kwargs={"municipality": municipality.slug})


def _safe_next(request: HttpRequest, municipality: Municipality, value: str | None) -> str:
    """Only a path on this site, inside this municipality's pages; otherwise Mijn Loket."""
    prefix = f"/{municipality.slug}/"
    if (
        value
        and value.startswith(prefix)
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()})
    ):
        return value
    return _home_url(municipality)


def login(request: MunicipalityRequest, municipality: str) -> HttpResponse:
    current = municipality_for_slug(municipality)
    request.municipality = current
    next_url = _safe_next(request, current, request.GET.get("next"))
    if current_resident(request) is not None:
        return redirect(next_url)
    demo_people: list[Person] = []
    if settings.LOKET_DEMO_LOGIN:
        # Residents with requests first: they show the most of Mijn Loket.
        demo_people = list(
            Person.objects.filter(municipality=current)
            .exclude(bsn="")
            .annotate(case_count=Count("cases"))
            .order_by("-case_count", "surname", "first_name")[:8]
        )
    return render(
        request,
        "portal/login.html",
        {
            "next": next_url,
            "oidc": settings.LOKET_OIDC_ENABLED,
            "demo_people": demo_people,
            "email_form": pf.EmailLoginForm(initial={"next": next_url}),
        },
    )


def oidc_start(request: HttpRequest, municipality: str) -> HttpResponse:
    """Off to the municipality's DigiD/eHerkenning broker (OpenID Connect, code flow + PKCE)."""
    from mozilla_django_oidc.views import OIDCAuthenticationRequestView

    current = municipality_for_slug(municipality)
    if not settings.LOKET_OIDC_ENABLED:
        raise Http404("OpenID Connect is not configured")
    request.session["portal_oidc_municipality"] = current.slug
    request.session["portal_oidc_next"] = _safe_next(request, current, request.GET.get("next"))
    # The library is untyped; its view answers with a redirect to the broker.
    response: HttpResponse = OIDCAuthenticationRequestView.as_view()(request)
    return response


def oidc_callback(request: MunicipalityRequest) -> HttpResponse:
    """Back from the broker: check state, nonce and token (mozilla-django-oidc), take the BSN
    or KvK number from the configured claim and start the resident's session."""
    from loket.portal.oidc import OIDCRefused, resident_from_callback

    slug = request.session.get("portal_oidc_municipality", "")
    current = municipality_for_slug(slug) if slug else None
    if current is None:
        raise Http404("no login in progress")
    request.municipality = current
    try:
        resident = resident_from_callback(request)
    except OIDCRefused as refused:
        messages.error(request, str(refused))
        return redirect(reverse("portal:login", kwargs={"municipality": current.slug}))
    next_url = request.session.get("portal_oidc_next") or _home_url(current)
    resident_login(request, resident)
    return remember_login(redirect(_safe_next(request, current, next_url)))


def _login_link_throttled(request: HttpRequest, email: str) -> bool:
    """At most ``LOKET_LOGIN_LINK_RATE_ADDRESS`` login links per address and
    ``LOKET_LOGIN_LINK_RATE_CLIENT`` per client address (django-ratelimit, counted in the shared
    cache): nobody can flood a mailbox, nor send links to many addresses from one place."""
    by_client = is_ratelimited(
        request,
        group="portal-login-link-client",
        key="ip",
        rate=settings.LOKET_LOGIN_LINK_RATE_CLIENT,
        increment=True,
    )
    by_address = is_ratelimited(
        request,
        group="portal-login-link-address",
        key=lambda _group, _request: email.strip().lower(),
        rate=settings.LOKET_LOGIN_LINK_RATE_ADDRESS,
        increment=True,
    )
    return bool(by_client or by_address)


@require_POST
def email_login(request: MunicipalityRequest, municipality: str) -> HttpResponse:
    current = municipality_for_slug(municipality)
    request.municipality = current
    form = pf.EmailLoginForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "portal/login.html",
            {
                "next": _safe_next(request, current, request.POST.get("next")),
                "oidc": settings.LOKET_OIDC_ENABLED,
                "email_form": form,
            },
            status=400,
        )
    email = form.cleaned_data["email"]
    if _login_link_throttled(request, email):
        # The same refusal for any address, known or not: it says nothing about who exists.
        return render(request, "portal/login_limited.html", {"email": email}, status=429)
    services.login_link_send(
        municipality=current,
        email=email,
        next_url=_safe_next(request, current, form.cleaned_data.get("next")),
        build_url=lambda token: request.build_absolute_uri(
            reverse("portal:email_link", kwargs={"municipality": current.slug, "token": token})
        ),
    )
    return render(request, "portal/login_sent.html", {"email": email})


def email_link(request: MunicipalityRequest, municipality: str, token: str) -> HttpResponse:
    """GET shows a button (mail scanners that open links do not log anybody in); POST uses it."""
    current = municipality_for_slug(municipality)
    request.municipality = current
    if request.method != "POST":
        return render(request, "portal/login_link.html", {"token": token})
    link = services.login_link_use(municipality=current, token=token)
    if link is None:
        messages.error(request, _("This login link is no longer valid. Ask for a new one below."))
        return redirect(reverse("portal:login", kwargs={"municipality": current.slug}))
    resident_login(request, Resident(method="email", email=link.email))
    return remember_login(redirect(_safe_next(request, current, link.next_url)))


@require_POST
def demo_login(request: HttpRequest, municipality: str) -> HttpResponse:
    current = municipality_for_slug(municipality)
    if not settings.LOKET_DEMO_LOGIN:
        raise Http404("the demo login is off")
    person = get_object_or_404(
        Person.objects.filter(municipality=current).exclude(bsn=""),
        uuid=uuid_param(request.POST, "person"),
    )
    resident_login(request, Resident(method="demo", bsn=person.bsn, name=person.full_name))
    return remember_login(redirect(_safe_next(request, current, request.POST.get("next"))))


@require_POST
def logout(request: HttpRequest, municipality: str) -> HttpResponse:
    current = municipality_for_slug(municipality)
    resident_logout(request)
    messages.success(request, _("You are logged out."))
    return forget_login(redirect(reverse("portal:home", kwargs={"municipality": current.slug})))
