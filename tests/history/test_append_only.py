from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from loket.history.models import AppendOnlyError, ChangeRecord
from loket.history.services import diff, history_record, snapshot
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_records_who_what_when_and_why(staff_a: Any, municipality_a: Any) -> None:
    person = PersonFactory.create(municipality=municipality_a, email="oud@example.org")
    before = snapshot(person, ["email", "phone"])
    person.email = "nieuw@example.org"
    record = history_record(
        instance=person,
        action="update",
        actor=staff_a,
        changes=diff(before, snapshot(person, ["email", "phone"])),
        reason="Resident phoned in a new address",
    )
    stored = ChangeRecord.objects.for_object(person).get()
    assert stored == record
    assert stored.actor_label == "worker-a"
    assert stored.municipality == municipality_a
    assert stored.changes == {"email": ["oud@example.org", "nieuw@example.org"]}
    assert stored.reason == "Resident phoned in a new address"


def test_history_cannot_be_changed_or_deleted(municipality_a: Any) -> None:
    person = PersonFactory.create(municipality=municipality_a)
    record = history_record(instance=person, action="create")
    assert record.actor_label == "systeem"
    record.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        ChangeRecord.objects.filter(pk=record.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        ChangeRecord.objects.all().delete()
    assert ChangeRecord.objects.get(pk=record.pk).reason == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger exists on PostgreSQL only")
def test_postgres_refuses_raw_updates(municipality_a: Any) -> None:
    record = history_record(
        instance=PersonFactory.create(municipality=municipality_a), action="create"
    )
    table = ChangeRecord._meta.db_table
    for statement in (
        f"UPDATE {table} SET reason = 'x' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [record.pk])
