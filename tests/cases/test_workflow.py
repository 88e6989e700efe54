"""The workflow is data: every allowed transition of every shipped case type works, and moves
outside the table are refused with nothing changed."""

from __future__ import annotations

import json
from collections import deque
from itertools import pairwise
from typing import Any

import pytest

from loket.cases.errors import (
    CaseClosed,
    CaseRefused,
    CaseSuspended,
    InvalidInput,
    ResultRequired,
    StaleCase,
    TransitionNotAllowed,
)
from loket.cases.models import Case, CaseStatus
from loket.cases.services import (
    allowed_next_steps,
    case_reopen,
    case_set_result,
    case_set_status,
    case_suspend,
    case_withdraw,
)
from loket.catalogue.models import CaseType, Product, StatusStep, Transition
from loket.catalogue.services import DEFAULT_CASE_TYPES
from loket.history.models import ChangeRecord
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def _path_to(case_type: CaseType, target: StatusStep) -> list[StatusStep]:
    """The shortest route from the first step to ``target`` through the transition table."""
    start = case_type.first_step
    queue: deque[list[StatusStep]] = deque([[start]])
    seen = {start.pk}
    while queue:
        path = queue.popleft()
        if path[-1] == target:
            return path[1:]
        for step in case_type.allowed_moves.get(path[-1].pk, []):
            if step.pk not in seen:
                seen.add(step.pk)
                queue.append([*path, step])
    raise AssertionError(f"{target} unreachable in {case_type}")


def _case_of_type(municipality: Any, case_type: CaseType) -> Case:
    product = Product.objects.filter(case_type=case_type).order_by("slug").first()
    assert product is not None, case_type
    return make_case(municipality=municipality, product_slug=product.slug)


def _all_transitions() -> list[tuple[str, str, str]]:
    """Read from the shipped file at collection time, so each transition is its own test."""
    cases = []
    for item in json.loads(DEFAULT_CASE_TYPES.read_text(encoding="utf-8")):
        codes = [step["code"] for step in item["steps"]]
        pairs = item.get("transitions") or (
            list(pairwise(codes)) + [(c, codes[-1]) for c in codes[:-2]]
        )
        cases += [(item["code"], a, b) for a, b in pairs]
    return cases


@pytest.mark.parametrize(("type_code", "from_code", "to_code"), _all_transitions())
def test_every_allowed_transition(
    catalogue: None, municipality_a: Any, staff_a: Any, type_code: str, from_code: str, to_code: str
) -> None:
    case_type = CaseType.objects.get(code=type_code)
    source = case_type.steps.get(code=from_code)
    target = case_type.steps.get(code=to_code)
    assert Transition.objects.filter(case_type=case_type, from_step=source, to_step=target).exists()
    case = _case_of_type(municipality_a, case_type)
    result = case_type.results.filter(decision_types__isnull=True).first()
    reopened = case_type.moves(Transition.Kind.REOPEN).get(case_type.final_step.pk, [])
    if source in reopened:
        # A step reached only by reopening ("heropend" of a report): close, then reopen.
        for step in _path_to(case_type, case_type.final_step):
            case = case_set_status(case=case, step=step, actor=staff_a, result=result)
        case = case_reopen(case=case, reason="nog niet opgelost", actor=None)
    else:
        for step in _path_to(case_type, source):
            case = case_set_status(case=case, step=step, actor=staff_a, result=result)
    assert case.status == source
    is_final = target == case_type.final_step
    version = case.version
    case = case_set_status(
        case=case,
        step=target,
        actor=staff_a,
        note="volgende stap",
        result=result if is_final else None,
        expected_version=version,
    )
    case.refresh_from_db()
    assert case.status == target
    assert case.version == version + 1
    assert (case.closed_at is not None) == is_final
    latest = CaseStatus.objects.filter(case=case).order_by("-set_at", "-pk").first()
    assert latest is not None and latest.step == target and latest.note == "volgende stap"


def test_forbidden_transitions_change_nothing(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    refused = 0
    for case_type in CaseType.objects.all():
        case = _case_of_type(municipality_a, case_type)
        allowed = {step.pk for step in allowed_next_steps(case)}
        for step in case_type.ordered_steps:
            if step.pk in allowed:
                continue
            before = (case.version, CaseStatus.objects.filter(case=case).count())
            with pytest.raises(TransitionNotAllowed):
                case_set_status(case=case, step=step, actor=staff_a)
            case.refresh_from_db()
            assert (case.version, CaseStatus.objects.filter(case=case).count()) == before
            assert case.status == case_type.first_step
            refused += 1
    assert refused >= CaseType.objects.count()  # at least "stay on the first step" everywhere


def test_step_of_another_case_type_is_refused(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    case = make_case(municipality=municipality_a, product_slug="paspoort")
    foreign = StatusStep.objects.exclude(case_type=case.case_type).first()
    assert foreign is not None
    with pytest.raises(TransitionNotAllowed):
        case_set_status(case=case, step=foreign, actor=staff_a)


def test_closing_needs_a_result(catalogue: None, municipality_a: Any, staff_a: Any) -> None:
    case = make_case(municipality=municipality_a, product_slug="algemene-vraag")
    final = case.case_type.final_step
    assert final in allowed_next_steps(case)
    with pytest.raises(ResultRequired):
        case_set_status(case=case, step=final, actor=staff_a)
    case.refresh_from_db()
    assert case.closed_at is None and case.status == case.case_type.first_step
    result = case.case_type.results.filter(decision_types__isnull=True).first()
    assert result is not None
    case = case_set_result(case=case, result=result, actor=staff_a)
    case = case_set_status(case=case, step=final, actor=staff_a)
    assert case.closed_at is not None
    with pytest.raises(CaseClosed):
        case_set_status(case=case, step=final, actor=staff_a)


def test_result_of_another_type_is_refused(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    case = make_case(municipality=municipality_a, product_slug="paspoort")
    other = CaseType.objects.exclude(pk=case.case_type_id).first()
    assert other is not None
    result = other.results.first()
    assert result is not None
    with pytest.raises(InvalidInput):
        case_set_result(case=case, result=result, actor=staff_a)


def test_reopen_is_possible_and_recorded(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    case = make_case(municipality=municipality_a, product_slug="algemene-vraag")
    case = case_set_status(
        case=case,
        step=case.case_type.final_step,
        actor=staff_a,
        result=case.case_type.results.filter(decision_types__isnull=True).first(),
    )
    case = case_reopen(case=case, reason="Inwoner belde: vraag niet beantwoord", actor=staff_a)
    assert case.closed_at is None and case.result is None
    assert case.status == case.case_type.ordered_steps[-2]
    assert case.events.filter(kind="reopened", reason__startswith="Inwoner belde").exists()
    assert ChangeRecord.objects.for_object(case).filter(reason__startswith="Inwoner").exists()


def test_stale_edit_is_refused(catalogue: None, municipality_a: Any, staff_a: Any) -> None:
    case = make_case(municipality=municipality_a, product_slug="omgevingsvergunning")
    seen_version = case.version
    next_step = allowed_next_steps(case)[0]
    case_set_status(case=case, step=next_step, actor=staff_a, expected_version=seen_version)
    # A colleague still looking at the old version tries to move it as well.
    with pytest.raises(StaleCase):
        case_set_status(
            case=case,
            step=allowed_next_steps(Case.objects.get(pk=case.pk))[0],
            actor=staff_a,
            expected_version=seen_version,
        )


def test_a_suspended_case_does_not_move(catalogue: None, municipality_a: Any, staff_a: Any) -> None:
    case = make_case(municipality=municipality_a, product_slug="omgevingsvergunning")
    case = case_suspend(case=case, reason="Tekening ontbreekt", actor=staff_a)
    assert allowed_next_steps(case) == []
    with pytest.raises(CaseSuspended):
        case_set_status(case=case, step=case.case_type.ordered_steps[1], actor=staff_a)


# --- withdrawing and reopening: rows of the table too, of their own kind ---------------------


def _withdrawals() -> list[tuple[str, str]]:
    """Every open step of every shipped case type that has the result "ingetrokken"."""
    return [
        (item["code"], step["code"])
        for item in json.loads(DEFAULT_CASE_TYPES.read_text(encoding="utf-8"))
        if any(result["code"] == "ingetrokken" for result in item["results"])
        for step in item["steps"][:-1]
    ]


@pytest.mark.parametrize(("type_code", "from_code"), _withdrawals())
def test_withdrawing_from_every_open_step(
    catalogue: None, municipality_a: Any, staff_a: Any, type_code: str, from_code: str
) -> None:
    case_type = CaseType.objects.get(code=type_code)
    source = case_type.steps.get(code=from_code)
    final = case_type.final_step
    assert Transition.objects.filter(
        case_type=case_type, from_step=source, to_step=final, kind=Transition.Kind.WITHDRAW
    ).exists()
    case = _case_of_type(municipality_a, case_type)
    for step in _path_to(case_type, source):
        case = case_set_status(case=case, step=step, actor=staff_a)
    case = case_withdraw(case=case, reason="Verhuisd")
    assert case.status == final and case.closed_at is not None
    assert case.result is not None and case.result.code == "ingetrokken"
    latest = CaseStatus.objects.filter(case=case).order_by("-set_at", "-pk").first()
    assert latest is not None and latest.step == final and latest.note == "Verhuisd"


@pytest.mark.parametrize(
    "type_code",
    [item["code"] for item in json.loads(DEFAULT_CASE_TYPES.read_text(encoding="utf-8"))],
)
def test_reopening_every_case_type(
    catalogue: None, municipality_a: Any, staff_a: Any, type_code: str
) -> None:
    case_type = CaseType.objects.get(code=type_code)
    steps = case_type.ordered_steps
    assert Transition.objects.filter(
        case_type=case_type, from_step=steps[-1], to_step=steps[-2], kind=Transition.Kind.REOPEN
    ).exists()
    # Reopening is no step a case worker chooses: it is not among the ordinary moves.
    assert steps[-1].pk not in case_type.allowed_moves
    case = _case_of_type(municipality_a, case_type)
    case = case_set_status(
        case=case,
        step=steps[-1],
        actor=staff_a,
        result=case_type.results.filter(decision_types__isnull=True).first(),
    )
    case = case_reopen(case=case, reason="Toch niet beantwoord", actor=staff_a)
    assert case.status == steps[-2] and case.closed_at is None and case.result is None


def test_withdrawing_and_reopening_outside_the_table_change_nothing(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    # A report ("melding") has no withdrawal in its table: refused.
    report = make_case(municipality=municipality_a, product_slug="melding-openbare-ruimte")
    assert not report.case_type.transitions.filter(kind=Transition.Kind.WITHDRAW).exists()
    with pytest.raises(CaseRefused):
        case_withdraw(case=report)
    report.refresh_from_db()
    assert report.closed_at is None and report.version == 1
    # Without the withdrawal row, a case type that has the result cannot be withdrawn either:
    # the table decides, not the service.
    case = make_case(municipality=municipality_a, product_slug="algemene-vraag")
    case.case_type.transitions.filter(kind=Transition.Kind.WITHDRAW).delete()
    with pytest.raises(CaseRefused):
        case_withdraw(case=case)
    case.refresh_from_db()
    assert case.closed_at is None and case.version == 1
    # Likewise reopening.
    case.case_type.transitions.filter(kind=Transition.Kind.REOPEN).delete()
    final = case.case_type.final_step
    case = case_set_status(
        case=case,
        step=final,
        actor=staff_a,
        result=case.case_type.results.filter(decision_types__isnull=True).first(),
    )
    version, history = case.version, CaseStatus.objects.filter(case=case).count()
    with pytest.raises(TransitionNotAllowed):
        case_reopen(case=case, reason="Toch open", actor=staff_a)
    case.refresh_from_db()
    assert (case.status, case.version) == (final, version) and case.closed_at is not None
    assert CaseStatus.objects.filter(case=case).count() == history
