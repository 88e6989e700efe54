"""Mijn Loket's preferences page: how the resident wants to hear from the municipality, in
which language, and the mobile number for text messages.

Thin view: ``loket.portal.services.preferences_save`` checks and stores them on the person.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from loket.cases.errors import CaseRefused
from loket.lib.identifiers import format_phone
from loket.portal import forms as pf
from loket.portal import services
from loket.portal.identity import PortalRequest, Resident, resident_required
from loket.tenancy.models import Municipality


@resident_required
def preferences(
    request: PortalRequest, municipality: Municipality, resident: Resident
) -> HttpResponse:
    person = resident.person(municipality)
    initial = {
        "channel": (person.preferred_channel if person else "") or "e-mail",
        "language": person.language if person else "nl",
        "phone": format_phone(person.phone) if person and person.phone else "",
    }
    form = pf.PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_save(
                municipality=municipality,
                resident=resident,
                channel=form.cleaned_data["channel"],
                language=form.cleaned_data["language"],
                phone=form.cleaned_data["phone"],
            )
        except CaseRefused as refused:
            form.add_error("phone", str(refused.message))
        else:
            messages.success(request, _("Your preferences were saved."))
            response = redirect("portal:mijn_preferences", municipality=municipality.slug)
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                form.cleaned_data["language"],
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
            return response
    return render(
        request,
        "portal/mijn_preferences.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
