"""The resident's side of public-space reports (issue 15): report on the map, follow, answer
"Is het opgelost?", and the public map. Views only translate; the rules are in
``loket.reports.services``.

Reporting takes three requests, and works without JavaScript:

1. ``/melden``: the form. The place is a pin on the map (hidden latitude and longitude, set by
   ``reports-map.js``) or, without JavaScript, an address the server looks up (several matches:
   the resident chooses one). What can be checked at the edge is checked here (an address we
   know, a place inside a municipality this site serves, photos that are images), so the
   resident hears it on the form, before the check step.
2. ``/melden/controleren``: what will be sent, the category suggested from the description when
   none was chosen, and the open reports of the same category nearby, each with "Volg deze
   melding"; "Nee, ik meld iets anders" sends the new one (``report_create``).
3. ``/melden/ontvangen``: the reference, and the link to follow it.

The photos wait between these steps as the cleaned JPEG bytes (``clean_photo``: an image,
scaled, without EXIF/GPS) in the shared cache (Redis in production), under a random key the
session holds, for an hour. The session itself stays small, nothing unchecked is kept, a reload
or the back button keeps them, and nothing is written to the file store before the report is
made; an abandoned draft expires by itself.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loket.catalogue.models import StatusStep
from loket.lib.errors import Refused
from loket.lib.geo import Point, rounded
from loket.lib.params import text_param
from loket.lib.phone import clean_phone
from loket.parties.models import Person
from loket.portal import identity
from loket.portal.identity import PortalRequest, Resident, resident_required
from loket.reports import geocoding
from loket.reports.errors import ReportRefused
from loket.reports.models import Boundary, Category, Follower, Report
from loket.reports.photos import MAX_PHOTOS, clean_photo
from loket.reports.services import (
    DESCRIPTION_LIMIT,
    REPORT_PRODUCT,
    Nearby,
    categories_of,
    follow_url,
    follower_by_token,
    municipality_at,
    nearby_reports,
    parse_point,
    public_reports,
    report_answer,
    report_create,
    report_follow,
    report_unfollow,
    reporter_of,
    served_municipalities,
    suggest_category,
)
from loket.tenancy.models import Municipality
from loket.tenancy.requests import MunicipalityRequest
from loket.tenancy.selectors import municipality_for_slug

DRAFT_KEY = "loket_report_draft"
DONE_KEY = "loket_report_done"
PHOTO_SECONDS = 3600  # a draft's photos wait in the cache for an hour
PUBLIC_SHOWN = 500  # the public map shows the latest reports, and says how many in all
SOLVED_DAYS = 30


def _enter(request: MunicipalityRequest, municipality: str) -> Municipality:
    current = municipality_for_slug(municipality)
    request.municipality = current
    return current


def _url(name: str, municipality: Municipality, **kwargs: Any) -> str:
    return reverse(name, kwargs={"municipality": municipality.slug, **kwargs})


# --- who is reporting ------------------------------------------------------------------------


@dataclass(frozen=True)
class Reporter:
    """A logged-in resident's person record and proven e-mail address (both optional)."""

    person: Person | None = None
    email: str = ""

    @classmethod
    def of(cls, request: HttpRequest, municipality: Municipality) -> Reporter:
        resident = identity.current_resident(request)
        if resident is None:
            return cls()
        return cls(
            person=resident.person(municipality),
            email=resident.email if resident.method == "email" else "",
        )

    def initial(self) -> dict[str, str]:
        person = self.person
        return {
            "email": (person.email if person else "") or self.email,
            "phone": person.phone if person else "",
        }


# --- the map's configuration -----------------------------------------------------------------


def _areas(municipalities: list[Municipality]) -> dict[str, Any]:
    """The boundaries as one GeoJSON FeatureCollection, for the map to show and zoom to."""
    features = [
        {"type": "Feature", "properties": {"name": b.municipality.name}, "geometry": b.geojson}
        for b in Boundary.objects.filter(municipality__in=municipalities).select_related(
            "municipality"
        )
    ]
    return {"type": "FeatureCollection", "features": features}


def _map(municipalities: list[Municipality]) -> dict[str, Any]:
    return {
        "tiles": settings.LOKET_MAP_TILES,
        "attribution": settings.LOKET_MAP_ATTRIBUTION,
        "areas": _areas(municipalities),
    }


# --- the form --------------------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


def _category_choices(municipality: Municipality) -> list[tuple[str, Any]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for category in categories_of(municipality):
        main = category.parent.name if category.parent else ""
        groups.setdefault(main, []).append((category.code, category.name))
    return [("", _("Choose…")), *groups.items()]


def _attribute_name(category: Category, code: str) -> str:
    return f"attr-{category.code}-{code}"


def _question_text(question: dict[str, Any]) -> str:
    language = translation.get_language() or "nl"
    key = "description_en" if language.startswith("en") else "description_nl"
    return str(question.get(key) or question.get("description_nl") or question.get("code", ""))


def _option_text(option: dict[str, Any]) -> str:
    language = translation.get_language() or "nl"
    key = "name_en" if language.startswith("en") else "name_nl"
    return str(option.get(key) or option.get("name_nl") or option.get("key", ""))


class ReportForm(forms.Form):
    adres = forms.CharField(
        label=gettext_lazy("Address"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Street and house number, or postcode and house number."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    latitude = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    description = forms.CharField(
        label=gettext_lazy("What is wrong?"),
        max_length=DESCRIPTION_LIMIT,
        help_text=gettext_lazy("Describe the problem in a few words (at most 1000 characters)."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Describe the problem in a few words.")},
    )
    category = forms.ChoiceField(label=gettext_lazy("What kind of problem is it?"), required=False)
    # Read from request.FILES by the view (several files; each checked by ``clean_photo``).
    photos = forms.Field(
        label=gettext_lazy("Photos"),
        required=False,
        help_text=gettext_lazy("At most 3 photos (JPG, PNG or WEBP)."),
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail address for updates"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Mobile number for updates"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.categories = list(categories_of(municipality))
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _category_choices(municipality)
        self.questions: list[tuple[Category, dict[str, Any], str]] = []
        for category in self.categories:
            for question in category.attributes:
                code = str(question.get("code", ""))
                name = _attribute_name(category, code)
                values = question.get("values") or []
                label = _question_text(question)
                if values:
                    self.fields[name] = forms.ChoiceField(
                        label=label,
                        required=False,
                        choices=[(str(v.get("key")), _option_text(v)) for v in values],
                        widget=forms.RadioSelect,
                    )
                else:
                    self.fields[name] = forms.CharField(label=label, required=False, max_length=200)
                self.questions.append((category, question, name))

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("category", "")
        for category, question, name in self.questions:
            if category.code == chosen and question.get("required") and not data.get(name):
                self.add_error(
                    name,
                    _("Answer the question “%(question)s”.")
                    % {"question": _question_text(question)},
                )
        return data

    def answers(self, code: str) -> dict[str, str]:
        return {
            str(question.get("code")): str(self.cleaned_data.get(name) or "")
            for category, question, name in self.questions
            if category.code == code and self.cleaned_data.get(name)
        }

    def question_groups(self) -> list[tuple[Category, list[forms.BoundField]]]:
        groups: dict[int, tuple[Category, list[forms.BoundField]]] = {}
        for category, _question, name in self.questions:
            groups.setdefault(category.pk, (category, []))[1].append(self[name])
        return list(groups.values())

    def field_for(self, refused_field: str, category: str) -> str:
        """The form field a service refusal's ``field`` names (``attribute[code]`` is the
        question of the chosen category)."""
        if refused_field.startswith("attribute[") and refused_field.endswith("]"):
            code = refused_field[len("attribute[") : -1]
            for found, question, name in self.questions:
                if found.code == category and str(question.get("code")) == code:
                    return name
        if refused_field == "location":
            return "adres"
        return refused_field if refused_field in self.fields else ""


# --- the draft: what was filled in, and the photos in the cache ------------------------------


def _draft(
    request: HttpRequest, municipality: Municipality, *, complete: bool = False
) -> dict[str, Any] | None:
    """This site's draft; with ``complete``, only one the form accepted (the check step's)."""
    draft = request.session.get(DRAFT_KEY)
    if not isinstance(draft, dict) or draft.get("site") != municipality.slug:
        return None
    if complete and not draft.get("complete"):
        return None
    return draft


def _photo_key(draft_key: str, number: int) -> str:
    return f"report-draft:{draft_key}:{number}"


def _keep_photos(draft_key: str, photos: list[Any]) -> None:
    for number, photo in enumerate(photos):
        cache.set(
            _photo_key(draft_key, number),
            {"content": photo.content, "width": photo.width, "height": photo.height},
            timeout=PHOTO_SECONDS,
        )


def _held_photos(draft: dict[str, Any]) -> list[ContentFile[bytes]] | None:
    """The draft's photos as files, or None when one has expired."""
    found = []
    for number in range(int(draft.get("photos", 0))):
        kept = cache.get(_photo_key(draft["key"], number))
        if not isinstance(kept, dict):
            return None
        found.append(ContentFile(kept["content"], name=f"{number + 1}.jpg"))
    return found


def _drop_draft(request: HttpRequest, draft: dict[str, Any]) -> None:
    cache.delete_many([_photo_key(draft["key"], n) for n in range(MAX_PHOTOS)])
    request.session.pop(DRAFT_KEY, None)


@dataclass(frozen=True)
class Match:
    label: str
    value: str  # "latitude,longitude"


def _point_from(value: str) -> Point | None:
    try:
        latitude, longitude = value.split(",", 1)
        return parse_point(latitude, longitude)
    except (ValueError, ReportRefused):
        return None


def _place(
    form: ReportForm, request: HttpRequest, served: list[Municipality]
) -> tuple[Point | None, str, list[Match]]:
    """The point the form names, the address label when one was looked up, and the matches to
    choose from when an address matched several; adds the error to the form when it cannot."""
    data = form.cleaned_data
    if data.get("latitude") or data.get("longitude"):
        try:
            return parse_point(data.get("latitude"), data.get("longitude")), "", []
        except (ReportRefused, ValueError):
            form.add_error("adres", _("Place the pin on the map or fill in an address."))
            return None, "", []
    chosen = text_param(request.POST, "plek", max_length=60)
    if chosen:
        point = _point_from(chosen)
        if point is not None:
            return point, data.get("adres", ""), []
    query = data.get("adres", "")
    if not query:
        form.add_error("adres", _("Place the pin on the map or fill in an address."))
        return None, "", []
    found = geocoding.search(query, served)
    if not found:
        form.add_error(
            "adres",
            _("We cannot find the address “%(address)s”. Check it, or place the pin on the map.")
            % {"address": query},
        )
        return None, "", []
    if len(found) > 1:
        exact = [f for f in found if f.label.lower() == query.lower()]
        if len(exact) != 1:
            matches = [Match(f.label, f"{f.point.latitude},{f.point.longitude}") for f in found]
            form.add_error("adres", _("Several addresses match. Choose the one you mean."))
            return None, "", matches
        found = exact
    return found[0].point, found[0].label, []


def _form_page(
    request: HttpRequest,
    municipality: Municipality,
    form: ReportForm,
    *,
    draft: dict[str, Any] | None = None,
    matches: list[Match] | None = None,
    status: int = 200,
) -> HttpResponse:
    served = served_municipalities(municipality)
    return render(
        request,
        "portal/reports/form.html",
        {
            "form": form,
            "map": _map(served),
            "matches": matches or [],
            "held_photos": int(draft.get("photos", 0)) if draft else 0,
            "reporter": Reporter.of(request, municipality),
            "max_photos": MAX_PHOTOS,
        },
        status=status,
    )


def _draft_data(draft: dict[str, Any]) -> dict[str, Any]:
    """The draft as the form's data, to show it again."""
    data = {
        "adres": draft.get("adres", ""),
        "latitude": str(draft["point"][0]),
        "longitude": str(draft["point"][1]),
        "description": draft.get("description", ""),
        "category": draft.get("category", ""),
        "email": draft.get("email", ""),
        "phone": draft.get("phone", ""),
    }
    for code, value in draft.get("attributes", {}).items():
        data[f"attr-{draft.get('category', '')}-{code}"] = value
    return data


def old_form(request: MunicipalityRequest, municipality: str) -> HttpResponse:
    """The address of the application form reports once had: the report form now."""
    return redirect(_url("portal:report_form", _enter(request, municipality)), permanent=True)


def report_form(request: MunicipalityRequest, municipality: str) -> HttpResponse:
    """The report form; a valid one is kept as the draft and the check step follows."""
    current = _enter(request, municipality)
    draft = _draft(request, current)
    if request.method != "POST":
        reporter = Reporter.of(request, current)
        if draft is not None and draft.get("complete") and request.GET.get("wijzigen"):
            form = ReportForm(_draft_data(draft), municipality=current)
            form.is_valid()
            form.errors.clear()
            return _form_page(request, current, form, draft=draft)
        if draft is not None:  # a new report: the old draft's photos go
            _drop_draft(request, draft)
        return _form_page(
            request, current, ReportForm(initial=reporter.initial(), municipality=current)
        )
    form = ReportForm(request.POST, request.FILES, municipality=current)
    served = served_municipalities(current)
    valid = form.is_valid()
    # The place is checked also when another field has an error: every problem at once.
    point, label, matches = _place(form, request, served)
    if point is not None:
        try:
            municipality_at(point, served)
        except ReportRefused as refused:
            form.add_error("adres", str(refused.message))
            point = None
    # The photos: new ones replace those held (also when another field has an error, so they
    # need not be chosen again); each must be an image we can use.
    kept: dict[str, Any] = {"site": current.slug, "key": secrets.token_hex(16), "photos": 0}
    if draft is not None:
        kept.update(key=draft["key"], photos=int(draft.get("photos", 0)))
    uploads = [upload for upload in request.FILES.getlist("photos") if upload.size]
    if len(uploads) > MAX_PHOTOS:
        form.add_error("photos", _("Add at most %(count)s photos.") % {"count": MAX_PHOTOS})
    elif uploads:
        try:
            cleaned = [clean_photo(upload) for upload in uploads]
        except ReportRefused as refused:
            form.add_error("photos", str(refused.message))
        else:
            _keep_photos(kept["key"], cleaned)
            kept["photos"] = len(cleaned)
    category = form.cleaned_data.get("category", "") if valid else ""
    suggested = False
    if valid and not category and point is not None:
        found = suggest_category(current, form.cleaned_data.get("description", ""))
        if found is None:
            form.add_error("category", _("Choose what kind of problem it is."))
        else:
            category, suggested = found.code, True
    if form.errors or point is None:
        if kept["photos"]:
            request.session[DRAFT_KEY] = {**(draft or {}), **kept, "complete": False}
        return _form_page(request, current, form, draft=kept, matches=matches, status=400)
    data = form.cleaned_data
    request.session[DRAFT_KEY] = {
        **kept,
        "complete": True,
        "point": [point.latitude, point.longitude],
        "adres": label or data.get("adres", ""),
        "place": label,
        "description": data["description"],
        "category": category,
        "suggested": suggested,
        "attributes": form.answers(category),
        "email": data.get("email", ""),
        "phone": data.get("phone", ""),
        "language": translation.get_language() or "nl",
    }
    return redirect(_url("portal:report_check", current))


# --- the check step --------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A nearby report as the check step shows it: no description, no reporter."""

    uuid: UUID
    category: str
    place: str
    reported: Any
    status: str
    metres: int
    latitude: float
    longitude: float


def _status_names() -> dict[str, str]:
    return {
        step.code: step.name
        for step in StatusStep.objects.filter(case_type__code=REPORT_PRODUCT).order_by("number")
    }


def _draft_category(
    draft: dict[str, Any], served: list[Municipality]
) -> tuple[Municipality, Category | None]:
    """The municipality the draft's point lies in, and the category of that code there."""
    point = Point(*draft["point"])
    landing = municipality_at(point, served)
    return landing, categories_of(landing).filter(code=draft.get("category", "")).first()


def _nearby(draft: dict[str, Any], served: list[Municipality]) -> list[Nearby]:
    try:
        _landing, category = _draft_category(draft, served)
    except ReportRefused:
        return []
    if category is None:
        return []
    return nearby_reports(category=category, point=Point(*draft["point"]))


def _check_page(
    request: HttpRequest,
    municipality: Municipality,
    draft: dict[str, Any],
    *,
    problem: str = "",
    follow_errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    served = served_municipalities(municipality)
    names = _status_names()
    nearby = _nearby(draft, served)
    shown = [
        Shown(
            uuid=n.report.uuid,
            category=n.report.category.name,
            place=n.report.place,
            reported=n.report.created_at,
            status=names.get(n.report.status_code, n.report.status_code),
            metres=round(n.metres),
            latitude=n.report.latitude,
            longitude=n.report.longitude,
        )
        for n in nearby
    ]
    category = categories_of(municipality).filter(code=draft.get("category", "")).first()
    reporter = Reporter.of(request, municipality)
    pins = [
        {"lat": draft["point"][0], "lon": draft["point"][1], "label": _("Your report"), "own": True}
    ] + [{"lat": s.latitude, "lon": s.longitude, "label": s.category, "own": False} for s in shown]
    answers = []
    if category is not None:
        for question in category.attributes:
            code = str(question.get("code"))
            if code in draft.get("attributes", {}):
                value = draft["attributes"][code]
                options = {str(o.get("key")): _option_text(o) for o in question.get("values", [])}
                answers.append((_question_text(question), options.get(value, value)))
    return render(
        request,
        "portal/reports/check.html",
        {
            "draft": draft,
            "category": category,
            "answers": answers,
            "nearby": shown,
            "pins": pins,
            "map": _map(served),
            "needs_contact": reporter.person is None
            and not (draft.get("email") or draft.get("phone") or reporter.email),
            "problem": problem,
            "follow_errors": follow_errors or {},
            "follow_email": request.POST.get("email", "") if request.method == "POST" else "",
            "follow_phone": request.POST.get("phone", "") if request.method == "POST" else "",
        },
        status=status,
    )


def report_check(request: MunicipalityRequest, municipality: str) -> HttpResponse:
    current = _enter(request, municipality)
    draft = _draft(request, current, complete=True)
    if draft is None:
        return redirect(_url("portal:report_form", current))
    return _check_page(request, current, draft)


def report_send(request: MunicipalityRequest, municipality: str) -> HttpResponse:
    """Make the report from the draft (POST only); a refusal is shown on its field of the form,
    with nothing stored."""
    current = _enter(request, municipality)
    draft = _draft(request, current, complete=True)
    done = request.session.get(DONE_KEY)
    if draft is None and isinstance(done, dict) and done.get("site") == current.slug:
        return redirect(_url("portal:report_done", current))  # sent already (a second click)
    if request.method != "POST" or draft is None:
        return redirect(_url("portal:report_form", current))
    # One report per draft, also when the button is clicked twice at once: the shared cache
    # makes ``add`` atomic across web processes; the second click finds the first one's page.
    sending = f"report-send:{draft['key']}"
    if not cache.add(sending, "1", timeout=120):
        return redirect(_url("portal:report_done", current))
    response = _send(request, current, draft)
    if DRAFT_KEY in request.session:  # not sent (refused, photos expired): may be sent again
        cache.delete(sending)
    return response


def _send(request: HttpRequest, current: Municipality, draft: dict[str, Any]) -> HttpResponse:
    photos = _held_photos(draft)
    if photos is None:
        messages.error(request, _("Your photos have expired. Please add them again."))
        draft["photos"] = 0
        request.session[DRAFT_KEY] = draft
        return redirect(_url("portal:report_form", current) + "?wijzigen=1")
    reporter = Reporter.of(request, current)
    try:
        made = report_create(
            site=current,
            point=Point(*draft["point"]),
            category=draft.get("category") or None,
            description=draft.get("description", ""),
            photos=photos,
            email=draft.get("email", "") or reporter.email,
            phone=draft.get("phone", ""),
            person=reporter.person,
            language=draft.get("language", "nl"),
            place=draft.get("place", ""),
            attributes=draft.get("attributes", {}),
        )
    except ReportRefused as refused:
        form = ReportForm(_draft_data(draft), municipality=current)
        form.is_valid()
        form.errors.clear()
        name = form.field_for(refused.field or "", draft.get("category", ""))
        if name:
            form.add_error(name, str(refused.message))
        else:
            form.add_error(None, str(refused.message))
        return _form_page(request, current, form, draft=draft, status=refused.status)
    _drop_draft(request, draft)
    request.session[DONE_KEY] = {
        "site": current.slug,
        "kind": "made",
        "report": str(made.report.uuid),
        "token": made.token,
    }
    return redirect(_url("portal:report_done", current))


def report_follow_nearby(request: MunicipalityRequest, municipality: str) -> HttpResponse:
    """Follow one of the nearby reports the check step showed, instead of reporting it again."""
    current = _enter(request, municipality)
    draft = _draft(request, current, complete=True)
    if request.method != "POST" or draft is None:
        return redirect(_url("portal:report_form", current))
    wanted = text_param(request.POST, "melding", max_length=60)
    served = served_municipalities(current)
    chosen = next((n.report for n in _nearby(draft, served) if str(n.report.uuid) == wanted), None)
    if chosen is None:
        return _check_page(
            request,
            current,
            draft,
            problem=_("This report can no longer be followed. Send yours instead."),
            status=404,
        )
    reporter = Reporter.of(request, current)
    email = (
        draft.get("email", "")
        or reporter.email
        or text_param(request.POST, "email", max_length=254)
    )
    phone = draft.get("phone", "")
    if not phone and "phone" in request.POST:
        try:
            phone = clean_phone(text_param(request.POST, "phone", max_length=30))
        except ValidationError as error:
            return _check_page(
                request,
                current,
                draft,
                follow_errors={"phone": " ".join(error.messages)},
                status=400,
            )
    try:
        _follower, token = report_follow(
            report=chosen,
            email=email,
            phone=phone,
            person=reporter.person,
            language=draft.get("language", "nl"),
        )
    except ReportRefused as refused:
        field = refused.field if refused.field in ("email", "phone") else "email"
        return _check_page(
            request,
            current,
            draft,
            follow_errors={field: str(refused.message)},
            status=refused.status,
        )
    _drop_draft(request, draft)
    request.session[DONE_KEY] = {
        "site": current.slug,
        "kind": "followed",
        "report": str(chosen.uuid),
        "token": token,
    }
    return redirect(_url("portal:report_done", current))


def report_done(request: MunicipalityRequest, municipality: str) -> HttpResponse:
    """The reference and the follow link, for the browser that just reported or followed."""
    current = _enter(request, municipality)
    done = request.session.get(DONE_KEY)
    if not isinstance(done, dict) or done.get("site") != current.slug:
        return redirect(_url("portal:report_form", current))
    report = get_object_or_404(
        Report.objects.select_related("case", "category", "municipality"), uuid=done["report"]
    )
    link = follow_url(report.municipality, done["token"]) if done.get("token") else ""
    return render(
        request,
        "portal/reports/done.html",
        {
            "report": report,
            "followed": done.get("kind") == "followed",
            "follow_link": link,
            "elsewhere": report.municipality_id != current.pk,
        },
    )


# --- small JSON answers for the map and the category ----------------------------------------


def suggest(request: MunicipalityRequest, municipality: str) -> JsonResponse:
    """``?tekst=...``: the category suggested for a description, or ``{"code": null}``."""
    current = _enter(request, municipality)
    text = text_param(request.GET, "tekst", max_length=DESCRIPTION_LIMIT)
    found = suggest_category(current, text) if text else None
    if found is None:
        return JsonResponse({"code": None})
    return JsonResponse(
        {"code": found.code, "name": found.name, "main": found.parent.name if found.parent else ""}
    )


def address_search(request: MunicipalityRequest, municipality: str) -> JsonResponse:
    """``?q=...``: addresses in the municipalities this site serves, ``[{label, lat, lon}]``."""
    current = _enter(request, municipality)
    query = text_param(request.GET, "q", max_length=100)
    found = geocoding.search(query, served_municipalities(current))
    return JsonResponse(
        [{"label": f.label, "lat": f.point.latitude, "lon": f.point.longitude} for f in found],
        safe=False,
    )


# --- following with the link -----------------------------------------------------------------


def _link_gone(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/reports/link_gone.html", status=404)


def _timeline(report: Report) -> list[tuple[Any, str, str]]:
    """The steps so far: when, the step, and its text for residents (no staff notes)."""
    return [
        (status.set_at, status.step.name, status.step.resident_text)
        for status in report.case.statuses.select_related("step").order_by("set_at", "pk")
    ]


def _follow_page(
    request: HttpRequest,
    report: Report,
    *,
    action: str,
    follower: Follower | None = None,
    answer: str = "",
    problem: str = "",
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    report.refresh_from_db()
    closed = not report.is_open
    result = report.case.result
    askable = (
        closed
        and result is not None
        and result.code != "samengevoegd"
        and (follower is None or follower.stopped_at is None)
    )
    return render(
        request,
        "portal/reports/follow.html",
        {
            "report": report,
            "timeline": _timeline(report),
            "status_name": _status_names().get(report.status_code, report.status_code),
            "follower": follower,
            "action": action,
            "ask": askable,
            "answer": answer,
            "problem": problem,
            "notice": notice,
            "pins": [{"lat": report.latitude, "lon": report.longitude, "label": "", "own": True}],
            "map": _map([report.municipality]),
        },
        status=status,
    )


def follow(request: MunicipalityRequest, municipality: str, token: str) -> HttpResponse:
    """The follow page of the link in the messages: the report's category, place, steps and
    pin; stop following; and when closed, "Is het opgelost?". A GET never changes anything
    (``?opgelost=ja|nee`` from the e-mail only preselects the answer)."""
    current = _enter(request, municipality)
    follower = follower_by_token(token)
    if follower is None or follower.report.municipality_id != current.pk:
        return _link_gone(request)
    report = follower.report
    answer = {"ja": "yes", "nee": "no"}.get(text_param(request.GET, "opgelost", max_length=5), "")
    answer = answer or follower.answered
    if request.method != "POST":
        return _follow_page(request, report, action=request.path, follower=follower, answer=answer)
    what = text_param(request.POST, "actie", max_length=20)
    if what == "stoppen":
        report_unfollow(follower=follower)
        return _follow_page(
            request,
            report,
            action=request.path,
            follower=follower,
            notice=_("You no longer follow this report. We send you no more messages about it."),
        )
    if what == "antwoord":
        return _answer(request, report, follower, action=request.path)
    return _follow_page(
        request, report, action=request.path, follower=follower, problem=_("Choose an action.")
    )


def _answer(
    request: HttpRequest, report: Report, follower: Follower, *, action: str
) -> HttpResponse:
    chosen = text_param(request.POST, "opgelost", max_length=5)
    if chosen not in ("ja", "nee"):
        return _follow_page(
            request,
            report,
            action=action,
            follower=follower,
            problem=_("Choose yes or no."),
            status=400,
        )
    comment = text_param(request.POST, "toelichting", max_length=500)
    try:
        report = report_answer(follower=follower, solved=chosen == "ja", comment=comment)
    except Refused as refused:
        return _follow_page(
            request,
            report,
            action=action,
            follower=follower,
            problem=str(refused.message),
            status=refused.status,
        )
    follower.refresh_from_db()
    notice = (
        _("Thank you. We are glad it is solved.")
        if chosen == "ja"
        else _("Thank you. We have told the team it is not solved.")
    )
    # No redirect: the reopened report's message gives this follower a new link, so this
    # address may no longer work after the answer.
    return _follow_page(request, report, action=action, follower=follower, notice=notice)


# --- Mijn Loket: the reporter answers on their case page -------------------------------------


@resident_required
def mine_answer(
    request: PortalRequest, municipality: Municipality, resident: Resident, uuid: UUID
) -> HttpResponse:
    case = get_object_or_404(resident.cases(municipality), uuid=uuid)
    report = Report.objects.filter(case=case).first()
    person = resident.person(municipality)
    follower = reporter_of(report, person) if report is not None and person is not None else None
    if report is None or follower is None:
        raise Http404("not a report of this resident")
    page = _url("portal:mijn_case", municipality, uuid=case.uuid)
    if request.method != "POST":
        return redirect(page)
    chosen = text_param(request.POST, "opgelost", max_length=5)
    if chosen not in ("ja", "nee"):
        messages.error(request, _("Choose yes or no."))
        return redirect(page)
    try:
        report_answer(
            follower=follower,
            solved=chosen == "ja",
            comment=text_param(request.POST, "toelichting", max_length=500),
        )
    except Refused as refused:
        messages.error(request, str(refused.message))
        return redirect(page)
    messages.success(
        request,
        _("Thank you. We are glad it is solved.")
        if chosen == "ja"
        else _("Thank you. We have told the team it is not solved."),
    )
    return redirect(page)


# --- the public map --------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicReport:
    """What anyone may see of a report: its category, status, the day and a rounded place."""

    category: str
    main: str
    status: str
    is_open: bool
    reported: Any
    latitude: float
    longitude: float

    def feature(self) -> dict[str, Any]:
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.longitude, self.latitude]},
            "properties": {
                "category": self.category,
                "main_category": self.main,
                "status": self.status,
                "open": self.is_open,
                "reported_on": self.reported.isoformat(),
            },
        }


@dataclass(frozen=True)
class PublicFigures:
    open: int
    closed_recently: int
    shown: int


def _public(municipality: Municipality) -> tuple[list[PublicReport], PublicFigures]:
    found = public_reports(municipality, solved_days=SOLVED_DAYS)
    names = _status_names()
    metres = settings.LOKET_PUBLIC_MAP_METRES
    shown = []
    for report in found[:PUBLIC_SHOWN]:
        place = rounded(Point(report.latitude, report.longitude), metres)
        shown.append(
            PublicReport(
                category=report.category.name,
                main=report.category.parent.name if report.category.parent else "",
                status=names.get(report.status_code, report.status_code),
                is_open=report.is_open,
                reported=timezone.localdate(report.created_at),
                latitude=place.latitude,
                longitude=place.longitude,
            )
        )
    figures = PublicFigures(
        open=found.filter(is_open=True).count(),
        closed_recently=found.filter(is_open=False).count(),
        shown=len(shown),
    )
    return shown, figures


def public_map(request: MunicipalityRequest, municipality: str) -> HttpResponse:
    current = _enter(request, municipality)
    shown, figures = _public(current)
    return render(
        request,
        "portal/reports/public_map.html",
        {
            "reports": shown,
            "figures": figures,
            "solved_days": SOLVED_DAYS,
            "since": timezone.localdate() - timedelta(days=SOLVED_DAYS),
            "limit": PUBLIC_SHOWN,
            "metres": settings.LOKET_PUBLIC_MAP_METRES,
            "map": _map([current]),
        },
    )


def public_map_data(request: MunicipalityRequest, municipality: str) -> JsonResponse:
    """The public map as GeoJSON: category, status, day and rounded place only."""
    current = _enter(request, municipality)
    shown, _figures = _public(current)
    return JsonResponse(
        {"type": "FeatureCollection", "features": [report.feature() for report in shown]}
    )
