"""Persons and organisations: registered once, found again, kept up to date (seeds 000, 002).

* A person known by BSN (an organisation by KvK number) is never created twice: the second
  attempt is refused with the existing record, so the front office can open it instead.
* Every channel (the front office, Mijn Loket, the API) registers a party through these
  functions, so BSN, postcode, phone (+316…) and e-mail are checked and normalised one way.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from loket.history.services import history_record
from loket.lib import limits
from loket.lib.identifiers import normalise_phone, normalise_postcode
from loket.parties.errors import InvalidPartyInput, PartyExists, PartyRefused
from loket.parties.models import ContactPerson, Organisation, Person
from loket.tenancy.models import Municipality


def _validate(record: Any, **options: Any) -> None:
    limits.check_record(record, refused=InvalidPartyInput, **options)


def _clean_person_data(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = {
        key: (value.strip() if isinstance(value, str) else value) for key, value in data.items()
    }
    if cleaned.get("bsn"):
        cleaned["bsn"] = cleaned["bsn"].replace(" ", "").replace(".", "")
    if cleaned.get("phone"):
        with contextlib.suppress(ValueError):  # full_clean gives the field-level message
            cleaned["phone"] = normalise_phone(cleaned["phone"])
    if cleaned.get("postcode"):
        try:
            cleaned["postcode"] = normalise_postcode(cleaned["postcode"])
        except ValueError:
            raise PartyRefused(
                _("A postcode has four digits and two letters, for example 1234 AB."),
                field="postcode",
            ) from None
    if cleaned.get("email"):
        cleaned["email"] = cleaned["email"].lower()
    return cleaned


def _person_exists(person: Person) -> PartyExists:
    return PartyExists(
        person,
        _("A person with this BSN is already known: %(name)s.") % {"name": person},
        field="bsn",
    )


def person_create(
    *, municipality: Municipality, data: dict[str, Any], actor: User | None, reason: str = ""
) -> Person:
    """Register a resident. Refused with ``PartyExists`` when the BSN is already known in this
    municipality (a unique constraint backs this up against two simultaneous registrations)."""
    cleaned = _clean_person_data(data)
    bsn = cleaned.get("bsn") or ""
    if bsn:
        existing = Person.objects.filter(municipality=municipality, bsn=bsn).first()
        if existing is not None:
            raise _person_exists(existing)
    person = Person(municipality=municipality, **cleaned)
    _validate(person, validate_unique=False)
    try:
        with transaction.atomic():
            person.save()
            history_record(instance=person, action="create", actor=actor, reason=reason)
    except IntegrityError:
        existing = Person.objects.filter(municipality=municipality, bsn=bsn).first()
        if existing is None:
            raise
        raise _person_exists(existing) from None
    return person


KEPT_UP_TO_DATE = ("email", "phone")


def person_find_or_create(
    *, municipality: Municipality, data: dict[str, Any], actor: User | None, reason: str = ""
) -> Person:
    """The resident a channel (Mijn Loket) acts for: the person with this BSN, or without a BSN
    the one without BSN who has this e-mail address; registered (``person_create``) when new.
    An e-mail address or phone number given that differs from what is known replaces it
    (``person_update``), so both are checked and normalised (+316…) the same way as in the
    front office, and the next form offers them again. Never a second person for one BSN."""
    cleaned = _clean_person_data(data)
    bsn = cleaned.get("bsn") or ""
    known = Person.objects.filter(municipality=municipality)
    if bsn:
        person = known.filter(bsn=bsn).first()
    elif cleaned.get("email"):
        person = known.filter(bsn="", email__iexact=cleaned["email"]).order_by("pk").first()
    else:
        person = None
    if person is None:
        try:
            return person_create(municipality=municipality, data=data, actor=actor, reason=reason)
        except PartyExists as exists:  # registered a moment ago by another request
            person = Person.objects.get(pk=exists.existing.pk)
    assert person is not None
    changed = {
        key: data[key]
        for key in KEPT_UP_TO_DATE
        if cleaned.get(key) and cleaned[key] != getattr(person, key)
    }
    if changed:
        person = person_update(person=person, data=changed, actor=actor, reason=reason)
    return person


def person_update(
    *, person: Person, data: dict[str, Any], actor: User | None, reason: str = ""
) -> Person:
    """Change what is known about a resident; the BSN cannot become another person's."""
    cleaned = _clean_person_data(data)
    bsn = cleaned.get("bsn", person.bsn)
    if bsn and bsn != person.bsn:
        other = (
            Person.objects.filter(municipality_id=person.municipality_id, bsn=bsn)
            .exclude(pk=person.pk)
            .first()
        )
        if other is not None:
            raise _person_exists(other)
    before = {key: getattr(person, key) for key in cleaned}
    for key, value in cleaned.items():
        setattr(person, key, value)
    _validate(person, validate_unique=False)
    changes = {k: [str(before[k]), str(v)] for k, v in cleaned.items() if before[k] != v}
    with transaction.atomic():
        person.save()
        if changes:
            history_record(
                instance=person, action="update", actor=actor, changes=changes, reason=reason
            )
    return person


def organisation_create(
    *, municipality: Municipality, data: dict[str, Any], actor: User | None
) -> Organisation:
    """Register a business or institution; refused when the KvK number is already known."""
    cleaned = _clean_person_data(data)
    kvk = (cleaned.get("kvk_number") or "").replace(" ", "")
    cleaned["kvk_number"] = kvk
    existing = Organisation.objects.filter(municipality=municipality, kvk_number=kvk).first()
    if existing is not None:
        raise PartyExists(
            existing,
            _("An organisation with this KvK number is already known: %(name)s.")
            % {"name": existing},
            field="kvk_number",
        )
    organisation = Organisation(municipality=municipality, **cleaned)
    _validate(organisation, validate_unique=False)
    with transaction.atomic():
        organisation.save()
        history_record(instance=organisation, action="create", actor=actor)
    return organisation


def contact_person_add(
    *, organisation: Organisation, data: dict[str, Any], actor: User | None
) -> ContactPerson:
    cleaned = _clean_person_data(data)
    item = ContactPerson(organisation=organisation, **cleaned)
    _validate(item)
    with transaction.atomic():
        item.save()
        history_record(
            instance=organisation,
            action="update",
            actor=actor,
            changes={"contact_person": item.name},
        )
    return item
