"""Reporting a problem in the public space, following it, merging duplicates, and asking at the
end whether it was solved (issue 15). Every channel (the municipality's site, the workbench,
Open311) calls these functions, so a report is made and followed the same way everywhere.

A report is a case of the case type ``melding-openbare-ruimte`` (``case_create``, with the
category's team or partner and service norm), so it is handled, counted and kept like every
other case; its steps are the case's (``case_set_status``), and ``report_case_changed`` tells
the followers of each one, whichever page or API moved the case.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.accounts.permissions import Action, require
from loket.cases.models import Case
from loket.cases.services import case_create, case_reopen, case_set_status
from loket.catalogue.models import Channel, Product
from loket.history.services import history_record
from loket.lib import limits
from loket.lib.geo import Area, Point, box_around, distance_m
from loket.lib.phone import clean_phone
from loket.notifications.services import enqueue, staff_notify_from_resident
from loket.parties.models import Person
from loket.reports import geocoding
from loket.reports.errors import OutsideArea, ReportRefused
from loket.reports.models import Boundary, Category, Follower, Open311Client, Photo, Report
from loket.reports.photos import MAX_PHOTOS, clean_photo
from loket.tenancy.models import Municipality

# The product every report is a case of (catalogue: products.csv, case_types.json).
REPORT_PRODUCT = "melding-openbare-ruimte"
REPORT_CASE_TYPE = "melding-openbare-ruimte"
DESCRIPTION_LIMIT = 1000
MERGED_RESULT = "samengevoegd"
SOLVED_RESULTS = ("opgelost", "niet-opgelost", "doorgestuurd")


# --- where -----------------------------------------------------------------------------------


def served_municipalities(site: Municipality) -> list[Municipality]:
    """The municipalities a report made on ``site``'s pages may land in: the municipality, and
    in a shared service organisation every municipality it serves (seed 002)."""
    if site.service_organisation_id is None:
        return [site]
    return list(
        Municipality.objects.filter(service_organisation_id=site.service_organisation_id).order_by(
            "pk"
        )
    )


def municipality_at(point: Point, candidates: Sequence[Municipality]) -> Municipality:
    """The municipality among ``candidates`` whose boundary holds ``point``; ``OutsideArea``
    when none does. A municipality without a boundary on record accepts any point (it cannot
    be told apart), but only when it is the one candidate."""
    boundaries = {
        b.municipality_id: b for b in Boundary.objects.filter(municipality__in=candidates)
    }
    for municipality in candidates:
        boundary = boundaries.get(municipality.pk)
        if boundary is not None and Area(boundary.geojson).contains(point):
            return municipality
    if len(candidates) == 1 and candidates[0].pk not in boundaries:
        return candidates[0]
    raise OutsideArea(field="location")


def parse_point(latitude: Any, longitude: Any) -> Point:
    """A point from what a form or API sent, or ``ReportRefused`` saying what is wrong."""
    try:
        point = Point(float(str(latitude).strip()), float(str(longitude).strip()))
    except (TypeError, ValueError):
        raise ReportRefused(
            _("Place the pin on the map or fill in an address."), field="location"
        ) from None
    return point


# --- categories ------------------------------------------------------------------------------


def categories_of(municipality: Municipality) -> QuerySet[Category]:
    """The sub-categories residents report in, with their main category, in order."""
    return (
        Category.objects.filter(municipality=municipality, is_active=True, parent__isnull=False)
        .select_related("parent")
        .order_by("parent__order", "parent__name_nl", "order", "name_nl")
    )


def _words(text: str) -> str:
    return " " + " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split()) + " "


def suggest_category(municipality: Municipality, description: str) -> Category | None:
    """The category whose words occur in ``description``: the one with the most (longer words
    count more); ``None`` when none does. Only a suggestion: the resident confirms or chooses."""
    text = _words(description)
    best: tuple[int, Category] | None = None
    for category in categories_of(municipality):
        score = 0
        for keyword in (
            category.keywords + "\n" + category.name_nl + "\n" + category.name_en
        ).splitlines():
            word = _words(keyword).strip()
            if word and f" {word}" in text:
                score += len(word)
        if score and (best is None or score > best[0]):
            best = (score, category)
    return best[1] if best else None


def _category(municipality: Municipality, category: Category | str | None) -> Category:
    if category is None or category == "":
        raise ReportRefused(_("Choose what kind of problem it is."), field="category")
    code = category.code if isinstance(category, Category) else str(category)
    found = (
        categories_of(municipality)
        .select_related("team", "partner", "parent__team", "parent__partner")
        .filter(code=code)
        .first()
    )
    if found is None:
        raise ReportRefused(_("This kind of problem is not known here."), field="category")
    return found


# --- nearby ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Nearby:
    report: Report
    metres: float


def nearby_reports(
    *,
    category: Category,
    point: Point,
    radius_m: float | None = None,
    days: int | None = None,
    now: datetime | None = None,
) -> list[Nearby]:
    """Open reports of ``category`` within ``radius_m`` of ``point`` made in the last ``days``
    (not the duplicates already merged), nearest first: what the resident sees before sending,
    to follow instead of reporting again. An indexed box first, the exact distance after."""
    radius = float(radius_m if radius_m is not None else settings.LOKET_NEARBY_METRES)
    since = (now or timezone.now()) - timedelta(days=days or settings.LOKET_NEARBY_DAYS)
    box = box_around(point, radius)
    candidates = (
        Report.objects.filter(
            category=category,
            is_open=True,
            latitude__range=(box.south, box.north),
            longitude__range=(box.west, box.east),
            created_at__gte=since,
            merged_into__isnull=True,
        )
        .select_related("case", "category")
        .order_by("created_at")[:200]
    )
    found = [
        Nearby(report, distance_m(point, Point(report.latitude, report.longitude)))
        for report in candidates
    ]
    return sorted((n for n in found if n.metres <= radius), key=lambda n: n.metres)


# --- followers and their links ---------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def follow_url(municipality: Municipality, token: str) -> str:
    path = reverse(
        "portal:report_follow", kwargs={"municipality": municipality.slug, "token": token}
    )
    return settings.LOKET_BASE_URL.rstrip("/") + path


def follower_by_token(token: str) -> Follower | None:
    """The follower whose link holds ``token``, or ``None`` (unknown, malformed)."""
    if not token or len(token) > 100:
        return None
    return (
        Follower.objects.select_related("report__case", "report__category", "person")
        .filter(token_digest=_digest(token))
        .first()
    )


def _contact(email: str, phone: str) -> tuple[str, str]:
    email = email.strip()[:254]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ReportRefused(_("This is not a valid e-mail address."), field="email") from None
    phone = phone.strip()
    if phone:
        try:
            phone = clean_phone(phone)
        except ValidationError:
            raise ReportRefused(
                _("This is not a valid Dutch mobile number (06…)."), field="phone"
            ) from None
        if not phone.startswith("+316"):
            raise ReportRefused(
                _("Give a mobile number (06…), so we can send text messages."), field="phone"
            )
    return email.lower(), phone


def _add_follower(
    report: Report,
    *,
    role: str,
    person: Person | None,
    email: str,
    phone: str,
    language: str,
    new_report: bool = False,
) -> tuple[Follower, str]:
    """A new follower with a fresh link, or the one this person or address already is (with a
    fresh link: the old one keeps working only until the new one is sent). A report made a
    moment ago (``new_report``) has no followers yet to look through."""
    token = secrets.token_urlsafe(24)
    same = Q(pk__in=[])
    if person is not None:
        same |= Q(person=person)
    if email:
        same |= Q(email__iexact=email)
    if phone:
        same |= Q(phone=phone)
    existing = None if new_report else report.followers.filter(same).first()
    if existing is not None:
        existing.token_digest = _digest(token)
        existing.stopped_at = None
        existing.save(update_fields=["token_digest", "stopped_at"])
        return existing, token
    follower = Follower.objects.create(
        report=report,
        role=role,
        person=person,
        email="" if person is not None else email,
        phone="" if person is not None else phone,
        language=language if language in ("nl", "en") else "nl",
        token_digest=_digest(token),
    )
    return follower, token


def _recipient(follower: Follower) -> Any:
    return follower.person if follower.person is not None else follower


def _tell(follower: Follower, event: str, token: str | None, **context: Any) -> None:
    """Queue ``event`` for one follower, in their language, in the caller's transaction."""
    report = follower.report
    language = follower.language
    if follower.person is not None and follower.person.language in ("nl", "en"):
        language = follower.person.language
    with translation.override(language):
        words = {
            "reference": report.case.identification,
            "category": report.category.name,
            "place": report.place or _("the place on the map"),
            "follow_url": follow_url(report.municipality, token) if token else "",
            **context,
        }
    if token is None:
        # A message without a fresh link names the follow page by a new token for this
        # follower: links in older messages keep working until then.
        token = secrets.token_urlsafe(24)
        follower.token_digest = _digest(token)
        follower.save(update_fields=["token_digest"])
        words["follow_url"] = follow_url(report.municipality, token)
    if event == "report_closed":
        words["solved_url"] = words["follow_url"] + "?opgelost=ja"
        words["not_solved_url"] = words["follow_url"] + "?opgelost=nee"
    enqueue(
        event=event,
        municipality=report.municipality,
        person=_recipient(follower),
        context=words,
        dedupe_key=f"{event}:follower:{follower.pk}:{report.case.version}:{report.case.status_id}",
        case=report.case,
    )


# --- making a report -------------------------------------------------------------------------


@dataclass
class Made:
    """The report, and the secret of the reporter's follow link (shown once, on the page that
    thanks them; also sent by e-mail or text message when they left an address)."""

    report: Report
    token: str = ""
    nearby: list[Nearby] = field(default_factory=list)


@transaction.atomic
def report_create(
    *,
    site: Municipality,
    point: Point,
    category: Category | str | None,
    description: str,
    photos: Sequence[Any] = (),
    email: str = "",
    phone: str = "",
    person: Person | None = None,
    language: str = "nl",
    place: str = "",
    attributes: dict[str, Any] | None = None,
    source: str = Report.Source.WEB,
    client: Open311Client | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> Made:
    """Register a report made on ``site``'s pages (or through its Open311 endpoint): the
    municipality whose boundary holds the point (``municipality_at``; outside every one it
    serves: refused), a sub-category of that municipality, a description of at most 1000
    characters, at most three photos (``clean_photo``: images only, scaled, metadata removed).
    Every check runs before anything is stored; a refusal stores nothing.

    The case gets the category's team or partner and its service norm in working days. The
    reporter, when they left a person record, an e-mail address or a mobile number, follows
    the report (``Follower``) and hears of every step."""
    now = now or timezone.now()
    description = " ".join(description.split()) if "\n" not in description else description.strip()
    if not description:
        raise ReportRefused(_("Describe the problem in a few words."), field="description")
    if len(description) > DESCRIPTION_LIMIT:
        raise ReportRefused(
            _("Use at most %(limit)s characters for the description.")
            % {"limit": DESCRIPTION_LIMIT},
            field="description",
        )
    if len(photos) > MAX_PHOTOS:
        raise ReportRefused(
            _("Add at most %(count)s photos.") % {"count": MAX_PHOTOS}, field="photos"
        )
    email, phone = _contact(email, phone)
    candidates = served_municipalities(site)
    if client is not None:
        allowed = set(client.municipalities.values_list("pk", flat=True))
        candidates = [m for m in candidates if m.pk in allowed]
        if not candidates:
            raise OutsideArea(field="location")
    municipality = municipality_at(point, candidates)
    if person is not None and person.municipality_id != municipality.pk:
        person = None  # a resident of one municipality reporting in the other: by address only
    chosen = _category(municipality, category)
    answers = _attributes(chosen, attributes or {})
    cleaned = [clean_photo(photo) for photo in photos]
    place = (place or "").strip()[:200] or geocoding.nearest(point, [municipality])
    team, partner = chosen.handler()
    product = Product.objects.select_related("case_type").get(slug=REPORT_PRODUCT)
    case = case_create(
        municipality=municipality,
        product=product,
        subject=f"{chosen.name_nl}: {place}"[: limits.SHORT] if place else chosen.name_nl,
        description=description,
        channel=Channel.APP if source == Report.Source.OPEN311 else Channel.WEB,
        person=person,
        started_at=now,
        actor=actor,
        service_norm=chosen.norm(),
        team=team,
        partner=partner,
    )
    report = Report.objects.create(
        municipality=municipality,
        case=case,
        category=chosen,
        latitude=round(point.latitude, 7),
        longitude=round(point.longitude, 7),
        place=place,
        description=description,
        attributes=answers,
        source=source,
        client=client,
        created_at=now,
        status_code=case.status.code,
    )
    for number, photo in enumerate(cleaned, start=1):
        stored = Photo(report=report, width=photo.width, height=photo.height)
        stored.file.save(f"{number}.jpg", ContentFile(photo.content), save=False)
        stored.save()
    history_record(instance=report, action="create", actor=actor, at=now)
    made = Made(report=report)
    if person is not None or email or phone:
        follower, made.token = _add_follower(
            report,
            role=Follower.Role.REPORTER,
            person=person,
            email=email,
            phone=phone,
            language=language,
            new_report=True,
        )
        if person is None:
            # A resident with a person record heard from the case (``case_received``).
            _tell(follower, "report_received", made.token)
    return made


def _attributes(category: Category, given: dict[str, Any]) -> dict[str, Any]:
    """The answers to the category's extra questions (Open311 attributes), checked: required
    ones answered, a list's answer one of its keys."""
    answers: dict[str, Any] = {}
    for question in category.attributes:
        code = question.get("code", "")
        value = given.get(code)
        value = "" if value is None else str(value).strip()[:200]
        keys = {str(option.get("key")) for option in question.get("values", [])}
        if not value:
            if question.get("required"):
                raise ReportRefused(
                    _("Answer the question “%(question)s”.")
                    % {"question": question.get("description_nl") or code},
                    field=f"attribute[{code}]",
                )
            continue
        if keys and value not in keys:
            raise ReportRefused(
                _("Choose one of the answers to “%(question)s”.")
                % {"question": question.get("description_nl") or code},
                field=f"attribute[{code}]",
            )
        answers[code] = value
    return answers


# --- following -------------------------------------------------------------------------------


def _main(report: Report) -> Report:
    while report.merged_into_id is not None:
        report = Report.objects.select_related("case", "category").get(pk=report.merged_into_id)
    return report


@transaction.atomic
def report_follow(
    *,
    report: Report,
    email: str = "",
    phone: str = "",
    person: Person | None = None,
    language: str = "nl",
) -> tuple[Follower, str]:
    """Follow an open report instead of reporting it again: the follower hears of every step
    from now on (by their person record, e-mail address or mobile number). A duplicate that was
    merged is followed through the report it was merged into."""
    report = _main(report)
    if not report.is_open:
        raise ReportRefused(_("This report is closed; it can no longer be followed."))
    email, phone = _contact(email, phone)
    if person is not None and person.municipality_id != report.municipality_id:
        person = None
    if person is None and not email and not phone:
        raise ReportRefused(
            _("Give an e-mail address or a mobile number, so we can send you the updates."),
            field="email",
        )
    follower, token = _add_follower(
        report,
        role=Follower.Role.FOLLOWER,
        person=person,
        email=email,
        phone=phone,
        language=language,
    )
    _tell(follower, "report_followed", token)
    return follower, token


@transaction.atomic
def report_unfollow(*, follower: Follower) -> Follower:
    """Stop the messages to this follower; the report itself is not changed."""
    follower.stopped_at = timezone.now()
    follower.save(update_fields=["stopped_at"])
    return follower


def followers_to_tell(report: Report) -> QuerySet[Follower]:
    """Who hears of a step: every follower who has not stopped, except the resident whose
    case it is (the case's own messages reach them)."""
    followers = report.followers.filter(stopped_at__isnull=True).select_related("person")
    if report.case.initiator_person_id is not None:
        followers = followers.exclude(person_id=report.case.initiator_person_id)
    return followers


# --- the status, for followers ---------------------------------------------------------------


def report_case_changed(case: Case) -> None:
    """Called by the case services in the transaction that moved ``case`` (registered in
    ``ReportsConfig.ready``): keep the report's copy of the status, and tell the followers of
    the step, or at the end ask them whether it is solved."""
    if case.case_type.code != REPORT_CASE_TYPE:
        return  # no query for the other cases
    report = Report.objects.select_related("category", "municipality").filter(case=case).first()
    if report is None:
        return
    report.case = case
    report.is_open = case.closed_at is None
    report.closed_at = case.closed_at
    report.status_code = case.status.code
    report.save(update_fields=["is_open", "closed_at", "status_code"])
    if report.merged_into_id is not None:
        return  # its followers moved to the report it was merged into
    result = case.result.code if case.result_id and case.result else ""
    for follower in followers_to_tell(report):
        if case.closed_at is not None and result in SOLVED_RESULTS:
            _tell(follower, "report_closed", None, result=case.result.name if case.result else "")
        elif case.closed_at is None and case.status.informs_resident:
            with translation.override(follower.language):
                _tell(
                    follower,
                    "report_update",
                    None,
                    step=case.status.name,
                    step_text=case.status.resident_text,
                )


# --- merging ---------------------------------------------------------------------------------


@transaction.atomic
def report_merge(*, duplicate: Report, into: Report, actor: User | None, note: str = "") -> Report:
    """Merge ``duplicate`` into ``into``: both open, of one municipality. The duplicate's case
    closes with the result "samengevoegd"; its reporter and followers follow ``into`` from now
    on and are told so. Returns ``into``."""
    require(actor, Action.VIEW, duplicate.municipality_id)
    duplicate = (
        Report.objects.select_for_update().select_related("case", "category").get(pk=duplicate.pk)
    )
    into = _main(Report.objects.select_related("case", "category").get(pk=into.pk))
    if duplicate.pk == into.pk:
        raise ReportRefused(_("A report cannot be merged into itself."), field="into")
    if duplicate.municipality_id != into.municipality_id:
        raise ReportRefused(_("The reports belong to different municipalities."), field="into")
    if not duplicate.is_open or not into.is_open:
        raise ReportRefused(_("Only open reports can be merged."), field="into")
    if duplicate.merged_into_id is not None:
        raise ReportRefused(_("This report was already merged."))
    duplicate.merged_into = into
    duplicate.save(update_fields=["merged_into"])
    moved = list(duplicate.followers.filter(stopped_at__isnull=True).select_related("person"))
    person = duplicate.case.initiator_person
    if person is not None and not any(f.person_id == person.pk for f in moved):
        moved.append(Follower(report=duplicate, person=person, language=person.language or "nl"))
    for old in moved:
        follower, token = _add_follower(
            into,
            role=Follower.Role.MERGED if old.role == Follower.Role.REPORTER else old.role,
            person=old.person,
            email=old.email,
            phone=old.phone,
            language=old.language,
        )
        if old.pk is not None:
            old.stopped_at = timezone.now()
            old.save(update_fields=["stopped_at"])
        _tell(follower, "report_merged", token, duplicate=duplicate.case.identification)
    final = duplicate.case.case_type.final_step
    result = duplicate.case.case_type.results.get(code=MERGED_RESULT)
    case_set_status(
        case=duplicate.case,
        step=final,
        result=result,
        actor=actor,
        note=note or _("Merged with %(reference)s.") % {"reference": into.case.identification},
    )
    history_record(
        instance=duplicate,
        action="update",
        actor=actor,
        changes={"merged_into": into.case.identification},
    )
    return into


# --- "Is het opgelost?" ----------------------------------------------------------------------


@transaction.atomic
def report_answer(*, follower: Follower, solved: bool, comment: str = "") -> Report:
    """The answer to "Is het opgelost?" after a report closed. A "no" reopens the report once
    (the step "heropend") and tells the team; a second "no" only tells the team. Each follower
    answers once; a later answer replaces theirs only while the report is closed."""
    report = Report.objects.select_for_update().select_related("case").get(pk=follower.report_id)
    if report.is_open:
        raise ReportRefused(_("This report is open again; we will tell you what happens."))
    if report.case.result is None or report.case.result.code not in SOLVED_RESULTS:
        raise ReportRefused(_("This report was merged into another; answer there."))
    comment = " ".join(comment.split())[: limits.REASON]
    follower.answered = "yes" if solved else "no"
    follower.answered_at = timezone.now()
    follower.save(update_fields=["answered", "answered_at"])
    if solved:
        return report
    text = _("The resident says it is not solved.") + (f" “{comment}”" if comment else "")
    if report.reopened == 0:
        report.reopened = 1
        report.save(update_fields=["reopened"])
        case_reopen(case=report.case, reason=text, actor=None)
    staff_notify_from_resident(
        case=report.case,
        kind="resident_message",
        text=text,
        key=f"report:{report.pk}:not-solved:{follower.pk}:{report.case.version}",
    )
    report.refresh_from_db()
    return report


def reporter_of(report: Report, person: Person) -> Follower | None:
    """The follower row of ``person`` on ``report`` (Mijn Loket answers through it)."""
    return report.followers.filter(person=person).first()


# --- the public map --------------------------------------------------------------------------


def public_reports(municipality: Municipality, *, solved_days: int = 30) -> QuerySet[Report]:
    """What the public map shows: open reports and those solved in the last ``solved_days``,
    without merged duplicates. The page shows only category, status, date and a rounded place."""
    since = timezone.now() - timedelta(days=solved_days)
    return (
        Report.objects.filter(municipality=municipality, merged_into__isnull=True)
        .filter(Q(is_open=True) | Q(closed_at__gte=since))
        .select_related("category", "category__parent")
        .order_by("-created_at")
    )
