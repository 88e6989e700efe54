"""Writing cases. Every entry point (workbench, portal, API, demo, commands) goes through these
functions, so the rules below hold everywhere.

Each change locks the case row (``select_for_update``), checks the optimistic ``version`` the
caller saw (a stale edit is refused, never silently overwritten), applies the rule, raises the
version, and appends to the history — all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from loket.cases.errors import (
    AlreadyExtended,
    CaseClosed,
    CaseRefused,
    CaseSuspended,
    ExtensionNotAllowed,
    InvalidInput,
    NotSuspended,
    ResultRequired,
    StaleCase,
    SuspensionNotAllowed,
    TransitionNotAllowed,
)
from loket.cases.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseMessage,
    CaseNote,
    CaseSequence,
    CaseStatus,
)
from loket.catalogue.models import Channel, Product, ResultType, StatusStep
from loket.contacts.models import Organisation, Person
from loket.history.services import history_record
from loket.lib import limits, uploads
from loket.lib.calendar import (
    Term,
    TermUnit,
    add_term,
    add_working_days,
    end_of_day,
    local_date,
    next_working_day,
    working_days_between,
)
from loket.organisation.models import Partner, Team
from loket.tenancy.models import Municipality


def case_deadlines(*, product: Product, started_at: datetime) -> tuple[datetime, datetime]:
    """``(due_at, at_risk_at)`` for a case received at ``started_at``.

    The service norm is counted on the legal calendar (``loket.lib.calendar``: Algemene
    termijnenwet); a case is "at risk" once ``LOKET_AT_RISK_FRACTION`` of its term has passed.
    """
    due_at = add_term(started_at, product.term)
    return due_at, _at_risk(started_at, due_at)


def _at_risk(start: datetime, due: datetime) -> datetime:
    return start + (due - start) * settings.LOKET_AT_RISK_FRACTION


def next_case_identification(*, municipality: Municipality, year: int) -> str:
    """Claim the next ``ZAAK-<year>-<7 digits>`` of a municipality; safe under concurrency.

    The counter row is incremented with a conditional UPDATE, which takes a row lock, so two
    transactions never get the same number (deriving it from the highest existing case would).
    Must run inside the transaction that creates the case.
    """
    for _attempt in range(3):
        updated = CaseSequence.objects.filter(municipality=municipality, year=year).update(
            last_number=F("last_number") + 1
        )
        if updated:
            break
        try:
            with transaction.atomic():
                CaseSequence.objects.create(municipality=municipality, year=year, last_number=1)
            break
        except IntegrityError:
            continue  # another transaction created the row first: increment that one
    number = CaseSequence.objects.get(municipality=municipality, year=year).last_number
    return f"ZAAK-{year}-{number:07d}"


_CASE_RELATIONS = [
    "municipality",
    "product",
    "case_type",
    "initiator_person",
    "initiator_organisation",
    "status",
    "result",
    "team",
    "partner",
    "assignee",
]


@transaction.atomic
def case_create(
    *,
    municipality: Municipality,
    product: Product,
    subject: str,
    channel: str = Channel.WEB,
    description: str = "",
    person: Person | None = None,
    organisation: Organisation | None = None,
    started_at: datetime | None = None,
    actor: Any = None,
    submission_key: str = "",
    form_data: dict[str, Any] | None = None,
) -> Case:
    """Open a case for ``product``: first step, deadlines from the service norm, routing to the
    product's team or partner, an identification, and a history record.

    ``submission_key`` (an online application) is unique per municipality: the database refuses a
    second case with the same key, so sending a form twice cannot make two cases."""
    subject = _text(subject, limit=limits.SHORT, field="subject")
    description = _text(description, limit=limits.DESCRIPTION, field="description")
    if product.case_type is None or not product.creates_case:
        raise InvalidInput(_("“%(product)s” does not start a case.") % {"product": product.name})
    for party in (person, organisation):
        if party is not None and party.municipality_id != municipality.pk:
            raise InvalidInput(_("The applicant belongs to another municipality."))
    started_at = started_at or timezone.now()
    due_at, at_risk_at = case_deadlines(product=product, started_at=started_at)
    first_step = product.case_type.first_step
    case = Case(
        municipality=municipality,
        identification=next_case_identification(
            municipality=municipality, year=timezone.localtime(started_at).year
        ),
        product=product,
        case_type=product.case_type,
        subject=subject,
        description=description,
        initiator_person=person,
        initiator_organisation=organisation,
        channel=channel,
        started_at=started_at,
        due_at=due_at,
        at_risk_at=at_risk_at,
        status=first_step,
        team=product.team,
        partner=product.partner,
        submission_key=submission_key,
        form_data=form_data or {},
    )
    # Field checks only: the related rows are the caller's own objects, so the existence checks
    # (one query per foreign key) would only slow down every intake.
    case.full_clean(exclude=_CASE_RELATIONS, validate_unique=False, validate_constraints=False)
    case.save()
    CaseStatus.objects.create(case=case, step=first_step, set_at=started_at, set_by=actor)
    history_record(instance=case, action="create", actor=actor, at=started_at)
    _notify("case_received", case, key="new")
    return case


# --- changing a case -----------------------------------------------------------------------


@dataclass
class _Locked:
    case: Case
    now: datetime


def _lock(case: Case, expected_version: int | None) -> _Locked:
    """Re-read the case under a row lock and refuse when it changed since the caller saw it."""
    # Only joins on columns that never change: after waiting for the lock, PostgreSQL re-checks
    # the updated row against the rows it joined before, and a join on ``status`` would then
    # match nothing (the waiting transaction would see no case at all).
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("case_type", "product")
        .get(pk=case.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise StaleCase()
    return _Locked(case=locked, now=timezone.now())


def _notify(event: str, case: Case, **extra: Any) -> None:
    """Queue a message to the applicant in the caller's transaction (the outbox)."""
    from loket.notifications.services import notify_case

    notify_case(event, case, **extra)


def _save(locked: _Locked, fields: list[str]) -> Case:
    case = locked.case
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])
    return case


def _open(case: Case) -> None:
    if case.closed_at is not None:
        raise CaseClosed()


def _text(value: str, *, limit: int, field: str) -> str:
    """Free text within its limit (``loket.lib.limits``), else refused: nothing is stored."""
    return limits.check_length(value, limit=limit, field=field, refused=InvalidInput)


def allowed_next_steps(case: Case) -> list[StatusStep]:
    """The steps this case may move to now, from the case type's transition table."""
    if case.closed_at is not None or case.suspended_at is not None:
        return []
    return list(case.case_type.allowed_moves.get(case.status_id, []))


@transaction.atomic
def case_set_status(
    *,
    case: Case,
    step: StatusStep,
    actor: Any,
    note: str = "",
    result: ResultType | None = None,
    expected_version: int | None = None,
) -> Case:
    """Move the case to ``step`` if the transition table allows it.

    Reaching the final step closes the case (end date set) and needs a result first (ZGW: a case
    is closed with a result). A suspended case is resumed before it moves on.
    """
    note = _text(note, limit=limits.REASON, field="note")
    locked = _lock(case, expected_version)
    current = locked.case
    _open(current)
    if current.suspended_at is not None:
        raise CaseSuspended()
    if step.case_type_id != current.case_type_id or step not in allowed_next_steps(current):
        raise TransitionNotAllowed(
            _("“%(to)s” cannot follow “%(from)s”.") % {"to": step.name, "from": current.status.name}
        )
    fields = ["status"]
    if result is not None:
        _check_result(current, result)
        current.result = result
        fields.append("result")
    if step == current.case_type.final_step:
        if current.result_id is None:
            raise ResultRequired()
        current.closed_at = locked.now
        fields.append("closed_at")
    current.status = step
    CaseStatus.objects.create(case=current, step=step, set_at=locked.now, set_by=actor, note=note)
    history_record(
        instance=current,
        action="update",
        actor=actor,
        changes={"status": step.name, **({"result": result.name} if result else {})},
        reason=note,
        at=locked.now,
    )
    saved = _save(locked, fields)
    if saved.closed_at is not None and saved.result is not None:
        _notify("decision", saved, result=saved.result.name)
    elif step.informs_resident:
        _notify("step_changed", saved, step=step.name, step_text=step.resident_text)
    return saved


def _check_result(case: Case, result: ResultType) -> None:
    if result.case_type_id != case.case_type_id:
        raise InvalidInput(_("This result does not belong to the case type."))


@transaction.atomic
def case_set_result(
    *, case: Case, result: ResultType, actor: Any, expected_version: int | None = None
) -> Case:
    """Record the result (resultaat) that closing the case will need."""
    locked = _lock(case, expected_version)
    _open(locked.case)
    _check_result(locked.case, result)
    locked.case.result = result
    CaseEvent.objects.create(
        case=locked.case, kind=CaseEvent.Kind.RESULT, at=locked.now, actor=actor, detail=result.name
    )
    history_record(
        instance=locked.case, action="update", actor=actor, changes={"result": result.name}
    )
    return _save(locked, ["result"])


def _require_reason(reason: str) -> str:
    reason = _text(reason, limit=limits.REASON, field="reason").strip()
    if not reason:
        raise InvalidInput(_("Give a reason; the applicant and colleagues will read it."))
    return reason


@transaction.atomic
def case_suspend(
    *,
    case: Case,
    reason: str,
    actor: Any,
    expected_version: int | None = None,
    respond_before: date | None = None,
) -> Case:
    """Stop the clock while the applicant supplies missing information (Awb art. 4:15 lid 1 a).

    The term is suspended from the day after the applicant is asked to complete the request until
    the day it is completed; ``case_resume`` moves the deadline by that period. The applicant gets
    a term to respond (Awb art. 4:5 lid 1): ``respond_before`` is the last day on which the
    applicant may respond, that day included ("uiterlijk"); by default ``LOKET_RESPOND_DAYS``
    calendar days, moved to the next working day (Atw art. 1). A day already past is refused:
    the applicant would be asked to do the impossible.
    """
    reason = _require_reason(reason)
    locked = _lock(case, expected_version)
    current = locked.case
    _open(current)
    if respond_before is not None and respond_before < local_date(locked.now):
        raise InvalidInput(
            _("The response date %(day)s has already passed; choose today or a later day.")
            % {"day": date_format(respond_before, "j F Y")},
            field="respond_before",
        )
    if not current.case_type.allows_suspension:
        raise SuspensionNotAllowed()
    if current.suspended_at is not None:
        raise CaseSuspended(_("The case is already suspended."))
    current.suspended_at = locked.now
    current.awaiting_until = respond_before or next_working_day(
        local_date(locked.now) + timedelta(days=settings.LOKET_RESPOND_DAYS)
    )
    CaseEvent.objects.create(
        case=current,
        kind=CaseEvent.Kind.SUSPENDED,
        at=locked.now,
        actor=actor,
        reason=reason,
        due_before=current.due_at,
    )
    history_record(
        instance=current, action="update", actor=actor, changes={"suspended": True}, reason=reason
    )
    saved = _save(locked, ["suspended_at", "awaiting_until"])
    _notify(
        "information_requested",
        saved,
        key=saved.suspended_at.isoformat() if saved.suspended_at else "",
        what=reason,
        respond_by=saved.awaiting_until,
    )
    return saved


def compute_due_at(
    *,
    started_at: datetime,
    term: Term,
    pauses: list[tuple[datetime, datetime]],
    extension: Term | None = None,
) -> datetime:
    """The due moment of a case, from its start, its suspensions and its extension.

    - The term counts from the day after the case was received (``loket.lib.calendar``).
    - Awb art. 4:15 lid 1: each suspension stops the clock from the day after the applicant was
      asked for more information up to (not including) the day it arrived. A term in working
      days is lengthened by the working days among those, a term in weeks by the calendar days.
    - Awb art. 4:14 lid 3: one extension adds its term to the end of the (suspended) term.
    - Atw art. 1: the result runs to the next working day; it is applied once, at the end, so a
      term that first ended on a holiday is not pushed twice.
    """
    if term.unit is TermUnit.WORKING_DAYS:
        paused = sum(
            working_days_between(local_date(a), local_date(b) - timedelta(days=1))
            for a, b in pauses
            if local_date(b) > local_date(a)
        )
        due = add_working_days(started_at, term.amount + paused)
        return add_term(due, extension) if extension else due
    if not pauses and extension is None:
        return add_term(started_at, term)
    days = 7 * term.amount if term.unit is TermUnit.WEEKS else term.amount
    paused_days = sum(max((local_date(b) - local_date(a)).days - 1, 0) for a, b in pauses)
    end = local_date(started_at) + timedelta(days=days + paused_days)
    if extension is not None:
        return add_term(end_of_day(end), extension)
    return end_of_day(next_working_day(end))


def _recompute_deadlines(case: Case, *, resumed_at: datetime | None = None) -> None:
    """Set ``due_at`` and ``at_risk_at`` from the case's own record of suspensions."""
    events = list(
        case.events.filter(kind__in=[CaseEvent.Kind.SUSPENDED, CaseEvent.Kind.RESUMED]).order_by(
            "at", "pk"
        )
    )
    pauses: list[tuple[datetime, datetime]] = []
    opened: datetime | None = None
    for event in events:
        if event.kind == CaseEvent.Kind.SUSPENDED:
            opened = event.at
        elif opened is not None:
            pauses.append((opened, event.at))
            opened = None
    if opened is not None and resumed_at is not None:
        pauses.append((opened, resumed_at))
    term = case.product.term
    case.due_at = compute_due_at(
        started_at=case.started_at,
        term=term,
        pauses=pauses,
        extension=case.product.extension if case.extended_at else None,
    )
    # "At risk" is the last part of the original term's length before the current due moment.
    original = add_term(case.started_at, term) - case.started_at
    case.at_risk_at = case.due_at - original * (1 - settings.LOKET_AT_RISK_FRACTION)


def deadline_moved(before: datetime | None, after: datetime | None) -> bool:
    """A deadline change is recorded (and shown) only when the date changed: "moved from
    30 November to 30 November" is not an event (issue 11)."""
    return before is not None and after is not None and local_date(before) != local_date(after)


@transaction.atomic
def case_resume(
    *, case: Case, actor: Any, reason: str = "", expected_version: int | None = None
) -> Case:
    """Restart the clock; the deadline moves by the suspended period (Awb art. 4:15)."""
    reason = _text(reason, limit=limits.REASON, field="reason")
    locked = _lock(case, expected_version)
    current = locked.case
    _open(current)
    if current.suspended_at is None:
        raise NotSuspended()
    before = current.due_at
    _recompute_deadlines(current, resumed_at=locked.now)
    current.suspended_at = None
    current.awaiting_until = None
    CaseEvent.objects.create(
        case=current,
        kind=CaseEvent.Kind.RESUMED,
        at=locked.now,
        actor=actor,
        reason=reason,
        # The resume always happened; the deadline change only when the date moved. The new
        # date is kept: the resident is told the (unchanged) date to expect.
        due_before=before if deadline_moved(before, current.due_at) else None,
        due_after=current.due_at,
    )
    history_record(
        instance=current,
        action="update",
        actor=actor,
        changes={"due_at": [before.isoformat(), current.due_at.isoformat()]},
        reason=reason or "hervat",
    )
    return _save(locked, ["due_at", "at_risk_at", "suspended_at", "awaiting_until"])


@transaction.atomic
def case_extend(
    *, case: Case, reason: str, actor: Any, expected_version: int | None = None
) -> Case:
    """Extend the term once by the product's extension term (Awb art. 4:14 lid 3).

    The applicant must be told before the term ends, with the reason, so an overdue case cannot
    be extended any more; a second extension is refused.
    """
    reason = _require_reason(reason)
    locked = _lock(case, expected_version)
    current = locked.case
    _open(current)
    extension = current.product.extension
    if not current.case_type.allows_extension or extension is None:
        raise ExtensionNotAllowed()
    if current.extended_at is not None:
        raise AlreadyExtended()
    if current.suspended_at is not None:
        raise CaseSuspended()
    if locked.now > current.due_at:
        raise ExtensionNotAllowed(
            _("The term has already passed; an extension must be announced before it ends.")
        )
    before = current.due_at
    current.extended_at = locked.now
    _recompute_deadlines(current)
    CaseEvent.objects.create(
        case=current,
        kind=CaseEvent.Kind.EXTENDED,
        at=locked.now,
        actor=actor,
        reason=reason,
        due_before=before if deadline_moved(before, current.due_at) else None,
        due_after=current.due_at,
        detail=str(extension),
    )
    history_record(
        instance=current,
        action="update",
        actor=actor,
        changes={"due_at": [before.isoformat(), current.due_at.isoformat()]},
        reason=reason,
    )
    saved = _save(locked, ["due_at", "at_risk_at", "extended_at"])
    _notify("term_extended", saved, key="extension", reason=reason)  # Awb art. 4:14 lid 3
    return saved


@transaction.atomic
def case_reopen(
    *, case: Case, reason: str, actor: Any, expected_version: int | None = None
) -> Case:
    """Reopen a closed case at the step before the final one; the result is cleared."""
    reason = _require_reason(reason)
    locked = _lock(case, expected_version)
    current = locked.case
    if current.closed_at is None:
        raise InvalidInput(_("The case is still open."))
    steps = current.case_type.ordered_steps
    step = steps[-2]
    current.closed_at = None
    current.result = None
    current.status = step
    CaseStatus.objects.create(case=current, step=step, set_at=locked.now, set_by=actor, note=reason)
    CaseEvent.objects.create(
        case=current, kind=CaseEvent.Kind.REOPENED, at=locked.now, actor=actor, reason=reason
    )
    history_record(
        instance=current, action="update", actor=actor, changes={"reopened": True}, reason=reason
    )
    return _save(locked, ["closed_at", "result", "status"])


@transaction.atomic
def case_assign(
    *, case: Case, assignee: Any, actor: Any, expected_version: int | None = None
) -> Case:
    """Give the case to one person, who must be able to see it."""
    locked = _lock(case, expected_version)
    current = locked.case
    _open(current)
    if (
        assignee is not None
        and not Case.objects.visible_to(assignee).filter(pk=current.pk).exists()
    ):
        raise InvalidInput(
            _("%(name)s cannot see this case and so cannot handle it.")
            % {"name": assignee.get_full_name() or assignee.get_username()}
        )
    current.assignee = assignee
    CaseEvent.objects.create(
        case=current,
        kind=CaseEvent.Kind.ASSIGNED,
        at=locked.now,
        actor=actor,
        detail=(assignee.get_full_name() or assignee.get_username()) if assignee else "",
    )
    history_record(
        instance=current,
        action="update",
        actor=actor,
        changes={"assignee": assignee.get_username() if assignee else None},
    )
    saved = _save(locked, ["assignee"])
    if assignee is not None and assignee != actor:
        from django.urls import reverse

        from loket.notifications.jobs import notify_staff
        from loket.notifications.models import StaffNotification

        notify_staff(
            users=[assignee],
            kind=StaffNotification.Kind.ASSIGNED,
            text=f"{saved.identification} ({saved.product.name_nl}) is aan u toegewezen.",
            url=reverse("workbench:case_detail", kwargs={"uuid": saved.uuid}),
            key=f"assigned:{saved.pk}:{saved.version}",
        )
    return saved


@transaction.atomic
def case_hand_over(
    *,
    case: Case,
    reason: str,
    actor: Any,
    team: Team | None = None,
    partner: Partner | None = None,
    expected_version: int | None = None,
) -> Case:
    """Route the case to another team or partner with a reason; the receiver sees the whole
    history, so the resident never tells the story twice (seed 003)."""
    reason = _require_reason(reason)
    if (team is None) == (partner is None):
        raise InvalidInput(_("Choose one team or one partner to hand the case to."))
    locked = _lock(case, expected_version)
    current = locked.case
    _open(current)
    before = str(current.partner or current.team or "")
    current.team, current.partner, current.assignee = team, partner, None
    target = str(team or partner)
    CaseEvent.objects.create(
        case=current,
        kind=CaseEvent.Kind.HANDED_OVER,
        at=locked.now,
        actor=actor,
        reason=reason,
        detail=f"{before} → {target}",
    )
    history_record(
        instance=current,
        action="update",
        actor=actor,
        changes={"handled_by": [before, target]},
        reason=reason,
    )
    return _save(locked, ["team", "partner", "assignee"])


@transaction.atomic
def case_mark_custom(
    *, case: Case, reason: str, actor: Any, expected_version: int | None = None
) -> Case:
    """Mark custom handling ("maatwerk", seed 003) with its justification, so equal cases can
    still be seen to be treated equally."""
    reason = _require_reason(reason)
    locked = _lock(case, expected_version)
    current = locked.case
    _open(current)
    current.custom_handling = True
    current.custom_handling_reason = reason
    CaseEvent.objects.create(
        case=current, kind=CaseEvent.Kind.CUSTOM, at=locked.now, actor=actor, reason=reason
    )
    history_record(
        instance=current, action="update", actor=actor, changes={"custom": True}, reason=reason
    )
    return _save(locked, ["custom_handling", "custom_handling_reason"])


@transaction.atomic
def case_add_note(*, case: Case, text: str, actor: Any) -> CaseNote:
    """An internal note (never shown to the applicant), at most ``limits.TEXT`` characters."""
    text = _text(text, limit=limits.TEXT, field="text").strip()
    if not text:
        raise InvalidInput(_("A note cannot be empty."))
    note = CaseNote.objects.create(case=case, author=actor, created_at=timezone.now(), text=text)
    history_record(instance=case, action="update", actor=actor, changes={"note": text[:100]})
    return note


ALLOWED_DOCUMENTS = {
    "pdf": ("application/pdf", b"%PDF"),
    "png": ("image/png", b"\x89PNG"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
    "odt": ("application/vnd.oasis.opendocument.text", b"PK"),
    "txt": ("text/plain", b""),
}


def check_upload(upload: File) -> tuple[str, str]:
    """``(name, content_type)`` of an acceptable upload, or InvalidInput saying why not.

    The type is decided by the extension *and* the file's contents, never by what the
    browser claims: the first bytes, and for Office documents and text what is inside
    (``loket.lib.uploads``: a real OOXML/ODF package, UTF-8 text without NUL bytes).
    """
    name = (upload.name or "document").rsplit("/", 1)[-1][:200]
    limit = settings.LOKET_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size is None or upload.size > limit:
        raise InvalidInput(
            _("The file is too large; the limit is %(mb)s MB.")
            % {"mb": settings.LOKET_MAX_UPLOAD_MB}
        )
    if upload.size == 0:
        raise InvalidInput(_("The file is empty."))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_DOCUMENTS:
        raise InvalidInput(
            _("Files of this type are not accepted. Use PDF, JPG, PNG, DOCX, ODT or TXT.")
        )
    content_type, magic = ALLOWED_DOCUMENTS[extension]
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if magic and not head.startswith(magic):
        raise InvalidInput(
            _("The file's contents do not match its type (.%(ext)s).") % {"ext": extension}
        )
    try:
        if extension in uploads.PACKAGES:
            uploads.check_package(upload, extension)
        elif extension == "txt":
            uploads.check_text(upload)
    except uploads.NotWhatItSays as refused:
        raise InvalidInput(str(refused), field="file") from None
    finally:
        upload.seek(0)
    return name, content_type


@transaction.atomic
def case_add_document(
    *,
    case: Case,
    upload: File,
    actor: Any,
    from_applicant: bool = False,
    shared_with_applicant: bool = False,
) -> CaseDocument:
    """Store a file with the case. What the applicant sends is always visible to them; what staff
    add is internal unless ``shared_with_applicant``."""
    name, content_type = check_upload(upload)
    document = CaseDocument(
        case=case,
        name=name,
        content_type=content_type,
        size=upload.size or 0,
        uploaded_at=timezone.now(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        from_applicant=from_applicant,
        shared_with_applicant=shared_with_applicant or from_applicant,
    )
    document.file.save(name, upload, save=False)
    document.save()
    history_record(instance=case, action="update", actor=actor, changes={"document": name})
    return document


WITHDRAWN_RESULT = "ingetrokken"


@transaction.atomic
def case_withdraw(*, case: Case, actor: Any = None, reason: str = "") -> Case:
    """The applicant withdraws the request: the case closes with the result "ingetrokken".

    Allowed from any open step (Awb: an application can be withdrawn until the decision), also
    while suspended; refused for case types without that result (a report, for example)."""
    # The applicant's own words (``limits.REASON``) with a short lead-in from the portal.
    reason = _text(reason, limit=limits.REASON + limits.SHORT, field="reason")
    locked = _lock(case, None)
    current = locked.case
    _open(current)
    result = current.case_type.results.filter(code=WITHDRAWN_RESULT).first()
    if result is None:
        raise CaseRefused(_("This request cannot be withdrawn."))
    final = current.case_type.final_step
    current.result = result
    current.status = final
    current.closed_at = locked.now
    current.suspended_at = None
    current.awaiting_until = None
    note = reason or _("Withdrawn by the applicant.")
    CaseStatus.objects.create(case=current, step=final, set_at=locked.now, set_by=actor, note=note)
    history_record(
        instance=current,
        action="update",
        actor=actor,
        changes={"status": final.name, "result": result.name},
        reason=note,
        at=locked.now,
    )
    return _save(locked, ["result", "status", "closed_at", "suspended_at", "awaiting_until"])


@transaction.atomic
def case_send_message(
    *, case: Case, text: str, actor: Any = None, from_applicant: bool = False
) -> CaseMessage:
    """A message to (or, from Mijn Loket, from) the applicant, at most ``limits.TEXT``
    characters: a longer one is refused, never cut off unseen."""
    text = _text(text, limit=limits.TEXT, field="text").strip()
    if not text:
        raise InvalidInput(_("Write a message first."))
    message = CaseMessage.objects.create(
        case=case,
        sender=CaseMessage.Sender.APPLICANT if from_applicant else CaseMessage.Sender.STAFF,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        text=text,
        sent_at=timezone.now(),
    )
    history_record(
        instance=case,
        action="update",
        actor=actor,
        changes={"message": "applicant" if from_applicant else "staff"},
    )
    if not from_applicant:
        _notify("message", case, key=f"message-{message.pk}", message=message.text)
    return message
