"""The outbox: messages written with the change, delivered to a real SMTP server (aiosmtpd),
in the resident's language, on their channel, retried when the server is down, parked when the
address is wrong."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from loket.cases.services import case_extend, case_send_message, case_set_status, case_suspend
from loket.catalogue.models import Product
from loket.contacts.models import Contact
from loket.contacts.services import Receiver, contact_register
from loket.lib.calendar import AMSTERDAM
from loket.notifications.delivery import deliver_all, deliver_batch, retry
from loket.notifications.models import OutboxMessage, RecordedSms, Template
from loket.organisation.models import Team
from tests.factories import PersonFactory, make_case
from tests.portal.conftest import login

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status


@pytest.fixture(autouse=True)
def _links(settings: Any) -> None:
    settings.LOKET_BASE_URL = "http://testserver"


def _body(mail: Any) -> str:
    return str(mail.get_body(preferencelist=("plain",)).get_content())


def test_a_new_case_queues_its_message_in_the_same_transaction(town: Any, resident: Any) -> None:
    case = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    message = OutboxMessage.objects.get()
    assert (message.event, message.case, message.channel, message.recipient) == (
        "case_received",
        case,
        "e-mail",
        "emma@example.org",
    )
    assert case.identification in message.subject

    def change_then_fail() -> None:
        with transaction.atomic():
            make_case(municipality=town, person=resident, product_slug="verhuizing")
            raise RuntimeError("the change is rolled back")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert OutboxMessage.objects.count() == 1  # no message about a change that did not happen


def test_resident_gets_the_right_message_in_their_language_with_a_working_link(
    client: Any, town: Any, resident: Any, smtp_server: Any, settings: Any
) -> None:
    settings.LOKET_DEMO_LOGIN = True
    resident.language = "en"
    resident.save()
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM), tick=False):
        case = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
        case_suspend(case=case, reason="Please send a photo of your registration.", actor=None)
    assert deliver_all() == 2
    received, asked = smtp_server.messages
    assert received["To"] == "emma@example.org"
    assert received["Subject"] == f"We received your request ({case.identification})"
    assert "We decide on 7 December 2026 at the latest." in _body(received)
    assert asked["Subject"] == f"We need something from you ({case.identification})"
    assert "Please send a photo of your registration." in _body(asked)
    assert "Please send it by 7 December 2026" in _body(asked)  # Awb 4:5: 14 days
    html = asked.get_body(preferencelist=("html",)).get_content()
    link = re.search(r'href="http://testserver(/[^"]+)"', html)[1]  # type: ignore[index]
    assert link == f"/stad/mijn/zaken/{case.uuid}"
    login(client, town, resident)
    assert case.identification in client.get(link).content.decode()
    assert {m["Message-ID"] for m in smtp_server.messages} == {
        m.message_id for m in OutboxMessage.objects.all()
    }


def test_dutch_by_default_and_every_event_of_the_case(
    town: Any, resident: Any, smtp_server: Any
) -> None:
    case = make_case(municipality=town, person=resident, product_slug="omgevingsvergunning")
    steps = case.case_type.ordered_steps
    case_set_status(case=case, step=steps[1], actor=None)  # internal step: no message
    case.refresh_from_db()
    case_set_status(case=case, step=steps[2], actor=None)
    case.refresh_from_db()
    case_extend(case=case, reason="We wachten op advies van de brandweer.", actor=None)
    case.refresh_from_db()
    case_send_message(case=case, text="Uw tekening is goed ontvangen.")
    deliver_all()
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert subjects == [
        f"We hebben uw aanvraag ontvangen ({case.identification})",
        f"Nieuws over uw aanvraag {case.identification}",
        f"We hebben meer tijd nodig ({case.identification})",
        f"Nieuw bericht over uw aanvraag {case.identification}",
    ]
    assert "brandweer" in _body(smtp_server.messages[2])
    assert "Uw tekening is goed ontvangen." in _body(smtp_server.messages[3])


def test_next_channel_when_there_is_no_email(town: Any, smtp_server: Any) -> None:
    by_sms = PersonFactory.create(municipality=town, email="", phone="+31687654321", surname="Sms")
    by_letter = PersonFactory.create(
        municipality=town,
        email="",
        phone="",
        street="Dorpsstraat",
        house_number="1",
        postcode="3311 AB",
        city="Stad",
        surname="Brief",
        preferred_channel="brief",
    )
    unreachable = PersonFactory.create(
        municipality=town, email="", phone="", street="", surname="Niemand"
    )
    make_case(municipality=town, person=by_sms, product_slug="parkeervergunning")
    letter_case = make_case(municipality=town, person=by_letter, product_slug="parkeervergunning")
    make_case(municipality=town, person=unreachable, product_slug="parkeervergunning")
    assert deliver_all() == 2
    sms = RecordedSms.objects.get()
    assert sms.to == "+31687654321"
    assert (
        "We hebben uw aanvraag ontvangen" in sms.text and "http://testserver/stad/mijn/" in sms.text
    )
    letter = OutboxMessage.objects.get(channel="brief")
    assert letter.status == Status.SENT and letter.printed_at is None  # in the print queue
    assert letter.letter.open("rb").read(5) == b"%PDF-"
    assert letter.case == letter_case
    assert not OutboxMessage.objects.filter(person=unreachable).exists()
    assert smtp_server.messages == []


def test_callback_tells_when_we_call(town: Any, resident: Any, smtp_server: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 24, 10, 0, tzinfo=AMSTERDAM), tick=False):
        contact_register(
            municipality=town,
            actor=None,
            channel="telefoon",
            subject="Bel mij",
            outcome=Contact.Outcome.CALLBACK,
            person=resident,
            receiver=Receiver(team=Team.objects.get(slug="klantcontactcentrum")),
        )
        deliver_all()
    assert "We bellen u uiterlijk 29 december 2026 terug op 06 12345678." in _body(
        smtp_server.messages[0]
    )


def test_template_per_municipality_and_unknown_placeholders_are_refused(
    town: Any, resident: Any, smtp_server: Any
) -> None:
    bad = Template(
        event="case_received",
        channel="e-mail",
        language="nl",
        municipality=town,
        subject="Ontvangen {{ referentie }}",
        body="Hallo {{ name }}",
    )
    with pytest.raises(ValidationError) as refused:
        bad.full_clean()
    assert "{{ referentie }}" in str(refused.value.message_dict["subject"])
    Template.objects.create(
        event="case_received",
        channel="e-mail",
        language="nl",
        municipality=town,
        subject="Stad heeft uw aanvraag {{ reference }}",
        body="Hallo {{ name }}, {{ case_url }}",
    )
    case = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    deliver_all()
    assert smtp_server.messages[0]["Subject"] == f"Stad heeft uw aanvraag {case.identification}"
    assert _body(smtp_server.messages[0]).startswith("Hallo Emma Visser, http://testserver/")


def test_smtp_down_then_back_every_message_arrives_once(
    town: Any, resident: Any, smtp_server: Any
) -> None:
    start = dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            make_case(municipality=town, person=resident, product_slug="parkeervergunning")
        smtp_server.stop()
        sent, failed = deliver_batch()
    assert (sent, failed) == (0, 5)
    message = OutboxMessage.objects.first()
    assert message is not None
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert "Connection refused" in message.last_error or "ConnectionRefused" in message.last_error
    with time_machine.travel(start + dt.timedelta(seconds=10), tick=False):
        assert deliver_batch() == (0, 0)  # back-off: not yet
    smtp_server.start()
    with time_machine.travel(start + dt.timedelta(seconds=31), tick=False):
        assert deliver_all() == 5
        assert deliver_all() == 0
    ids = smtp_server.message_ids()
    assert len(ids) == len(set(ids)) == 5
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    assert message.deliveries.count() == 2


def test_refused_address_is_a_permanent_failure(town: Any, smtp_server: Any) -> None:
    person = PersonFactory.create(municipality=town, email="onbekend@example.org", surname="Weg")
    smtp_server.refuse.add("onbekend@example.org")
    make_case(municipality=town, person=person, product_slug="parkeervergunning")
    assert deliver_batch() == (0, 1)
    message = OutboxMessage.objects.get()
    assert message.status == Status.FAILED  # a dead letter at once, not retried forever
    assert "550" in message.last_error
    assert deliver_batch() == (0, 0)
    smtp_server.refuse.clear()
    retry(message)  # an administrator fixed it and sends again
    assert deliver_all() == 1


def test_temporary_failures_end_as_a_dead_letter(
    town: Any, resident: Any, smtp_server: Any, settings: Any
) -> None:
    settings.LOKET_DELIVERY_MAX_ATTEMPTS = 3
    make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    smtp_server.stop()
    moment = timezone.now()
    for hours in range(3):
        with time_machine.travel(moment + dt.timedelta(hours=hours), tick=False):
            deliver_batch()
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (Status.FAILED, 3)


def test_the_same_event_is_queued_once(town: Any, resident: Any) -> None:
    from loket.notifications.services import notify_case

    case = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    assert notify_case("case_received", case, key="new") is None
    assert OutboxMessage.objects.count() == 1


def test_products_without_resident(town: Any) -> None:
    make_case(municipality=town, product_slug="parkeervergunning")  # anonymous: nobody to tell
    assert OutboxMessage.objects.count() == 0
    assert Product.objects.filter(slug="parkeervergunning").exists()


def test_administrators_preview_templates_and_see_dead_letters(
    client: Any, town: Any, smtp_server: Any
) -> None:
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("beheer", "b@example.org", "secret-pass")
    client.force_login(admin)
    template = Template.objects.create(
        event="decision",
        channel="e-mail",
        language="nl",
        subject="Besluit {{ reference }}",
        body="Beste {{ name }}, uw aanvraag is {{ result }}.",
    )
    page = client.get(reverse("admin:notifications_template_change", args=[template.pk]))
    html = page.content.decode()
    assert "Besluit ZAAK-2026-0000123" in html and "uw aanvraag is verleend." in html
    bad = client.post(
        reverse("admin:notifications_template_change", args=[template.pk]),
        {
            "event": "decision",
            "channel": "e-mail",
            "language": "nl",
            "subject": "x",
            "body": "{{ besluit }}",
        },
    )
    assert bad.status_code == 200 and "Onbekende plaatshouder" in bad.content.decode()
    person = PersonFactory.create(municipality=town, email="weg@example.org", surname="Weg")
    smtp_server.refuse.add("weg@example.org")
    make_case(municipality=town, person=person, product_slug="parkeervergunning")
    deliver_all()
    dead = OutboxMessage.objects.get(status=Status.FAILED)
    listing = client.get(reverse("admin:notifications_outboxmessage_changelist") + "?status=failed")
    assert "weg@example.org" in listing.content.decode()
    client.post(
        reverse("admin:notifications_outboxmessage_changelist"),
        {"action": "retry_dead_letters", "_selected_action": [dead.pk]},
    )
    dead.refresh_from_db()
    assert dead.status == Status.PENDING
