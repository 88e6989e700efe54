"""Notifications: the outbox of messages to residents, their delivery, templates, and the
notifications staff see in the workbench.

Every message is written to the outbox in the same transaction as the change it reports, so a
change without its message (or a message about a change that was rolled back) cannot happen.
The ``loket worker`` process delivers it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.tenancy.models import Municipality


class Event(models.TextChoices):
    CASE_RECEIVED = "case_received", _("request received")
    STEP_CHANGED = "step_changed", _("next step")
    INFORMATION_REQUESTED = "information_requested", _("information requested")
    TERM_EXTENDED = "term_extended", _("term extended")
    DECISION = "decision", _("decision available")
    DECISION_SENT = "decision_sent", _("decision letter sent")
    MESSAGE = "message", _("message from the case worker")
    CALLBACK_SCHEDULED = "callback_scheduled", _("callback scheduled")
    REMINDER = "reminder", _("reminder to send information")
    APPOINTMENT_BOOKED = "appointment_booked", _("appointment confirmed")
    APPOINTMENT_MOVED = "appointment_moved", _("appointment moved")
    APPOINTMENT_CANCELLED = "appointment_cancelled", _("appointment cancelled")
    APPOINTMENT_REMINDER = "appointment_reminder", _("appointment tomorrow")
    REPORT_RECEIVED = "report_received", _("report received (to its reporter)")
    REPORT_FOLLOWED = "report_followed", _("following a report")
    REPORT_UPDATE = "report_update", _("report: next step (to its followers)")
    REPORT_MERGED = "report_merged", _("report merged with another")
    REPORT_CLOSED = "report_closed", _("report closed: is it solved?")


class Channel(models.TextChoices):
    EMAIL = "e-mail", _("e-mail")
    SMS = "sms", _("text message (SMS)")
    LETTER = "brief", _("letter by post")


class Template(models.Model):
    """The text of one event on one channel in one language; a municipality may have its own,
    otherwise the shared one (no municipality) is used, otherwise the built-in default."""

    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(
        _("language"), max_length=2, choices=[("nl", _("Dutch")), ("en", _("English"))]
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(
        _("text"), help_text=_("Placeholders in double braces, for example {{ reference }}.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["event", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "language", "municipality"],
                condition=models.Q(municipality__isnull=False),
                name="template_unique_per_municipality",
            ),
            models.UniqueConstraint(
                fields=["event", "channel", "language"],
                condition=models.Q(municipality__isnull=True),
                name="template_unique_shared",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} · {self.get_channel_display()} · {self.language}"

    def clean(self) -> None:
        from loket.notifications.templating import refuse_unknown_placeholders

        refuse_unknown_placeholders(self.event, {"subject": self.subject, "body": self.body})


class OutboxMessage(models.Model):
    """One message to one resident. Its life: ``pending`` (waiting, perhaps claimed by a worker
    with a lease) → ``sending`` (committed *before* the text is handed to the SMTP server, SMS
    gateway or print queue) → ``sent``; or back to ``pending`` with back-off after a failure,
    and ``failed`` (a dead letter) in the end. A message left ``sending`` after its lease ran
    out is one whose worker died while handing it over: its fate is unknown, so it is sent
    again (same Message-ID) and marked ``possibly_duplicated``."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("being handed over")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed (dead letter)")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    event = models.CharField(max_length=30, choices=Event.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=2)
    recipient = models.CharField(_("to"), max_length=300)
    person = models.ForeignKey(
        "parties.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(max_length=300, blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    dedupe_key = models.CharField(
        max_length=200, unique=True, help_text=_("The same event is never queued twice")
    )
    order_key = models.CharField(
        _("delivered in order with"),
        max_length=320,
        help_text=_(
            "Messages with the same key (one case, or one recipient without a case) are"
            " delivered in the order they were queued."
        ),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    possibly_duplicated = models.BooleanField(
        _("possibly delivered twice"),
        default=False,
        help_text=_(
            "A worker stopped while handing this message over, before it could record whether"
            " the server accepted it; it was sent again with the same Message-ID, so the"
            " resident may have received it twice."
        ),
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    letter = models.FileField(upload_to="letters/", blank=True)
    document = models.ForeignKey(
        "cases.CaseDocument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Sent with the message: attached to the e-mail, or printed as the letter"),
    )
    printed_at = models.DateTimeField(null=True, blank=True)
    # A small text attachment made with the message (an appointment's iCalendar invitation).
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            # "Is an earlier message of this key still undelivered?", asked for every claim.
            models.Index(
                fields=["order_key", "id"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="outbox_undelivered_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.recipient} ({self.get_status_display()})"

    @property
    def message_id(self) -> str:
        """Stable across retries, so a resent e-mail can be recognised as the same one."""
        return f"<{self.uuid}@{settings.LOKET_MAIL_DOMAIN}>"


class DeliveryAttempt(models.Model):
    """One try to hand a message over, written (with ``ok`` unknown) before the hand-over and
    completed after it. ``ok`` stays unknown when the worker died in between, or when the
    connection broke before the server answered: the server may have accepted the message."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="deliveries")
    at = models.DateTimeField()
    worker = models.CharField(max_length=100)
    ok = models.BooleanField(
        _("accepted"), null=True, help_text=_("Empty: unknown whether the server accepted it.")
    )
    permanent = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    milliseconds = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        outcome = {True: "ok", None: "?"}.get(self.ok, self.error[:40])
        return f"{self.at:%d-%m-%Y %H:%M:%S} {outcome}"


class RecordedSms(models.Model):
    """What the recording SMS gateway 'sent' (the demo and the tests)."""

    to = models.CharField(max_length=30)
    text = models.TextField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recorded text message")
        verbose_name_plural = _("recorded text messages")

    def __str__(self) -> str:
        return f"{self.to}: {self.text[:40]}"


class JobRun(models.Model):
    """One run of a periodic job in one time slot. The unique slot makes sure that, with
    several workers, each job runs once per slot."""

    job = models.CharField(max_length=100)
    slot = models.CharField(max_length=40)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="job_run_once")]

    def __str__(self) -> str:
        return f"{self.job} {self.slot}"


class StaffNotification(models.Model):
    """Something a colleague should know in the workbench: a new assignment, a case at risk,
    an overdue callback, a message or document the applicant sent."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("assigned to you")
        AT_RISK = "at_risk", _("at risk of missing its norm")
        OVERDUE_CALLBACK = "overdue_callback", _("callback overdue")
        RESIDENT_MESSAGE = "resident_message", _("message from the applicant")
        RESIDENT_DOCUMENT = "resident_document", _("document from the applicant")
        SUSPENSION_ENDED = "suspension_ended", _("suspension ended by itself")
        DEFAULT_NOTICE = "default_notice", _("notice of default received")

    # What the applicant sent: unread, they mark the case in the queue until it is opened.
    FROM_RESIDENT = (Kind.RESIDENT_MESSAGE, Kind.RESIDENT_DOCUMENT)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], name="staff_notification_once")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text
