"""The counter figures page (issue 14, "Figures"): waiting time, punctuality, no-shows, bookings
per channel, utilisation per desk and days until the first free time, for one municipality (or
one of its locations) over a period, each with what it counts.

Only for staff whose role may see figures (``figures``) in the municipality shown: without it in
any municipality a 403, another municipality's figures a 404. The numbers come from
``loket.appointments.figures``; this view only reads the period and the scope.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loket.accounts.permissions import Action, permitted
from loket.accounts.requests import StaffRequest
from loket.appointments.figures import Scope, appointment_figures, scope_locations
from loket.appointments.models import Location
from loket.lib.calendar import local_date
from loket.lib.params import text_param
from loket.tenancy.models import Municipality
from loket.tenancy.selectors import municipalities_for_staff

DEFAULT_DAYS = 28  # the last four weeks, today included
LONGEST = 366  # a longer period is refused: a year is the most a steering table needs


def _date_field(label: Any) -> forms.DateField:
    # An <input type="date"> takes ISO dates only, whatever the language.
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class FiguresForm(forms.Form):
    municipality = forms.ChoiceField(label=gettext_lazy("Municipality"))
    location = forms.ChoiceField(label=gettext_lazy("Location"), required=False)
    start = _date_field(gettext_lazy("From"))
    end = _date_field(gettext_lazy("Up to and including"))

    def __init__(
        self, *args: Any, municipalities: list[Municipality], locations: list[Location], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        choices = self.fields["municipality"]
        assert isinstance(choices, forms.ChoiceField)
        choices.choices = [(m.slug, m.name) for m in municipalities]
        places = self.fields["location"]
        assert isinstance(places, forms.ChoiceField)
        places.choices = [("", _("All locations"))] + [(str(p.uuid), p.name) for p in locations]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, date) and isinstance(end, date):
            if end < start:
                self.add_error("end", _("Choose a day on or after the first day."))
            elif (end - start).days >= LONGEST:
                self.add_error(
                    "end", _("Choose a period of at most %(days)d days.") % {"days": LONGEST}
                )
            elif start.year < 2000 or end.year > 2100:
                self.add_error("start", _("Choose a period between 2000 and 2100."))
        return data


@login_required
def figures(request: StaffRequest) -> HttpResponse:
    user = request.user
    allowed = [
        municipality
        for municipality in municipalities_for_staff(user).order_by("name")
        if permitted(user, Action.FIGURES, municipality)
    ]
    if not allowed:
        raise PermissionDenied(_("Your role does not allow you to see figures."))
    slug = text_param(request.GET, "municipality", max_length=100)
    municipality = next((m for m in allowed if m.slug == slug), None) if slug else allowed[0]
    if municipality is None:  # another municipality's, or one where the role sees no figures
        raise Http404
    locations = scope_locations(Scope(municipality))
    today = local_date(timezone.now())
    data = {
        "municipality": municipality.slug,
        "location": request.GET.get("location", ""),
        "start": request.GET.get("start") or (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat(),
        "end": request.GET.get("end") or today.isoformat(),
    }
    form = FiguresForm(data, municipalities=allowed, locations=locations)
    result = None
    location = None
    if form.is_valid():
        chosen = form.cleaned_data["location"]
        location = next((p for p in locations if str(p.uuid) == chosen), None)
        result = appointment_figures(
            Scope(municipality, location),
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
        )
    return render(
        request,
        "workbench/counter_figures.html",
        {
            "form": form,
            "figures": result,
            "municipality": municipality,
            "location": location,
        },
    )
