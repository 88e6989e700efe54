"""What delivery promises when things go wrong (issue 11, "Notifications under crashes"):

* a message is committed as "sending", with its attempt, before its data reaches the server;
* a worker that dies between handing a message over and recording the answer leaves exactly
  that message "sending"; after the lease another worker sends it again with the same
  Message-ID and marks it "possibly delivered twice" for administrators;
* a failure the server answered is retried without that mark, a connection that broke before
  the answer with it;
* messages of one case arrive in the order they were queued; a dead letter stops holding the
  rest back.

A real SMTP server (aiosmtpd) receives everything; the worker's death is simulated in-process
by an exception no ``except Exception`` catches, raised right after the server accepted the
message. ``test_worker_process.py`` does the same with a real SIGKILL on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from email.message import EmailMessage
from typing import Any

import pytest
import time_machine
from django.core.mail.backends.smtp import EmailBackend
from django.urls import reverse
from django.utils import timezone

from loket.cases.services import case_send_message
from loket.notifications.delivery import STOPPED, Courier, claim, deliver_all, deliver_batch
from loket.notifications.models import DeliveryAttempt, OutboxMessage
from loket.notifications.services import enqueue
from tests.factories import MunicipalityFactory, PersonFactory, make_case
from tests.notifications.conftest import HANG_UP

Status = OutboxMessage.Status
SMTP = "django.core.mail.backends.smtp.EmailBackend"
DIES = f"{__name__}.DiesOnceTheServerAccepted"


class WorkerDied(BaseException):
    """Stands in for SIGKILL: no ``except Exception`` catches it, nothing after it runs."""


class DiesOnceTheServerAccepted(EmailBackend):
    """Hands the message to the SMTP server, gets its "250 OK", then the worker dies."""

    def send_messages(self, email_messages: Any) -> int:
        super().send_messages(email_messages)
        raise WorkerDied


def _mail_backend(settings: Any, path: str) -> None:
    if hasattr(settings, "MAILERS"):  # Django 6.1
        settings.MAILERS = {"default": {**settings.MAILERS["default"], "BACKEND": path}}
    else:
        settings.EMAIL_BACKEND = path


def _queue(town: Any, number: int) -> OutboxMessage:
    """A message to a resident of its own (so each has its own order key)."""
    person = PersonFactory.create(municipality=town, email=f"inwoner{number}@example.org")
    message = enqueue(
        event="message",
        municipality=town,
        person=person,
        context={"message": f"Bericht {number}", "case_url": "-", "reference": "-"},
        dedupe_key=f"guarantee-{number}",
    )
    assert message is not None
    return message


def _mid(message: EmailMessage) -> str:
    return str(message["Message-ID"])


def _after_the_lease(settings: Any) -> Any:
    later = timezone.now() + dt.timedelta(seconds=settings.LOKET_DELIVERY_LEASE_SECONDS + 1)
    return time_machine.travel(later, tick=True)


@pytest.mark.django_db(transaction=True)
def test_a_message_is_committed_as_sending_with_its_attempt_before_its_data_is_handed_over(
    smtp_server: Any,
) -> None:
    town = MunicipalityFactory.create(slug="stad", name="Stad")
    queued = [_queue(town, number) for number in range(3)]
    seen: dict[str, tuple[dict[str, tuple[str, int]], set[str]]] = {}

    def look(message: EmailMessage) -> None:
        # Runs in the SMTP server's thread with its own database connection: it sees only
        # what the worker committed.
        rows = {m.message_id: (m.status, m.attempts) for m in OutboxMessage.objects.all()}
        unknown = DeliveryAttempt.objects.filter(ok__isnull=True)
        seen[_mid(message)] = (rows, {a.message.message_id for a in unknown})

    smtp_server.on_data = look
    assert deliver_all() == 3  # one batch: three order keys
    for message in queued:
        rows, unknown = seen[message.message_id]
        assert rows.pop(message.message_id) == (Status.SENDING, 1)
        assert unknown == {message.message_id}  # its attempt, outcome not yet known
        # The rest of the batch is claimed but not "sending": nothing of it was handed over.
        assert {status for status, _ in rows.values()} <= {Status.PENDING, Status.SENT}
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    assert not DeliveryAttempt.objects.filter(ok__isnull=True).exists()


@pytest.mark.django_db
def test_a_worker_dying_after_the_hand_over_leaves_that_message_unknown_and_it_is_resent_marked(
    smtp_server: Any, settings: Any
) -> None:
    town = MunicipalityFactory.create(slug="stad", name="Stad")
    first, second, third = (_queue(town, number) for number in range(3))
    _mail_backend(settings, DIES)
    with pytest.raises(WorkerDied):
        deliver_batch(worker="host:1")
    assert smtp_server.message_ids() == [first.message_id]  # the server has it
    state = {m.pk: (m.status, m.attempts) for m in OutboxMessage.objects.all()}
    assert state == {
        first.pk: (Status.SENDING, 1),  # fate unknown
        second.pk: (Status.PENDING, 0),  # claimed, never handed over: no doubt
        third.pk: (Status.PENDING, 0),
    }

    _mail_backend(settings, SMTP)
    assert deliver_batch(worker="host:2") == (0, 0)  # the dead worker's lease still holds
    with _after_the_lease(settings):
        assert deliver_all() == 3
    assert sorted(smtp_server.message_ids()) == sorted(
        [first.message_id, first.message_id, second.message_id, third.message_id]
    )  # the same Message-ID both times: mail clients show it once
    assert list(OutboxMessage.objects.filter(possibly_duplicated=True)) == [first]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    attempts = list(first.deliveries.values_list("worker", "ok", "error"))
    assert attempts == [("host:1", None, STOPPED), (attempts[1][0], True, "")]
    assert second.deliveries.get().ok is True


@pytest.mark.django_db
def test_a_refusal_is_retried_without_the_mark_a_broken_connection_with_it(
    smtp_server: Any, settings: Any
) -> None:
    town = MunicipalityFactory.create(slug="stad", name="Stad")
    refused, broken = _queue(town, 0), _queue(town, 1)
    tries: Counter[str] = Counter()

    def answer(message: EmailMessage) -> str | None:
        tries[_mid(message)] += 1
        if tries[_mid(message)] > 1:
            return None
        # The server says no (definitely not accepted), or takes it and hangs up unanswered.
        return "451 4.3.0 Try again later" if _mid(message) == refused.message_id else HANG_UP

    smtp_server.on_data = answer
    assert deliver_batch() == (0, 2)
    refused.refresh_from_db()
    broken.refresh_from_db()
    assert (refused.status, refused.attempts, refused.deliveries.get().ok) == (
        Status.PENDING,
        1,
        False,
    )
    assert "451" in refused.last_error
    assert (broken.status, broken.deliveries.get().ok) == (Status.PENDING, None)
    assert broken.last_error.startswith("Outcome unknown: SMTPServerDisconnected")
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31), tick=True):
        assert deliver_all() == 2
    assert Counter(smtp_server.message_ids()) == {refused.message_id: 1, broken.message_id: 2}
    refused.refresh_from_db()
    broken.refresh_from_db()
    assert (refused.status, refused.possibly_duplicated) == (Status.SENT, False)
    assert (broken.status, broken.possibly_duplicated) == (Status.SENT, True)


def _case_messages(town: Any, person: Any) -> list[OutboxMessage]:
    case = make_case(municipality=town, person=person, product_slug="parkeervergunning")
    case_send_message(case=case, text="Eerste bericht.")
    case_send_message(case=case, text="Tweede bericht.")
    return list(OutboxMessage.objects.filter(case=case).order_by("pk"))


@pytest.mark.django_db
def test_messages_of_a_case_arrive_in_the_order_they_were_queued(
    town: Any, resident: Any, neighbour: Any, smtp_server: Any
) -> None:
    received, first, second = _case_messages(town, resident)
    assert [m.event for m in (received, first, second)] == ["case_received", "message", "message"]
    (other,) = _case_messages(town, neighbour)[:1]
    once = {received.message_id}

    def answer(message: EmailMessage) -> str | None:
        if _mid(message) in once:  # the acknowledgement fails once, temporarily
            once.discard(_mid(message))
            return "421 4.4.2 Connection timed out"
        return None

    smtp_server.on_data = answer
    deliver_all()
    received.refresh_from_db()
    assert (received.status, received.attempts) == (Status.PENDING, 1)  # backing off
    # The reply waits for the acknowledgement; another case goes its own way.
    assert OutboxMessage.objects.get(pk=first.pk).attempts == 0
    assert received.message_id not in smtp_server.message_ids()
    assert first.message_id not in smtp_server.message_ids()
    assert other.message_id in smtp_server.message_ids()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31), tick=True):
        deliver_all()
    ours = {received.message_id, first.message_id, second.message_id}
    arrived = [mid for mid in smtp_server.message_ids() if mid in ours]
    assert arrived == [received.message_id, first.message_id, second.message_id]


@pytest.mark.django_db
def test_a_later_message_waits_while_an_earlier_one_is_claimed_by_another_worker(
    town: Any, resident: Any, smtp_server: Any
) -> None:
    received, first, _second = _case_messages(town, resident)
    assert claim(worker="host:1") == [received]
    assert claim(worker="host:2") == []  # first may not overtake received
    Courier(worker="host:1").deliver(received)
    assert claim(worker="host:2") == [first]


@pytest.mark.django_db
def test_a_dead_letter_no_longer_holds_back_the_rest_of_its_case(
    town: Any, resident: Any, smtp_server: Any
) -> None:
    received, first, second = _case_messages(town, resident)
    smtp_server.on_data = lambda m: "550 5.7.1 Refused" if _mid(m) == received.message_id else None
    assert deliver_all() == 2
    received.refresh_from_db()
    assert received.status == Status.FAILED
    assert smtp_server.message_ids() == [first.message_id, second.message_id]


@pytest.mark.django_db
def test_administrators_see_and_filter_messages_possibly_delivered_twice(
    client: Any, town: Any, resident: Any, neighbour: Any
) -> None:
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("beheer", "b@example.org", "secret-pass")
    client.force_login(admin)
    make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    make_case(municipality=town, person=neighbour, product_slug="parkeervergunning")
    OutboxMessage.objects.filter(recipient=resident.email).update(possibly_duplicated=True)
    url = reverse("admin:notifications_outboxmessage_changelist")
    everything = client.get(url).content.decode()
    assert everything.count("mogelijk twee keer bezorgd") >= 2  # the column and the filter
    assert resident.email in everything and neighbour.email in everything
    twice = client.get(url + "?possibly_duplicated__exact=1").content.decode()
    assert resident.email in twice and neighbour.email not in twice
    once = client.get(url + "?possibly_duplicated__exact=0").content.decode()
    assert neighbour.email in once and resident.email not in once
