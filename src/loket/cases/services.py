"""Writing cases. Every entry point (workbench, portal, API, demo, commands) goes through these
functions, so the rules below hold everywhere.

Each change locks the case row (``select_for_update``), checks the optimistic ``version`` the
caller saw (a stale edit is refused, never silently overwritten), applies the rule, raises the
version, and appends to the history — all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
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

from loket.accounts.models import User
from loket.accounts.permissions import Action, require
from loket.cases.deadlines import TERM_FIELDS, compute_terms, deadline_moved, term_events
from loket.cases.errors import (
    AlreadyExtended,
    CaseClosed,
    CaseRefused,
    CaseSuspended,
    DecisionRequired,
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
    Decision,
    DefaultNotice,
)
from loket.cases.penalty import PenaltyStatement, penalty_statement
from loket.cases.uploads import check_upload
from loket.catalogue.models import (
    WITHDRAWN_RESULT,
    Channel,
    Product,
    ResultType,
    StatusStep,
    Transition,
)
from loket.catalogue.terms import SuspensionBasis
from loket.history.services import history_record
from loket.lib import limits
from loket.lib.calendar import (
    Term,
    local_date,
    next_working_day,
)
from loket.organisation.models import Partner, Team
from loket.parties.models import Organisation, Person
from loket.tenancy.models import Municipality


def _today() -> date:
    return timezone.localdate()


def _check_day(value: date | None, *, field: str, not_before: date | None = None) -> None:
    """A legal date staff enter: never in the future, never before ``not_before``."""
    if value is None:
        return
    if value > _today():
        raise InvalidInput(
            _("%(day)s is in the future; enter the day it happened.")
            % {"day": date_format(value, "j F Y")},
            field=field,
        )
    if not_before is not None and value < not_before:
        raise InvalidInput(
            _("%(day)s is before %(first)s; that cannot be.")
            % {"day": date_format(value, "j F Y"), "first": date_format(not_before, "j F Y")},
            field=field,
        )


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
    actor: User | None = None,
    submission_key: str = "",
    form_data: dict[str, Any] | None = None,
    received_on: date | None = None,
    contested_decision_on: date | None = None,
    contested_decision: Decision | None = None,
    service_norm: str = "",
    team: Team | None = None,
    partner: Partner | None = None,
) -> Case:
    """Open a case for ``product``: first step, its terms, routing to the product's team or
    partner, an identification, and a history record.

    ``received_on`` is the date stamp: the day the request reached the municipality, from which
    its terms run (Awb 4:13 lid 1), for a letter received on Friday and registered on Monday the
    Friday. By default the day of ``started_at``. ``contested_decision_on``: for an objection,
    the day the contested decision was sent; the Awb 7:10 term runs from the end of the objection
    period (``loket.cases.terms.objection_term_start``); for a decision made in Loket
    ``contested_decision`` gives that day and links the objection to it.

    Only a product the municipality offers (``Product.objects.offered_in``) opens a case.
    ``submission_key`` (an online application) is unique per municipality: the database refuses a
    second case with the same key, so sending a form twice cannot make two cases.

    ``service_norm``, ``team`` and ``partner`` replace the product's where the case's kind
    decides them (a report's category, ``loket.reports``); ``team`` or ``partner``, not both."""
    if team is not None and partner is not None:
        raise InvalidInput(_("A case is handled by a team or by a partner, not both."))
    subject = _text(subject, limit=limits.SHORT, field="subject")
    description = _text(description, limit=limits.DESCRIPTION, field="description")
    if product.case_type is None or not product.creates_case:
        raise InvalidInput(_("“%(product)s” does not start a case.") % {"product": product.name})
    if not Product.objects.offered_in(municipality).filter(pk=product.pk).exists():
        # The standard package plus the additional packages the municipality chose (seed 002):
        # checked here, so the portal, the front office and the API refuse alike.
        raise InvalidInput(_("This municipality does not offer this product."), field="product")
    for party in (person, organisation):
        if party is not None and party.municipality_id != municipality.pk:
            raise InvalidInput(_("The applicant belongs to another municipality."))
    started_at = started_at or timezone.now()
    _check_day(received_on, field="received_on")
    received_on = received_on or local_date(started_at)
    if contested_decision is not None:
        if (
            contested_decision.case.municipality_id != municipality.pk
            or contested_decision.sent_on is None
        ):
            raise InvalidInput(
                _("Only a decision of this municipality that was sent can be objected to.")
            )
        contested_decision_on = contested_decision.sent_on
    _check_day(contested_decision_on, field="contested_decision_on")
    if contested_decision_on is not None and contested_decision_on > received_on:
        raise InvalidInput(
            _("The contested decision cannot have been sent after the objection was received."),
            field="contested_decision_on",
        )
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
        received_on=received_on,
        contested_decision=contested_decision,
        contested_decision_on=contested_decision_on,
        status=first_step,
        team=team if (team or partner) else product.team,
        partner=partner if (team or partner) else product.partner,
        service_norm=service_norm,
        submission_key=submission_key,
        form_data=form_data or {},
    )
    compute_terms(case, events=[])
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


# Domains whose records follow a case's status (a report, issue 15) register here; the cases
# app does not import them. Each is called inside the transaction that changed the case, after
# the change, so what it writes (a follower's message in the outbox) exists exactly when the
# change does, whichever page, API or job made it.
_status_listeners: list[Callable[[Case], None]] = []


def register_status_listener(listener: Callable[[Case], None]) -> None:
    if listener not in _status_listeners:
        _status_listeners.append(listener)


def _status_changed(case: Case) -> None:
    for listener in _status_listeners:
        listener(case)


def _notify(event: str, case: Case, **extra: Any) -> None:
    """Queue a message to the applicant in the caller's transaction (the outbox)."""
    from loket.notifications.services import notify_case

    notify_case(event, case, **extra)


def _save(locked: _Locked, fields: list[str]) -> Case:
    case = locked.case
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])
    return case


def _commit(
    locked: _Locked,
    fields: list[str],
    *,
    actor: User | None,
    changes: dict[str, Any],
    reason: str = "",
    kind: str = "",
    **event: Any,
) -> Case:
    """The end every change to a locked case shares, in this order: its event on the timeline
    (``kind`` and the ``event`` fields; none without a kind), its line in the history (``changes``,
    ``reason``), and the save with the next version. A service takes the lock (``_lock``),
    checks and changes the case, and hands it here, so none forgets a step or orders them
    differently."""
    if kind:
        CaseEvent.objects.create(
            case=locked.case, kind=kind, at=locked.now, actor=actor, reason=reason, **event
        )
    history_record(
        instance=locked.case,
        action="update",
        actor=actor,
        changes=changes,
        reason=reason,
        at=locked.now,
    )
    return _save(locked, fields)


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
    actor: User | None,
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
        if result is None and current.result is not None:
            _check_result(current, current.result)
        current.closed_at = locked.now
        fields.append("closed_at")
    current.status = step
    CaseStatus.objects.create(case=current, step=step, set_at=locked.now, set_by=actor, note=note)
    saved = _commit(
        locked,
        fields,
        actor=actor,
        changes={"status": step.name, **({"result": result.name} if result else {})},
        reason=note,
    )
    if saved.closed_at is not None and saved.result is not None:
        if not saved.decisions.filter(status="sent").exists():
            # Without a decision letter the applicant hears the result now; with one, the
            # letter already told them (``decision_send``).
            _notify("decision", saved, result=saved.result.name)
    elif step.informs_resident:
        _notify("step_changed", saved, step=step.name, step_text=step.resident_text)
    _status_changed(saved)
    return saved


def _check_result(case: Case, result: ResultType) -> None:
    """The result belongs to the case type, and a result that a decision leads to ("vergunning
    verleend") needs that decision sent first (``loket.cases.decisions``)."""
    from loket.cases.decisions import sent_decision_for

    if result.case_type_id != case.case_type_id:
        raise InvalidInput(_("This result does not belong to the case type."))
    if not sent_decision_for(case, result):
        raise DecisionRequired(
            _("“%(result)s” needs a decision: send the decision letter first.")
            % {"result": result.name}
        )


@transaction.atomic
def case_set_result(
    *, case: Case, result: ResultType, actor: User | None, expected_version: int | None = None
) -> Case:
    """Record the result (resultaat) that closing the case will need."""
    locked = _lock(case, expected_version)
    _open(locked.case)
    _check_result(locked.case, result)
    locked.case.result = result
    return _commit(
        locked,
        ["result"],
        actor=actor,
        changes={"result": result.name},
        kind=CaseEvent.Kind.RESULT,
        detail=result.name,
    )


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
    actor: User | None,
    expected_version: int | None = None,
    respond_before: date | None = None,
    basis: str = "",
    stopped_on: date | None = None,
) -> Case:
    """Stop the clock on one of the grounds of Awb art. 4:15 (7:10 lid 2 for an objection).

    ``stopped_on`` is the day of the invitation (or of the consent, or the day the ground arose),
    today by default; the term stands still from the day after it (Awb 4:15 lid 1 and 2). Not in
    the future, not before receipt, and not after the term expired: a term that has run out
    cannot be suspended any more, and an overdue case stays overdue.

    - Invitation to supplement (4:15 lid 1 a, 4:5; 7:10 lid 2, 6:6): the applicant gets a term
      to respond; ``respond_before`` is its last day ("uiterlijk"), by default
      ``LOKET_RESPOND_DAYS`` calendar days moved to a working day (Atw art. 1); a day already
      past is refused. A request without a term does not suspend (ABRvS 21 September 2016,
      ECLI:NL:RVS:2016:2527), so Loket always sets one.
    - Written consent to a delay (4:15 lid 2 a): ``respond_before`` is the agreed delay's last day.
    - Information from a foreign authority, a delay attributable to the applicant, force
      majeure (4:15 lid 1 b, lid 2 b and c): no end is known; ``case_resume`` records it.
    """
    reason = _require_reason(reason)
    locked = _lock(case, expected_version)
    current = locked.case
    _open(current)
    today = local_date(locked.now)
    if not current.case_type.allows_suspension:
        raise SuspensionNotAllowed()
    grounds = SuspensionBasis.for_basis(current.case_type.legal_basis)
    ground = SuspensionBasis(basis) if basis in SuspensionBasis.values else grounds[0]
    if ground not in grounds:
        raise InvalidInput(
            _("“%(ground)s” is no ground for suspending this kind of case.")
            % {"ground": ground.label},
            field="basis",
        )
    if current.suspended_at is not None:
        raise CaseSuspended(_("The case is already suspended."))
    stopped_on = stopped_on or today
    # Not before receipt, nor within an earlier suspension (its days would count twice).
    restarted = (
        current.events.filter(kind=CaseEvent.Kind.RESUMED, effective_on__isnull=False)
        .order_by("-effective_on")
        .values_list("effective_on", flat=True)
        .first()
    )
    first_possible = max(current.received_on, restarted) if restarted else current.received_on
    _check_day(stopped_on, field="stopped_on", not_before=first_possible)
    expired_on = local_date(current.expires_at)
    # The term stands still from the day after the invitation: an invitation on the term's
    # last day (or later) would suspend a term that has already run out.
    if stopped_on >= expired_on:
        raise SuspensionNotAllowed(
            _(
                "The term ends on %(day)s; from the day after an invitation sent on or after"
                " that day there is no term left to suspend. Decide as soon as possible: after"
                " the term the applicant may give notice of default (Awb 4:17)."
            )
            % {"day": date_format(expired_on, "j F Y")},
            field="stopped_on",
        )
    if respond_before is not None and respond_before < today:
        raise InvalidInput(
            _("The response date %(day)s has already passed; choose today or a later day.")
            % {"day": date_format(respond_before, "j F Y")},
            field="respond_before",
        )
    if ground.asks_the_applicant:
        until: date | None = respond_before or next_working_day(
            today + timedelta(days=settings.LOKET_RESPOND_DAYS)
        )
    elif ground.has_agreed_end:
        if respond_before is None:
            raise InvalidInput(
                _("Enter the last day of the delay the applicant agreed to."),
                field="respond_before",
            )
        until = respond_before
    else:
        until = None
    current.suspended_at = locked.now
    current.awaiting_until = until
    saved = _commit(
        locked,
        ["suspended_at", "awaiting_until"],
        actor=actor,
        changes={"suspended": ground.value, "stopped_on": stopped_on.isoformat()},
        reason=reason,
        kind=CaseEvent.Kind.SUSPENDED,
        due_before=current.due_at,
        effective_on=stopped_on,
        until=until,
        basis=ground.value,
    )
    if ground.asks_the_applicant:
        _notify(
            "information_requested",
            saved,
            key=saved.suspended_at.isoformat() if saved.suspended_at else "",
            what=reason,
            respond_by=saved.awaiting_until,
        )
    return saved


def _restart(
    locked: _Locked,
    *,
    actor: User | None,
    reason: str,
    restarted_on: date,
    basis: str = "",
) -> Case:
    """End the suspension: the clock runs again from ``restarted_on`` (that day counts)."""
    current = locked.case
    before = current.due_at
    resumed = CaseEvent(
        case=current,
        kind=CaseEvent.Kind.RESUMED,
        at=locked.now,
        actor=actor,
        reason=reason,
        effective_on=restarted_on,
        basis=basis,
    )
    compute_terms(current, events=term_events(current, resumed))
    current.suspended_at = None
    current.awaiting_until = None
    # The resume always happened; the deadline change only when the date moved. The new date is
    # kept: the resident is told the (unchanged) date to expect.
    resumed.due_before = before if deadline_moved(before, current.due_at) else None
    resumed.due_after = current.due_at
    resumed.save()
    history_record(
        instance=current,
        action="update",
        actor=actor,
        changes={
            "due_at": [before.isoformat(), current.due_at.isoformat()],
            "restarted_on": restarted_on.isoformat(),
        },
        reason=reason or "hervat",
    )
    return _save(locked, [*TERM_FIELDS, "suspended_at", "awaiting_until"])


def waits_for_applicant(case: Case) -> bool:
    """Whether the case is suspended because the applicant was asked for something (Awb 4:15
    lid 1 a, 7:10 lid 2): only then does what they send end the suspension, and only then does
    Mijn Loket ask them for it. Suspensions recorded before the grounds (no basis) asked."""
    if case.suspended_at is None:
        return False
    event = case.events.filter(kind=CaseEvent.Kind.SUSPENDED).order_by("-at", "-pk").first()
    return event is not None and (
        not event.basis or SuspensionBasis(event.basis).asks_the_applicant
    )


def _last_suspension(case: Case) -> CaseEvent:
    event = case.events.filter(kind=CaseEvent.Kind.SUSPENDED).order_by("-at", "-pk").first()
    if event is None:  # suspended_at without its event: never written by these services
        raise NotSuspended()
    return event


@transaction.atomic
def case_resume(
    *,
    case: Case,
    actor: User | None,
    reason: str = "",
    expected_version: int | None = None,
    received_on: date | None = None,
) -> Case:
    """Restart the clock (Awb 4:15): ``received_on`` is the day the information arrived (or the
    ground for the suspension ended), today by default; it counts again, the days before it
    since the suspension do not. A letter received on Friday and processed on Monday gives the
    same deadline as one processed on Friday. Not in the future, not before the suspension.

    When a response date was set and has passed, the term set for supplementing expired unused
    (4:15 lid 1 a): the suspension ended then, whatever arrives later
    (``case_end_expired_suspensions`` does this every day without anyone clicking).
    """
    reason = _text(reason, limit=limits.REASON, field="reason")
    locked = _lock(case, expected_version)
    current = locked.case
    _open(current)
    if current.suspended_at is None:
        raise NotSuspended()
    suspension = _last_suspension(current)
    stopped_on = suspension.effective_on or local_date(suspension.at)
    received_on = received_on or local_date(locked.now)
    _check_day(received_on, field="received_on", not_before=stopped_on)
    if current.awaiting_until is not None:
        received_on = min(received_on, current.awaiting_until + timedelta(days=1))
    return _restart(locked, actor=actor, reason=reason, restarted_on=received_on)


def case_end_expired_suspensions(*, today: date | None = None) -> list[Case]:
    """Every suspension whose response date (or agreed delay) has passed ends by itself.

    Awb 4:15 lid 1 a: the suspension lasts until the information is received or the term set
    for it "ongebruikt is verstreken". The response date is the term's last day, included; on the
    day after it the term has expired unused and the clock runs again from that day, moved by
    exactly the suspended days. The case worker is told, and may decide not to consider the
    application (Awb 4:5). For a delay the applicant agreed to (lid 2 a) the same: the delay ends.
    Each case in its own transaction, locked; a case someone resumed meanwhile is left alone.
    """
    today = today or _today()
    ended = []
    candidates = Case.objects.filter(
        closed_at__isnull=True, suspended_at__isnull=False, awaiting_until__lt=today
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            locked = _lock(Case(pk=pk), None)
            current = locked.case
            if (
                current.closed_at is not None
                or current.suspended_at is None
                or current.awaiting_until is None
                or current.awaiting_until >= today
            ):
                continue
            suspension = _last_suspension(current)
            last_day = current.awaiting_until
            unused = suspension.basis != SuspensionBasis.CONSENT
            reason = (
                _("The term to supplement ended unused on %(day)s.")
                if unused
                else _("The agreed delay ended on %(day)s.")
            ) % {"day": date_format(last_day, "j F Y")}
            saved = _restart(
                locked,
                actor=None,
                reason=reason,
                restarted_on=last_day + timedelta(days=1),
                basis="expired-unused" if unused else "delay-ended",
            )
            _tell_handlers(
                saved,
                kind="suspension_ended",
                text=f"{saved.identification}: "
                + (
                    f"de termijn om aan te vullen is op {last_day:%d-%m-%Y} ongebruikt verstreken;"
                    " de beslistermijn loopt weer. "
                    + (
                        "U kunt het bezwaar niet-ontvankelijk verklaren (Awb 6:6)."
                        if suspension.basis == SuspensionBasis.REPAIR
                        else "U kunt besluiten de aanvraag niet te behandelen (Awb 4:5)."
                    )
                    if unused
                    else f"het uitstel eindigde op {last_day:%d-%m-%Y}; de beslistermijn loopt weer."
                ),
                key=f"suspension_ended:{saved.pk}:{suspension.pk}",
            )
            ended.append(saved)
    return ended


def _tell_handlers(case: Case, *, kind: str, text: str, key: str, leads: bool = False) -> None:
    """A staff notification for the case's assignee (else its team or partner); with ``leads``
    for the team leads of its team instead."""
    from django.urls import reverse

    from loket.notifications.jobs import case_handlers, notify_staff

    notify_staff(
        users=case_handlers(case, leads=leads),
        kind=kind,
        text=text,
        url=reverse("workbench:case_detail", kwargs={"uuid": case.uuid}),
        key=key,
        case=case,
    )


def extension_refusal(case: Case, *, now: datetime) -> CaseRefused | None:
    """Why the term of ``case`` cannot be extended at ``now``, or ``None`` when it can: the one
    statement of the rule, for ``case_extend`` and for the pages that offer an extension.

    Only an open case whose type and law allow an extension (``loket.catalogue.terms``), not
    while suspended, and only before the term ends (the applicant must be told in time, Awb 4:14
    lid 1, 7:10 lid 3). Once, unless the law allows further delay with consent (7:10 lid 4,
    9:11 lid 3): ``case_extend`` then also needs that consent."""
    if case.closed_at is not None:
        return CaseClosed()
    statutory = case.product.statutory
    rule = statutory.extension if statutory is not None else None
    if not case.case_type.allows_extension or rule is None:
        return ExtensionNotAllowed()
    if case.suspended_at is not None:
        return CaseSuspended()
    if now > case.expires_at:
        return ExtensionNotAllowed(
            _("The term has already passed; an extension must be announced before it ends.")
        )
    if case.extended_at is not None and rule.consent_basis is None:
        return AlreadyExtended()
    return None


def extension_possible(case: Case, now: datetime | None = None) -> bool:
    """Whether ``case_extend`` would accept an extension now (``extension_refusal``)."""
    return extension_refusal(case, now=now or timezone.now()) is None


@transaction.atomic
def case_extend(
    *,
    case: Case,
    reason: str,
    actor: User | None,
    expected_version: int | None = None,
    term: Term | None = None,
    announced_on: date | None = None,
    consent: bool = False,
) -> Case:
    """Extend the term on the basis the case type's law gives (``loket.catalogue.terms``).

    - A special law's extension (Omgevingswet 16.64 lid 2, Woo 4.4 lid 2), Awb 7:10 lid 3 and
      9:11 lid 2: ``term``, at most the law's maximum (shorter is allowed; the maximum by
      default), moves the statutory term. Once; further delay only with the objector's or
      complainant's consent (7:10 lid 4, 9:11 lid 3; ``consent``).
    - Awb 4:14 lid 1 (a law sets the term): a notice naming ``announced_on``, the date the
      decision can be expected. The statutory term does not move: a notice of default and the
      penalty stay possible after it.
    - Awb 4:14 lid 3 (no law sets the term): a notice within the eight weeks naming a reasonable
      term; the term announced becomes the term.
    The applicant must be told before the term ends, with the reason, so an overdue case cannot
    be extended any more.
    """
    require(actor, Action.EXTEND, case.municipality_id)  # the team lead extends (issue 13)
    reason = _require_reason(reason)
    locked = _lock(case, expected_version)
    current = locked.case
    refusal = extension_refusal(current, now=locked.now)
    if refusal is not None:
        raise refusal
    statutory = current.product.statutory
    rule = statutory.extension if statutory is not None else None
    assert rule is not None  # ``extension_refusal`` refuses a case without one
    basis = rule.basis
    earlier = current.events.filter(kind=CaseEvent.Kind.EXTENDED).count()
    if current.extended_at is not None:
        if not (consent and rule.consent_basis):
            raise AlreadyExtended()
        basis = rule.consent_basis
    detail = ""
    if rule.names_a_date:
        if announced_on is None:
            raise InvalidInput(
                _("Name the date by which the applicant can expect the decision."),
                field="announced_on",
            )
        # A notice names when the decision can be expected after all: later than the term
        # it could not be given within (and than what is now promised), and not in the past.
        floor = max(local_date(current.due_at), local_date(current.expires_at), _today())
        if announced_on <= floor:
            raise InvalidInput(
                _("The date named must be later than %(day)s.")
                % {"day": date_format(floor, "j F Y")},
                field="announced_on",
            )
        detail = announced_on.isoformat()
    else:
        term = term or rule.maximum
        assert term is not None
        if (
            basis != rule.consent_basis
            and rule.maximum is not None
            and _longer(term, rule.maximum, local_date(current.expires_at))
        ):
            raise InvalidInput(
                _("The law allows at most %(max)s (%(source)s).")
                % {"max": rule.maximum.describe("nl"), "source": rule.source},
                field="term",
            )
        detail = str(term)
        announced_on = None
    before = current.due_at
    current.extended_at = current.extended_at or locked.now
    extension = CaseEvent(
        case=current,
        kind=CaseEvent.Kind.EXTENDED,
        at=locked.now,
        actor=actor,
        reason=reason,
        detail="" if rule.names_a_date else detail,
        until=announced_on,
        basis=basis,
        effective_on=local_date(locked.now),
    )
    compute_terms(current, events=term_events(current, extension))
    extension.due_before = before if deadline_moved(before, current.due_at) else None
    extension.due_after = current.due_at
    extension.save()
    history_record(
        instance=current,
        action="update",
        actor=actor,
        changes={"due_at": [before.isoformat(), current.due_at.isoformat()], "basis": basis},
        reason=reason,
    )
    saved = _save(locked, [*TERM_FIELDS, "extended_at"])
    _notify("term_extended", saved, key=f"extension-{earlier}", reason=reason)
    return saved


def _longer(term: Term, maximum: Term, reference: date) -> bool:
    """Whether ``term`` is longer than ``maximum``, both added to the same day without the Atw
    (the law's maximum is a length: 43 days is longer than six weeks)."""
    from loket.cases.terms import extend_by

    return extend_by(reference, term) > extend_by(reference, maximum)


@transaction.atomic
def case_correct_dates(
    *,
    case: Case,
    reason: str,
    actor: User | None,
    expected_version: int | None = None,
    received_on: date | None = None,
    contested_decision_on: date | None = None,
) -> Case:
    """Correct the date of receipt (the date stamp, Awb 4:13 lid 1) or, for an objection, the
    day the contested decision was sent (7:10 lid 1); the terms are counted again and the
    change is recorded with its reason. Neither may lie in the future."""
    reason = _require_reason(reason)
    locked = _lock(case, expected_version)
    current = locked.case
    _open(current)
    changes: dict[str, Any] = {}
    new_received = received_on or current.received_on
    _check_day(new_received, field="received_on")
    _check_day(contested_decision_on, field="contested_decision_on")
    decision = contested_decision_on or current.contested_decision_on
    if decision is not None and decision > new_received:
        raise InvalidInput(
            _("The contested decision cannot have been sent after the objection was received."),
            field="contested_decision_on",
        )
    first_stop = (
        current.events.filter(kind=CaseEvent.Kind.SUSPENDED)
        .exclude(effective_on__isnull=True)
        .order_by("effective_on")
        .values_list("effective_on", flat=True)
        .first()
    )
    if first_stop is not None and new_received > first_stop:
        raise InvalidInput(
            _("The case was suspended on %(day)s; it cannot have been received later.")
            % {"day": date_format(first_stop, "j F Y")},
            field="received_on",
        )
    if received_on is not None and received_on != current.received_on:
        changes["received_on"] = [current.received_on.isoformat(), received_on.isoformat()]
        current.received_on = received_on
    if contested_decision_on is not None and contested_decision_on != current.contested_decision_on:
        changes["contested_decision_on"] = [
            current.contested_decision_on.isoformat() if current.contested_decision_on else None,
            contested_decision_on.isoformat(),
        ]
        current.contested_decision_on = contested_decision_on
    if not changes:
        raise InvalidInput(_("Nothing changed: enter a different date."), field="received_on")
    before = current.due_at
    compute_terms(current)
    CaseEvent.objects.create(
        case=current,
        kind=CaseEvent.Kind.RECEIPT,
        at=locked.now,
        actor=actor,
        reason=reason,
        due_before=before if deadline_moved(before, current.due_at) else None,
        due_after=current.due_at,
        effective_on=current.received_on,
        detail=", ".join(f"{field}: {old} → {new}" for field, (old, new) in changes.items()),
    )
    history_record(instance=current, action="update", actor=actor, changes=changes, reason=reason)
    return _save(locked, [*TERM_FIELDS, "received_on", "contested_decision_on"])


@transaction.atomic
def case_register_default_notice(
    *, case: Case, received_on: date, actor: User | None, note: str = ""
) -> DefaultNotice:
    """Record a written notice of default (ingebrekestelling, Awb 4:17 lid 3) with the day it
    was received. The penalty is then computed from it (``case_penalty``); the team leads of the
    case's team hear of it the same day. Refused where Awb 4:17 does not apply to the case type,
    for a date in the future or before receipt, and for a decision given before the notice."""
    note = _text(note, limit=limits.REASON, field="note")
    locked = _lock(case, None)
    current = locked.case
    statutory = current.product.statutory
    if statutory is None or not statutory.penalty_applies:
        raise CaseRefused(
            _("No penalty for a late decision applies to this kind of case (Awb 4:17)."),
            field="received_on",
        )
    _check_day(received_on, field="received_on", not_before=current.received_on)
    expiry = local_date(current.legal_due_at or current.expires_at)
    if received_on <= expiry:
        # Awb 4:17 lid 3: a notice of default presupposes a term that has run out; one that
        # arrives while the term still runs (its last day included) has no effect.
        raise CaseRefused(
            _(
                "The term runs until %(day)s; a notice of default received on or before that"
                " day has no effect (Awb 4:17). The applicant can send one after it."
            )
            % {"day": date_format(expiry, "j F Y")},
            field="received_on",
        )
    if current.closed_at is not None and local_date(current.closed_at) <= received_on:
        raise CaseRefused(
            _("The decision was given on %(day)s, before the notice arrived: no penalty is due.")
            % {"day": date_format(current.closed_at, "j F Y")},
            field="received_on",
        )
    notice = DefaultNotice(
        case=current,
        received_on=received_on,
        registered_at=locked.now,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
    )
    notice.full_clean(exclude=["case", "registered_by"])
    notice.save()
    statement = case_penalty(current, on=received_on)
    CaseEvent.objects.create(
        case=current,
        kind=CaseEvent.Kind.DEFAULT_NOTICE,
        at=locked.now,
        actor=actor,
        reason=note,
        effective_on=received_on,
        detail=f"eerste dwangsomdag {statement.first_day:%d-%m-%Y}" if statement else "",
    )
    history_record(
        instance=current,
        action="update",
        actor=actor,
        changes={"default_notice": received_on.isoformat()},
        reason=note,
    )
    _save(locked, [])
    _tell_handlers(
        current,
        kind="default_notice",
        text=f"Ingebrekestelling ontvangen voor {current.identification} op"
        f" {received_on:%d-%m-%Y}"
        + (
            f"; dwangsom vanaf {statement.first_day:%d-%m-%Y} als er dan nog geen besluit is."
            if statement
            else "."
        ),
        key=f"default_notice:{notice.pk}",
        leads=True,
    )
    return notice


def case_penalty(case: Case, *, on: date | None = None) -> PenaltyStatement | None:
    """Where the penalty for a late decision stands on ``on`` (today by default): ``None``
    without a notice of default or where Awb 4:17 does not apply. The first notice counts."""
    statutory = case.product.statutory
    if statutory is None or not statutory.penalty_applies or case.legal_due_at is None:
        return None
    notice = case.default_notices.order_by("received_on", "pk").first()
    if notice is None:
        return None
    # Awb 4:17 lid 1: the penalty runs until the day the decision is given, which is the day the
    # first decision was sent (the case may stay open after it, to be closed later), else the day
    # the case closed.
    first_sent = (
        case.decisions.filter(sent_on__isnull=False)
        .order_by("sent_on")
        .values_list("sent_on", flat=True)
        .first()
    )
    closed_on = local_date(case.closed_at) if case.closed_at else None
    decided_on = first_sent or closed_on
    return penalty_statement(
        term_expired_on=local_date(case.legal_due_at),
        notice_received_on=notice.received_on,
        on=on or _today(),
        decided_on=decided_on,
    )


def reopen_refusal(case: Case) -> CaseRefused | None:
    """Why ``case`` cannot be reopened, or ``None`` when it can: closed, and the transition
    table has a reopening move from its final step. The one statement of the rule, for
    ``case_reopen`` and the page that offers it (whether the *actor* may is the role table's)."""
    if case.closed_at is None:
        return InvalidInput(_("The case is still open."))
    if not case.case_type.moves(Transition.Kind.REOPEN).get(case.status_id):
        return TransitionNotAllowed(_("Cases of this type cannot be reopened."))
    return None


def reopen_possible(case: Case) -> bool:
    """Whether ``case_reopen`` would accept reopening ``case`` (``reopen_refusal``)."""
    return reopen_refusal(case) is None


@transaction.atomic
def case_reopen(
    *, case: Case, reason: str, actor: User | None, expected_version: int | None = None
) -> Case:
    """Reopen a closed case at the step the transition table's reopening move names (the
    step before the final one); the result is cleared."""
    require(actor, Action.REOPEN, case.municipality_id)
    reason = _require_reason(reason)
    locked = _lock(case, expected_version)
    current = locked.case
    refusal = reopen_refusal(current)
    if refusal is not None:
        raise refusal
    step = current.case_type.moves(Transition.Kind.REOPEN)[current.status_id][0]
    current.closed_at = None
    current.result = None
    current.status = step
    CaseStatus.objects.create(case=current, step=step, set_at=locked.now, set_by=actor, note=reason)
    saved = _commit(
        locked,
        ["closed_at", "result", "status"],
        actor=actor,
        changes={"reopened": True},
        reason=reason,
        kind=CaseEvent.Kind.REOPENED,
    )
    _status_changed(saved)
    return saved


@transaction.atomic
def case_assign(
    *, case: Case, assignee: Any, actor: User | None, expected_version: int | None = None
) -> Case:
    """Give the case to one person, who must be able to see it. Taking a case yourself (or
    giving back your own) is handling it; giving work to someone else, or taking it from them,
    is assigning (the team lead's, by the default table: ``loket.accounts.permissions``)."""
    locked = _lock(case, expected_version)
    current = locked.case
    _open(current)
    own = assignee == actor or (assignee is None and current.assignee_id == getattr(actor, "pk", 0))
    if not own:
        require(actor, Action.ASSIGN, current.municipality_id)
    if (
        assignee is not None
        and not Case.objects.visible_to(assignee).filter(pk=current.pk).exists()
    ):
        raise InvalidInput(
            _("%(name)s cannot see this case and so cannot handle it.")
            % {"name": assignee.get_full_name() or assignee.get_username()}
        )
    current.assignee = assignee
    saved = _commit(
        locked,
        ["assignee"],
        actor=actor,
        changes={"assignee": assignee.get_username() if assignee else None},
        kind=CaseEvent.Kind.ASSIGNED,
        detail=(assignee.get_full_name() or assignee.get_username()) if assignee else "",
    )
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
    actor: User | None,
    team: Team | None = None,
    partner: Partner | None = None,
    expected_version: int | None = None,
) -> Case:
    """Route the case to another team or partner with a reason; the receiver sees the whole
    history, so the resident never tells the story twice (seed 003)."""
    require(actor, Action.HAND_OVER, case.municipality_id)
    reason = _require_reason(reason)
    if (team is None) == (partner is None):
        raise InvalidInput(_("Choose one team or one partner to hand the case to."))
    locked = _lock(case, expected_version)
    current = locked.case
    _open(current)
    before = str(current.partner or current.team or "")
    current.team, current.partner, current.assignee = team, partner, None
    target = str(team or partner)
    return _commit(
        locked,
        ["team", "partner", "assignee"],
        actor=actor,
        changes={"handled_by": [before, target]},
        reason=reason,
        kind=CaseEvent.Kind.HANDED_OVER,
        detail=f"{before} → {target}",
    )


@transaction.atomic
def case_mark_custom(
    *, case: Case, reason: str, actor: User | None, expected_version: int | None = None
) -> Case:
    """Mark custom handling ("maatwerk", seed 003) with its justification, so equal cases can
    still be seen to be treated equally."""
    reason = _require_reason(reason)
    locked = _lock(case, expected_version)
    current = locked.case
    _open(current)
    current.custom_handling = True
    current.custom_handling_reason = reason
    return _commit(
        locked,
        ["custom_handling", "custom_handling_reason"],
        actor=actor,
        changes={"custom": True},
        reason=reason,
        kind=CaseEvent.Kind.CUSTOM,
    )


@transaction.atomic
def case_add_note(*, case: Case, text: str, actor: User) -> CaseNote:
    """An internal note (never shown to the applicant), at most ``limits.TEXT`` characters."""
    text = _text(text, limit=limits.TEXT, field="text").strip()
    if not text:
        raise InvalidInput(_("A note cannot be empty."))
    note = CaseNote.objects.create(case=case, author=actor, created_at=timezone.now(), text=text)
    history_record(instance=case, action="update", actor=actor, changes={"note": text[:100]})
    return note


@transaction.atomic
def case_add_document(
    *,
    case: Case,
    upload: File[bytes],
    actor: User | None,
    from_applicant: bool = False,
    shared_with_applicant: bool = False,
) -> CaseDocument:
    """Store a file with the case. What the applicant sends is always visible to them; what staff
    add is internal unless ``shared_with_applicant``.

    Not on a closed case, from the applicant nor from staff: the file would join a decided
    request unseen (reopen the case first). Staff record afterthoughts as an internal note
    (``case_add_note``); the decision letter is the decision's own (``loket.cases.decisions``)."""
    if case.closed_at is not None:
        raise CaseClosed(_("This request is closed; you cannot add documents any more."))
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


def withdrawal_refusal(case: Case) -> CaseRefused | None:
    """Why the applicant cannot withdraw ``case``, or ``None`` when they can: the one statement
    of the rule, for ``case_withdraw`` and for Mijn Loket, which offers the button.

    Open; no decision sent yet (Awb: an application can be withdrawn until it is decided on;
    after that, the applicant objects to the decision instead); and the transition table has a
    withdrawal from the current step to a result "ingetrokken" of the case type."""
    if case.closed_at is not None:
        return CaseClosed()
    if case.decisions.filter(status=Decision.Status.SENT).exists():
        return CaseRefused(
            _("A decision has been taken on this request; you can object to it instead.")
        )
    targets = case.case_type.moves(Transition.Kind.WITHDRAW).get(case.status_id)
    if not targets or not case.case_type.results.filter(code=WITHDRAWN_RESULT).exists():
        return CaseRefused(_("This request cannot be withdrawn."))
    return None


def withdrawal_possible(case: Case) -> bool:
    """Whether ``case_withdraw`` would accept the applicant's withdrawal (``withdrawal_refusal``)."""
    return withdrawal_refusal(case) is None


@transaction.atomic
def case_withdraw(*, case: Case, actor: User | None = None, reason: str = "") -> Case:
    """The applicant withdraws the request: the case closes with the result "ingetrokken".

    Allowed where the transition table has a withdrawal from the current step (the loader
    writes one from every open step of a case type with that result: an application
    can be withdrawn until the decision), also while suspended; refused for case types without
    it (a report, for example)."""
    # The applicant's own words (``limits.REASON``) with a short lead-in from the portal.
    reason = _text(reason, limit=limits.REASON + limits.SHORT, field="reason")
    locked = _lock(case, None)
    current = locked.case
    refusal = withdrawal_refusal(current)
    if refusal is not None:
        raise refusal
    final = current.case_type.moves(Transition.Kind.WITHDRAW)[current.status_id][0]
    result = current.case_type.results.get(code=WITHDRAWN_RESULT)
    current.result = result
    current.status = final
    current.closed_at = locked.now
    current.suspended_at = None
    current.awaiting_until = None
    note = reason or _("Withdrawn by the applicant.")
    CaseStatus.objects.create(case=current, step=final, set_at=locked.now, set_by=actor, note=note)
    saved = _commit(
        locked,
        ["result", "status", "closed_at", "suspended_at", "awaiting_until"],
        actor=actor,
        changes={"status": final.name, "result": result.name},
        reason=note,
    )
    _status_changed(saved)
    return saved


@transaction.atomic
def case_send_message(
    *, case: Case, text: str, actor: User | None = None, from_applicant: bool = False
) -> CaseMessage:
    """A message to (or, from Mijn Loket, from) the applicant, at most ``limits.TEXT``
    characters: a longer one is refused, never cut off unseen. Not on a closed case, either
    way: nobody would follow it up (a new question is a new contact; staff keep an internal
    note with ``case_add_note``)."""
    if case.closed_at is not None:
        raise CaseClosed(_("This request is closed; you cannot send messages about it any more."))
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


def cases_recompute_terms() -> tuple[int, int]:
    """Count the terms of every open case again (``compute_terms``), each under its row lock;
    returns ``(changed, total)``. Nothing else about a case changes."""
    changed = total = 0
    for pk in list(Case.objects.filter(closed_at__isnull=True).values_list("pk", flat=True)):
        with transaction.atomic():
            locked = _lock(Case(pk=pk), None)
            before = [getattr(locked.case, name) for name in TERM_FIELDS]
            compute_terms(locked.case)
            total += 1
            if [getattr(locked.case, name) for name in TERM_FIELDS] != before:
                locked.case.save(update_fields=TERM_FIELDS)
                changed += 1
    return changed, total
