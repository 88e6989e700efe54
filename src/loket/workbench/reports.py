"""Public-space reports in the workbench (issue 15): the reports of the municipalities a user
may see, as a list that always works and on a map when JavaScript runs; on the case page of a
report its place, photos, followers, merged duplicates and the open reports nearby that may be
the same problem, with the merge.

Thin views. Every report is read through ``Report.objects.visible_to(user)``: another
municipality's report, or for a partner worker one not handed to their partner
(``Report.partner_scope``), is a 404, its photos included. The filters are checked at the edge
(a form error or a 400, never a query with a wrong value). Merging is
``loket.reports.services.report_merge``; a refusal is shown with its reason.

What staff see of followers: how many there are, why they follow (reported it, follows it,
reported a duplicate), how they are reached (e-mail, text message, their resident record) and
their answer to "Is het opgelost?", never the address or number itself. The messages to
followers go out by themselves at every step; a case worker has no need to write to them
outside the case, so their addresses stay out of sight (AVG art. 5 lid 1 c, data
minimisation).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loket.accounts.models import User
from loket.accounts.requests import StaffRequest
from loket.cases.errors import StaleCase
from loket.cases.models import Case
from loket.cases.selectors import _scope as queue_scope
from loket.catalogue.models import StatusStep
from loket.lib.calendar import AMSTERDAM
from loket.lib.errors import Refused
from loket.lib.geo import Point, to_rd
from loket.lib.params import BadParameter, text_param
from loket.reports.models import Boundary, Category, Follower, Photo, Report
from loket.reports.services import REPORT_PRODUCT, Nearby, nearby_reports, report_merge
from loket.tenancy.models import Municipality
from loket.tenancy.selectors import municipalities_for_staff
from loket.workbench.reports_forms import (
    ALL,
    CLOSED,
    INTO_THIS,
    OPEN,
    MergeForm,
    ReportFilterForm,
)

# The product's case type has the same code (catalogue: case_types.json).
REPORT_CASE_TYPE = REPORT_PRODUCT
COUNT_CAP = 10_000  # beyond this the page says "more than"
MAP_LIMIT = 500  # the newest this many of the matching reports are pinned on the map
# Staff look wider than the resident before sending (50 m, 30 days): a duplicate made a few
# months ago across the street is still the same broken lamp.
DUPLICATE_METRES = 100
DUPLICATE_DAYS = 365
_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


# --- which reports ---------------------------------------------------------------------------


def report_steps() -> list[tuple[str, str]]:
    """The steps of the report case type, in order, as ``(code, name)``."""
    return [
        (step.code, step.name)
        for step in StatusStep.objects.filter(case_type__code=REPORT_CASE_TYPE).order_by("number")
    ]


def _categories(user: User) -> list[Category]:
    return list(
        Category.objects.filter(municipality_id__in=_municipality_ids(user))
        .select_related("parent")
        .order_by("parent__order", "order", "name_nl", "pk")
    )


def _municipality_ids(user: User) -> list[int]:
    if user.is_superuser:
        return list(municipalities_for_staff(user).values_list("pk", flat=True))
    return list(user.viewable_municipality_ids)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=AMSTERDAM)


def filtered_reports(user: User, data: dict[str, Any]) -> QuerySet[Report]:
    """The reports ``user`` may see that match the cleaned filters ``data``."""
    reports = Report.objects.visible_to(user)
    status = data.get("status") or OPEN
    if status == OPEN:
        reports = reports.filter(is_open=True)
    elif status == CLOSED:
        reports = reports.filter(is_open=False)
    elif status != ALL:
        reports = reports.filter(status_code=status)
    # The municipality and the categories as ids first, so the reports' own indexes are used
    # (no join per report row).
    towns = _municipality_ids(user)
    if data.get("municipality"):
        towns = list(
            Municipality.objects.filter(pk__in=towns, slug=data["municipality"]).values_list(
                "pk", flat=True
            )
        )
        reports = reports.filter(municipality_id__in=towns)
    if data.get("category"):
        code = data["category"]
        chosen = Category.objects.filter(municipality_id__in=towns).filter(
            Q(code=code) | Q(parent__code=code)
        )
        reports = reports.filter(category_id__in=list(chosen.values_list("pk", flat=True)))
    if data.get("since"):
        reports = reports.filter(created_at__gte=_day_start(data["since"]))
    if data.get("until"):
        reports = reports.filter(created_at__lt=_day_start(data["until"] + timedelta(days=1)))
    scope = data.get("scope") or "all"
    if scope in ("mine", "team"):
        # The queue's rule of "mine" and "my team's" (``cases.selectors``), not a second copy.
        reports = reports.filter(
            case__in=Case.objects.filter(queue_scope(user, scope)).values("pk")
        )
    return reports


def _filter_form(request: StaffRequest) -> ReportFilterForm:
    user = request.user
    return ReportFilterForm(
        request.GET,
        municipalities=list(municipalities_for_staff(user).order_by("name")),
        categories=_categories(user),
        steps=report_steps(),
    )


def _encode(report: Report) -> str:
    raw = f"{report.created_at.isoformat()}|{report.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor(params: QueryDict) -> tuple[datetime, int] | None:
    """The ``after`` cursor (where the previous page ended), or a 400 when it is not one."""
    text = text_param(params, "after", max_length=200)
    if not text:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        moment, pk = raw.split("|", 1)
        when, number = datetime.fromisoformat(moment), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadParameter("after", _("“after” is not a place in this list.")) from None
    if when.tzinfo is None or number < 1:
        raise BadParameter("after", _("“after” is not a place in this list."))
    return when, number


@dataclass
class ReportPage:
    reports: Sequence[Report]
    next_cursor: str | None
    count: int
    count_capped: bool


def report_page(
    reports: QuerySet[Report], *, after: tuple[datetime, int] | None, size: int
) -> ReportPage:
    """One page, newest first, after the cursor: the ids through the indexes first, then those
    rows with what a row shows (as the case queue does)."""
    count = reports[: COUNT_CAP + 1].count()
    if after is not None:
        when, pk = after
        reports = reports.filter(Q(created_at__lt=when) | Q(created_at=when, pk__lt=pk))
    ids = list(reports.order_by("-created_at", "-pk").values_list("pk", flat=True)[: size + 1])
    rows = (
        Report.objects.filter(pk__in=ids[:size])
        .select_related(
            "case",
            "case__status",
            "case__result",
            "category",
            "category__parent",
            "municipality",
            "merged_into__case",
        )
        .annotate(
            follower_count=Count(
                "followers", filter=Q(followers__stopped_at__isnull=True), distinct=True
            ),
            photo_count=Count("photos", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )
    shown = list(rows)
    return ReportPage(
        reports=shown,
        next_cursor=_encode(shown[-1]) if len(ids) > size and shown else None,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
    )


def _case_path() -> str:
    return reverse("workbench:case_detail", kwargs={"uuid": _PLACEHOLDER}).removesuffix(
        _PLACEHOLDER
    )


def _areas(user: User, slug: str) -> tuple[list[float] | None, str]:
    """The boundaries of the municipalities shown (outlined on the map, for a plain background)
    and the box around them, ``[south, west, north, east]``, where the map starts when no
    report matches."""
    boundaries = Boundary.objects.filter(municipality_id__in=_municipality_ids(user))
    if slug:
        boundaries = boundaries.filter(municipality__slug=slug)
    rows = list(boundaries.only("geojson", "south", "west", "north", "east"))
    if not rows:
        return None, "[]"
    box = [
        min(b.south for b in rows),
        min(b.west for b in rows),
        max(b.north for b in rows),
        max(b.east for b in rows),
    ]
    return box, json.dumps([b.geojson for b in rows])


@login_required
@require_GET
def report_list(request: StaffRequest) -> HttpResponse:
    """The reports page: filters, the map (with JavaScript) and the list (always)."""
    user = request.user
    form = _filter_form(request)
    after = _cursor(request.GET)
    page, status = None, 200
    if form.is_valid():
        page = report_page(
            filtered_reports(user, form.cleaned_data), after=after, size=settings.LOKET_PAGE_SIZE
        )
    else:
        status = 400
    query = request.GET.copy()
    query.pop("after", None)
    data = form.cleaned_data if form.is_valid() else {}
    bounds, areas = _areas(user, data.get("municipality", ""))
    return render(
        request,
        "workbench/reports/list.html",
        {
            "form": form,
            "page": page,
            "scope": data.get("scope", "all"),
            "query": query.urlencode(),
            "steps": dict(report_steps()),
            "case_path": _case_path(),
            "map_url": reverse("workbench:report_map") + ("?" + query.urlencode() if query else ""),
            "bounds": bounds,
            "areas": areas,
            "tiles": settings.LOKET_MAP_TILES,
            "attribution": settings.LOKET_MAP_ATTRIBUTION,
            "map_limit": MAP_LIMIT,
        },
        status=status,
    )


@login_required
@require_GET
def report_map(request: StaffRequest) -> JsonResponse:
    """The pins of the map, for the same filters as the list: the newest ``MAP_LIMIT`` of the
    matching reports, with what a pin's popup shows (reference, category, status, link)."""
    form = _filter_form(request)
    if not form.is_valid():
        return JsonResponse(
            {"errors": {name: [str(e) for e in errs] for name, errs in form.errors.items()}},
            status=400,
        )
    reports = filtered_reports(request.user, form.cleaned_data)
    total = reports[: COUNT_CAP + 1].count()
    steps = dict(report_steps())
    case_path = _case_path()
    rows = (
        reports.order_by("-created_at", "-pk")
        .select_related("case", "category")
        .only(
            "latitude",
            "longitude",
            "status_code",
            "is_open",
            "case__uuid",
            "case__identification",
            "category__name_nl",
            "category__name_en",
        )[:MAP_LIMIT]
    )
    pins = [
        {
            "reference": report.case.identification,
            "url": f"{case_path}{report.case.uuid}",
            "latitude": report.latitude,
            "longitude": report.longitude,
            "category": report.category.name,
            "status": steps.get(report.status_code, report.status_code),
            "open": report.is_open,
        }
        for report in rows
    ]
    return JsonResponse(
        {
            "count": min(total, COUNT_CAP),
            "count_capped": total > COUNT_CAP,
            "shown": len(pins),
            "reports": pins,
        }
    )


# --- one report ------------------------------------------------------------------------------


def _visible_report(user: User, uuid: UUID) -> Report:
    return get_object_or_404(
        Report.objects.visible_to(user).select_related(
            "case", "case__status", "category", "category__parent", "municipality"
        ),
        uuid=uuid,
    )


@login_required
@require_GET
def report_photo(request: StaffRequest, uuid: UUID, photo: int) -> FileResponse:
    """A photo of a report as stored (a JPEG without metadata), for whoever may see the
    report; anyone else a 404."""
    report = _visible_report(request.user, uuid)
    stored = get_object_or_404(Photo, report=report, pk=photo)
    response = FileResponse(stored.file.open("rb"), content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="{report.case.identification}-{photo}.jpg"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


@dataclass
class FollowerRow:
    role: str
    reached_by: str
    since: datetime
    answered: str
    stopped_at: datetime | None


@dataclass
class ReportSection:
    """What the case page shows of its report (``workbench/reports/_section.html``)."""

    report: Report
    rd: tuple[float, float]
    answers: list[tuple[str, str]]
    photos: list[Photo]
    followers: list[FollowerRow]
    following: int
    duplicates: list[Report]
    candidates: list[Nearby]
    form: MergeForm
    pins: list[dict[str, Any]] = field(default_factory=list)
    tiles: str = ""
    attribution: str = ""
    metres: int = DUPLICATE_METRES

    @property
    def pins_json(self) -> str:
        """The pins for the map script (a data attribute: no inline script under the CSP)."""
        return json.dumps(self.pins)


def _answers(report: Report) -> list[tuple[str, str]]:
    """The reporter's answers to the category's extra questions, as question and answer."""
    suffix = "en" if (get_language() or "nl").startswith("en") else "nl"
    rows = []
    for question in report.category.attributes:
        code = question.get("code", "")
        if code not in report.attributes:
            continue
        value = str(report.attributes[code])
        for option in question.get("values", []):
            if str(option.get("key")) == value:
                value = option.get(f"name_{suffix}") or option.get("name_nl") or value
        rows.append(
            (question.get(f"description_{suffix}") or question.get("description_nl") or code, value)
        )
    return rows


def _reached_by(follower: Follower) -> str:
    if follower.person_id is not None:
        return _("their resident record")
    if follower.email:
        return _("e-mail")
    if follower.phone:
        return _("text message")
    return _("not reachable")


def report_section(user: User, case: Case) -> ReportSection | None:
    """The report of ``case`` for the case page, or None when the case is no report (or the
    user may not see it)."""
    if case.product.slug != REPORT_PRODUCT:
        return None  # most cases: no query for a report they cannot have
    report = (
        Report.objects.visible_to(user)
        .select_related("category", "category__parent", "merged_into__case", "client")
        .filter(case=case)
        .first()
    )
    if report is None:
        return None
    report.case = case
    point = Point(report.latitude, report.longitude)
    followers = list(report.followers.order_by("pk"))
    answers = {"yes": _("yes, solved"), "no": _("no, not solved")}
    candidates: list[Nearby] = []
    if report.is_open and report.merged_into_id is None:
        near = [
            n
            for n in nearby_reports(
                category=report.category,
                point=point,
                radius_m=DUPLICATE_METRES,
                days=DUPLICATE_DAYS,
            )
            if n.report.pk != report.pk
        ]
        visible = set(
            Report.objects.visible_to(user)
            .filter(pk__in=[n.report.pk for n in near])
            .values_list("pk", flat=True)
        )
        candidates = [n for n in near if n.report.pk in visible]
    duplicates = list(report.duplicates.select_related("case").order_by("created_at"))
    pins = [
        {
            "latitude": report.latitude,
            "longitude": report.longitude,
            "main": True,
            "reference": case.identification,
        }
    ] + [
        {
            "latitude": n.report.latitude,
            "longitude": n.report.longitude,
            "main": False,
            "reference": n.report.case.identification,
        }
        for n in candidates
    ]
    return ReportSection(
        report=report,
        rd=to_rd(point),
        answers=_answers(report),
        photos=list(report.photos.order_by("pk")),
        followers=[
            FollowerRow(
                role=follower.get_role_display(),
                reached_by=_reached_by(follower),
                since=follower.created_at,
                answered=str(answers.get(follower.answered, "")),
                stopped_at=follower.stopped_at,
            )
            for follower in followers
        ],
        following=sum(1 for f in followers if f.stopped_at is None),
        duplicates=duplicates,
        candidates=candidates,
        form=MergeForm(initial={"version": case.version}),
        pins=pins,
        tiles=settings.LOKET_MAP_TILES,
        attribution=settings.LOKET_MAP_ATTRIBUTION,
    )


@login_required
@require_POST
def report_merge_view(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """Merge this report and the chosen one, in the direction chosen. Back to the case page of
    the report that stays, with what happened; a refusal or a form error back to this one."""
    user = request.user
    report = _visible_report(user, uuid)
    back = reverse("workbench:case_detail", kwargs={"uuid": report.case.uuid})
    form = MergeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(f"{back}#merge")
    if form.cleaned_data["version"] != report.case.version:
        messages.error(request, str(StaleCase().message))
        return redirect(f"{back}#merge")
    other = (
        Report.objects.visible_to(user)
        .select_related("case")
        .filter(uuid=form.cleaned_data["other"])
        .first()
    )
    if other is None:
        messages.error(request, _("The chosen report cannot be found."))
        return redirect(f"{back}#merge")
    duplicate, into = (
        (other, report) if form.cleaned_data["direction"] == INTO_THIS else (report, other)
    )
    try:
        kept = report_merge(
            duplicate=duplicate, into=into, actor=user, note=form.cleaned_data["note"]
        )
    except Refused as refused:
        messages.error(request, str(refused.message))
        return redirect(f"{back}#merge")
    messages.success(
        request,
        _(
            "%(duplicate)s was merged into %(into)s and is closed. Its reporter and "
            "followers now follow %(into)s and have been told so."
        )
        % {"duplicate": duplicate.case.identification, "into": kept.case.identification},
    )
    return redirect("workbench:case_detail", uuid=kept.case.uuid)
