"""Concurrency on PostgreSQL, with real connections in real threads.

Skipped (not failed) on SQLite, which serialises writers and cannot show a race.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from loket.cases.errors import CaseRefused
from loket.cases.models import Case, CaseStatus
from loket.cases.services import allowed_next_steps, case_create, case_set_status
from loket.catalogue.models import Product
from loket.catalogue.services import catalogue_load
from tests.factories import MunicipalityFactory, StaffFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _run_together(count: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(count)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            value = work(index)
            with lock:
                results.append(value)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@pytest.fixture
def setup() -> dict[str, Any]:
    catalogue_load()
    municipality = MunicipalityFactory.create(slug="gelijktijdig")
    staff = StaffFactory.create(username="twee-handen", municipalities=[municipality])
    return {"municipality": municipality, "staff": staff}


def test_fifty_creations_at_once_get_distinct_identifications(setup: dict[str, Any]) -> None:
    product = Product.objects.get(slug="melding-openbare-ruimte")

    def create(index: int) -> str:
        case = case_create(
            municipality=setup["municipality"],
            product=product,
            subject=f"Lantaarnpaal {index} kapot",
        )
        return case.identification

    identifications, errors = _run_together(50, create)
    assert errors == []
    assert len(identifications) == 50
    assert len(set(identifications)) == 50
    numbers = sorted(int(identification.rsplit("-", 1)[1]) for identification in identifications)
    assert numbers == list(range(1, 51))
    assert Case.objects.filter(municipality=setup["municipality"]).count() == 50


def test_two_status_changes_at_once_exactly_one_wins(setup: dict[str, Any]) -> None:
    case = case_create(
        municipality=setup["municipality"],
        product=Product.objects.get(slug="omgevingsvergunning"),
        subject="Dakkapel",
    )
    seen_version = case.version
    # Two colleagues both saw the case at version 1 and both move it to the next step.
    step = allowed_next_steps(case)[0]

    def move(index: int) -> str:
        try:
            moved = case_set_status(
                case=case,
                step=step,
                actor=setup["staff"],
                expected_version=seen_version,
            )
        except CaseRefused as refused:
            return f"refused:{refused.code}"
        return f"moved:{moved.status.code}"

    outcomes, errors = _run_together(2, move)
    assert errors == []
    assert sorted(o.split(":")[0] for o in outcomes) == ["moved", "refused"]
    assert any(o == "refused:stale" for o in outcomes)
    case.refresh_from_db()
    history = list(CaseStatus.objects.filter(case=case).order_by("set_at", "pk"))
    # The history has the first step and exactly the one winning change, matching the case.
    assert len(history) == 2
    assert history[-1].step == case.status
    assert case.version == seen_version + 1
