"""Staff pages. Every record is fetched through ``visible_to(request.user)``: a record of a
municipality (or, for partner workers, a partner) the user does not work for is a 404.
Changes go through ``loket.cases.services``; a refusal is shown with its reason and changes
nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.accounts.models import User
from loket.accounts.permissions import Action as Permission
from loket.accounts.permissions import NotPermitted, permitted
from loket.cases import services
from loket.cases.decisions import decision_draft
from loket.cases.errors import CaseRefused
from loket.cases.figures import term_figures
from loket.cases.models import Case, CaseDocument, DueState, due_filter
from loket.cases.selectors import QueueFilters, case_queue, case_timeline
from loket.catalogue.models import Product, StatusStep
from loket.contacts.models import Contact
from loket.contacts.selectors import first_contact_resolution, request_counts
from loket.history.models import ChangeRecord
from loket.history.services import history_record
from loket.lib.calendar import local_date, provisional_days_between
from loket.lib.params import BadParameter, choice_param, parse_id, parse_uuid, text_param
from loket.notifications.services import staff_case_opened
from loket.tenancy.selectors import municipalities_for_staff
from loket.workbench import forms as wb
from loket.workbench.reports import report_section


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    user = _user(request)
    open_cases = Case.objects.visible_to(user).filter(closed_at__isnull=True)
    per_municipality = (
        open_cases.values("municipality__name", "municipality__slug")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=due_filter(DueState.OVERDUE, now)),
            norm_exceeded=Count("pk", filter=due_filter(DueState.NORM_EXCEEDED, now)),
            at_risk=Count("pk", filter=due_filter(DueState.AT_RISK, now)),
        )
        .order_by("municipality__name")
    )
    figures = None
    if permitted(user, Permission.FIGURES):
        today = local_date(now)
        figures = term_figures(user, since=today - timedelta(days=364), until=today)
    mine = (
        open_cases.filter(assignee=user)
        .select_related("product", "status", "municipality")
        .order_by("due_at")[:10]
    )
    return render(
        request,
        "workbench/dashboard.html",
        {
            "per_municipality": per_municipality,
            "mine": mine,
            "municipalities": municipalities_for_staff(user),
            "requests": request_counts(user),
            "first_contact": first_contact_resolution(user, days=30),
            "figures": figures,
            "penalties": _euros(figures.penalties) if figures else "",
            "now": now,
        },
    )


_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"
# The labels of the due states, from where the states are defined.
DUE_LABELS = dict(DueState.choices)
QUEUE_STATES = (
    DueState.OVERDUE,
    DueState.NORM_EXCEEDED,
    DueState.AT_RISK,
    DueState.ON_TRACK,
    DueState.SUSPENDED,
)


def _euros(amount: Decimal) -> str:
    """``€ 357``, ``€ 1.442`` (grouped as the language writes numbers; cents only if any)."""
    places = 0 if amount == amount.to_integral_value() else 2
    return "€ " + number_format(amount, decimal_pos=places, force_grouping=True)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    params = request.GET
    assignee = text_param(params, "assignee", max_length=20)
    if assignee not in ("", "none") and parse_id(assignee) is None:
        raise BadParameter("assignee", _("“assignee” must be a colleague's number or “none”."))
    filters = QueueFilters(
        scope=choice_param(params, "scope", ("mine", "team", "all"), "team"),
        municipality=text_param(params, "municipality", max_length=100),
        product=text_param(params, "product", max_length=100),
        status=text_param(params, "status", max_length=100),
        due=choice_param(params, "state", tuple(str(state) for state in QUEUE_STATES), ""),
        assignee=assignee,
        closed=params.get("closed") == "1",
    )
    cursor = text_param(params, "after", max_length=200)
    page = case_queue(user, filters, cursor=cursor, size=settings.LOKET_PAGE_SIZE)
    query = params.copy()
    query.pop("after", None)
    return render(
        request,
        "workbench/case_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "municipalities": municipalities_for_staff(user),
            "products": Product.objects.filter(is_active=True)
            .only("slug", "name_nl", "name_en")
            .order_by("name_nl"),
            "steps": StatusStep.objects.values_list("code", "name_nl")
            .distinct()
            .order_by("name_nl"),
            "bulk_form": wb.BulkAssignForm(user=user),
            # Built once per page, not per row (the queue is the most used staff page).
            "case_path": reverse(
                "workbench:case_detail", kwargs={"uuid": _PLACEHOLDER}
            ).removesuffix(_PLACEHOLDER),
            "due_labels": DUE_LABELS,
            "now": timezone.now(),
        },
    )


def _visible_case(request: HttpRequest, uuid: str) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(_user(request)).select_related(
            "product",
            "case_type",
            "status",
            "municipality",
            "initiator_person",
            "initiator_organisation",
            "team",
            "partner",
            "result",
            "assignee",
        ),
        uuid=uuid,
    )


def _detail(
    request: HttpRequest,
    case: Case,
    *,
    bound: dict[str, forms.Form] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    initial = {"version": case.version}
    action_forms: dict[str, forms.Form] = {
        "status": wb.StatusForm(initial=initial, case=case),
        "result": wb.ResultForm(initial=initial, case=case),
        "suspend": wb.SuspendForm(initial=initial, prefix="suspend", case=case),
        "message": wb.MessageForm(prefix="message"),
        "resume": wb.ResumeForm(initial=initial, prefix="resume"),
        "extend": wb.ExtendForm(initial=initial, prefix="extend", case=case),
        "dates": wb.CorrectDatesForm(initial=initial, prefix="dates", case=case),
        "default_notice": wb.DefaultNoticeForm(prefix="notice"),
        "assign": wb.AssignForm(
            initial={**initial, "assignee": case.assignee_id}, case=case, user=_user(request)
        ),
        "handover": wb.HandOverForm(initial=initial, prefix="handover"),
        "custom": wb.ReasonForm(initial=initial, prefix="custom"),
        "reopen": wb.ReasonForm(initial=initial, prefix="reopen"),
        "note": wb.NoteForm(),
        "document": wb.DocumentForm(),
    }
    decisions = []
    for decision in case.decisions.select_related("decision_type", "document", "decided_by"):
        edit = wb.DecisionForm(
            prefix=f"decision-{decision.pk}",
            initial={
                "reasoning": decision.reasoning,
                "legal_ground": decision.legal_ground,
                "effective_on": decision.effective_on,
                "expires_on": decision.expires_on,
                "mandate": decision.mandate,
            },
        )
        withdraw = wb.WithdrawDecisionForm(prefix=f"withdraw-{decision.pk}")
        decisions.append(
            {
                "decision": decision,
                "form": (bound or {}).get(f"decision-{decision.pk}", edit),
                "withdraw": (bound or {}).get(f"withdraw-{decision.pk}", withdraw),
            }
        )
    action_forms["decide"] = wb.DecideForm(initial=initial, prefix="decide", case=case)
    action_forms.update(bound or {})
    statutory = case.product.statutory
    rule = statutory.extension if statutory is not None else None
    penalty = services.case_penalty(case)
    latest = max(d for d in (case.due_at, case.norm_due_at, case.legal_due_at) if d is not None)
    if status == 200:
        # Seeing personal data is logged (AVG art. 5 lid 2: accountability).
        history_record(instance=case, action="view", actor=request.user)
        # What the applicant sent has now been seen: the queue's "new message" mark goes.
        staff_case_opened(case=case)
    return render(
        request,
        "workbench/case_detail.html",
        {
            "case": case,
            "timeline": case_timeline(case),
            "due_state": case.due_state(),
            "statutory": statutory,
            "extension_rule": rule,
            "extension_maximum": rule.maximum.describe(get_language() or "nl")
            if rule is not None and rule.maximum is not None
            else "",
            "penalty": penalty,
            "penalty_amount": _euros(penalty.amount) if penalty else "",
            "default_notice": case.default_notices.order_by("received_on", "pk").first()
            if penalty
            else None,
            # Atw art. 3 lid 3: days no decree covers yet are predicted; the deadline says so.
            "provisional_days": provisional_days_between(case.received_on, local_date(latest)),
            "next_steps": services.allowed_next_steps(case),
            "decisions": decisions,
            "can_decide": case.closed_at is None and case.case_type.decision_types.exists(),
            "forms": action_forms,
            "error": error,
            # The page offers what ``case_extend`` accepts: the same rule, written once.
            "can_extend": services.extension_possible(case),
            "can_reopen": services.reopen_possible(case),
            # A public-space report's place, photos, followers and duplicates (issue 15).
            "report_section": report_section(_user(request), case),
        },
        status=status,
    )


@login_required
def case_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    return _detail(request, _visible_case(request, uuid))


# name -> (form factory, prefix, what to do with the cleaned data)
Action = tuple[
    Callable[..., forms.Form], str, Callable[[Case, Any, dict[str, Any], forms.Form], Any]
]
ACTIONS: dict[str, Action] = {
    "status": (
        lambda data, files, case, user: wb.StatusForm(data, case=case),
        "",
        lambda case, user, d, f: services.case_set_status(
            case=case,
            step=d["step"],
            result=d["result"],
            note=d["note"],
            actor=user,
            expected_version=d["version"],
        ),
    ),
    "result": (
        lambda data, files, case, user: wb.ResultForm(data, case=case),
        "",
        lambda case, user, d, f: services.case_set_result(
            case=case, result=d["result"], actor=user, expected_version=d["version"]
        ),
    ),
    "suspend": (
        lambda data, files, case, user: wb.SuspendForm(data, prefix="suspend", case=case),
        "suspend",
        lambda case, user, d, f: services.case_suspend(
            case=case,
            reason=d["reason"],
            actor=user,
            expected_version=d["version"],
            respond_before=d["respond_before"],
            basis=d["basis"],
            stopped_on=d["stopped_on"],
        ),
    ),
    "message": (
        lambda data, files, case, user: wb.MessageForm(data, prefix="message"),
        "message",
        lambda case, user, d, f: services.case_send_message(case=case, text=d["text"], actor=user),
    ),
    "resume": (
        lambda data, files, case, user: wb.ResumeForm(data, prefix="resume"),
        "resume",
        lambda case, user, d, f: services.case_resume(
            case=case,
            reason=d["reason"],
            actor=user,
            expected_version=d["version"],
            received_on=d["received_on"],
        ),
    ),
    "extend": (
        lambda data, files, case, user: wb.ExtendForm(data, prefix="extend", case=case),
        "extend",
        lambda case, user, d, f: services.case_extend(
            case=case,
            reason=d["reason"],
            actor=user,
            expected_version=d["version"],
            term=d.get("term"),
            announced_on=d.get("announced_on"),
            consent=d.get("consent", False),
        ),
    ),
    "dates": (
        lambda data, files, case, user: wb.CorrectDatesForm(data, prefix="dates", case=case),
        "dates",
        lambda case, user, d, f: services.case_correct_dates(
            case=case,
            reason=d["reason"],
            actor=user,
            expected_version=d["version"],
            received_on=d["received_on"],
            contested_decision_on=d.get("contested_decision_on"),
        ),
    ),
    "default_notice": (
        lambda data, files, case, user: wb.DefaultNoticeForm(data, prefix="notice"),
        "notice",
        lambda case, user, d, f: services.case_register_default_notice(
            case=case, received_on=d["received_on"], actor=user, note=d["note"]
        ),
    ),
    "decide": (
        lambda data, files, case, user: wb.DecideForm(data, prefix="decide", case=case),
        "decide",
        lambda case, user, d, f: decision_draft(
            case=case, decision_type=d["decision_type"], actor=user
        ),
    ),
    "assign": (
        lambda data, files, case, user: wb.AssignForm(data, case=case, user=user),
        "",
        lambda case, user, d, f: services.case_assign(
            case=case, assignee=d["assignee"], actor=user, expected_version=d["version"]
        ),
    ),
    "handover": (
        lambda data, files, case, user: wb.HandOverForm(data, prefix="handover"),
        "handover",
        lambda case, user, d, f: services.case_hand_over(
            case=case,
            reason=d["reason"],
            actor=user,
            expected_version=d["version"],
            **cast(wb.HandOverForm, f).handler(),
        ),
    ),
    "custom": (
        lambda data, files, case, user: wb.ReasonForm(data, prefix="custom"),
        "custom",
        lambda case, user, d, f: services.case_mark_custom(
            case=case, reason=d["reason"], actor=user, expected_version=d["version"]
        ),
    ),
    "reopen": (
        lambda data, files, case, user: wb.ReasonForm(data, prefix="reopen"),
        "reopen",
        lambda case, user, d, f: services.case_reopen(
            case=case, reason=d["reason"], actor=user, expected_version=d["version"]
        ),
    ),
    "note": (
        lambda data, files, case, user: wb.NoteForm(data),
        "",
        lambda case, user, d, f: services.case_add_note(case=case, text=d["text"], actor=user),
    ),
    "document": (
        lambda data, files, case, user: wb.DocumentForm(data, files),
        "",
        lambda case, user, d, f: services.case_add_document(
            case=case, upload=d["file"], actor=user, shared_with_applicant=d["share"]
        ),
    ),
}

DONE = {
    "status": gettext_lazy("The step was changed."),
    "result": gettext_lazy("The result was recorded."),
    "suspend": gettext_lazy("The case is suspended; the clock has stopped."),
    "resume": gettext_lazy("The case is running again; the deadline was moved."),
    "extend": gettext_lazy("The term was extended. Tell the applicant why."),
    "dates": gettext_lazy("The dates were corrected; the terms were counted again."),
    "default_notice": gettext_lazy(
        "The notice of default was recorded; the team lead has been told."
    ),
    "assign": gettext_lazy("The case was assigned."),
    "decide": gettext_lazy(
        "A draft decision was made. Check the reasoning, preview the letter, send it."
    ),
    "handover": gettext_lazy("The case was handed over."),
    "custom": gettext_lazy("Custom handling was recorded."),
    "reopen": gettext_lazy("The case was reopened."),
    "note": gettext_lazy("The note was added."),
    "message": gettext_lazy("The message was sent to the applicant."),
    "document": gettext_lazy("The document was added."),
}


@login_required
@require_POST
def case_action(request: HttpRequest, uuid: str, action: str) -> HttpResponse:
    case = _visible_case(request, uuid)
    if action not in ACTIONS:
        return _detail(request, case, error=_("Unknown action."), status=404)
    make_form, _prefix, handle = ACTIONS[action]
    form = make_form(request.POST, request.FILES, case, _user(request))
    if not form.is_valid():
        return _detail(
            request, case, bound={action: form}, error=_("Check the form below."), status=400
        )
    try:
        handle(case, request.user, form.cleaned_data, form)
    except (CaseRefused, NotPermitted) as refused:
        if refused.field in form.fields:
            form.add_error(refused.field, str(refused.message))
        return _detail(
            request, case, bound={action: form}, error=str(refused.message), status=refused.status
        )
    messages.success(request, str(DONE[action]))
    return redirect("workbench:case_detail", uuid=case.uuid)


@login_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    parsed = [parse_uuid(value) for value in request.POST.getlist("case") if value]
    uuids = [value for value in parsed if value is not None]
    if len(uuids) != len(parsed):
        raise BadParameter("case", _("A chosen case is not a case identifier (a uuid)."))
    form = wb.BulkAssignForm(request.POST, user=user)
    # The queue's filters to return to, re-encoded: nothing else of the posted text gets into
    # the Location header.
    back_query = QueryDict(request.POST.get("back", "")).urlencode()
    back = reverse("workbench:case_list") + "?" + back_query
    if not form.is_valid():
        messages.error(request, _("Choose cases and a colleague."))
        return redirect(back)
    assigned, refused = 0, []
    for case in Case.objects.visible_to(user).filter(uuid__in=uuids):
        try:
            services.case_assign(case=case, assignee=form.cleaned_data["assignee"], actor=user)
            assigned += 1
        except (CaseRefused, NotPermitted) as error:
            refused.append(f"{case.identification}: {error.message}")
    messages.success(request, _("%(n)s cases assigned.") % {"n": assigned})
    for line in refused:
        messages.error(request, line)
    return redirect(back)


@login_required
def case_document(request: HttpRequest, uuid: str, document: str) -> FileResponse:
    case = _visible_case(request, uuid)
    item = get_object_or_404(CaseDocument, case=case, uuid=document)
    history_record(
        instance=case, action="view", actor=request.user, changes={"document": item.name}
    )
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


@login_required
def case_audit(request: HttpRequest, uuid: str) -> HttpResponse:
    """Who saw and changed this case, for administrators (AVG accountability)."""
    case = _visible_case(request, uuid)
    if not _user(request).is_administrator:
        raise PermissionDenied
    records = ChangeRecord.objects.for_object(case).select_related("actor")[:500]
    return render(request, "workbench/case_audit.html", {"case": case, "records": records})


@login_required
def contact_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    contact = get_object_or_404(
        Contact.objects.visible_to(_user(request)).select_related(
            "person", "product", "case", "registered_by", "handed_to_team", "handed_to_partner"
        ),
        uuid=uuid,
    )
    return render(request, "workbench/contact_detail.html", {"contact": contact})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """What colleagues should know: new assignments, cases at risk, overdue callbacks."""
    from loket.notifications.models import StaffNotification
    from loket.notifications.services import staff_notifications_read

    mine = StaffNotification.objects.filter(user=_user(request))
    if request.method == "POST":
        staff_notifications_read(_user(request))
        messages.success(request, _("All notifications are marked as read."))
        return redirect("workbench:notifications")
    return render(request, "workbench/notifications.html", {"items": mine[:100]})
