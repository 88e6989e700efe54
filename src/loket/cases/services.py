"""Writing cases. Every entry point (workbench, portal, API, demo) goes through these."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from loket.cases.models import Case, CaseSequence, CaseStatus
from loket.catalogue.models import Channel, Product
from loket.contacts.models import Organisation, Person
from loket.history.services import history_record
from loket.lib.calendar import add_term
from loket.tenancy.models import Municipality


def case_deadlines(*, product: Product, started_at: datetime) -> tuple[datetime, datetime]:
    """``(due_at, at_risk_at)`` for a case received at ``started_at``.

    The service norm is counted on the legal calendar (``loket.lib.calendar``: Algemene
    termijnenwet); a case is "at risk" once ``LOKET_AT_RISK_FRACTION`` of its term has passed.
    """
    due_at = add_term(started_at, product.term)
    at_risk_at = started_at + (due_at - started_at) * settings.LOKET_AT_RISK_FRACTION
    return due_at, at_risk_at


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
) -> Case:
    """Open a case for ``product``: first step, deadlines from the service norm, routing to the
    product's team or partner, an identification, and a history record."""
    if product.case_type is None:
        raise ValueError(f"product {product.slug} does not create cases")
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
    )
    case.full_clean()
    case.save()
    CaseStatus.objects.create(case=case, step=first_step, set_at=started_at, set_by=actor)
    history_record(instance=case, action="create", actor=actor, at=started_at)
    return case
