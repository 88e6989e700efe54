"""Cases (zaken) made from a product's case type, with their stored deadlines.

Deadlines are computed by ``loket.cases.services`` when a case changes and stored (``due_at``,
``at_risk_at``, both indexed), so a queue sorted or filtered by due state is a plain index scan.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.catalogue.models import (
    CaseType,
    Channel,
    DecisionType,
    Product,
    ResultType,
    StatusStep,
    validate_term,
)
from loket.organisation.models import Partner, Team
from loket.parties.models import Organisation, Person
from loket.tenancy.models import Municipality, TenantOwned


class DueState(models.TextChoices):
    """Where an open case stands against its terms; decided here only (``due_state`` for one
    case, ``due_filter`` for a queryset), so every page and figure agrees.

    Overdue is measured against the statutory term (where the case has one, else the service
    norm): from then on a notice of default and a penalty are possible (Awb 4:17). "Past the
    service norm" means the municipality's own promise was missed while the law's term runs.
    """

    ON_TRACK = "on_track", _("on track")
    AT_RISK = "at_risk", _("at risk")
    NORM_EXCEEDED = "norm_exceeded", _("past the promised date")
    OVERDUE = "overdue", _("overdue")
    SUSPENDED = "suspended", _("suspended")
    CLOSED = "closed", _("closed")


def due_filter(state: str, now: datetime) -> models.Q:
    """The open, running cases in due ``state`` at ``now``, as a filter on the stored moments."""
    running = models.Q(closed_at__isnull=True, suspended_at__isnull=True)
    overdue = models.Q(legal_due_at__lt=now) | models.Q(legal_due_at__isnull=True, due_at__lt=now)
    if state == DueState.OVERDUE:
        return running & overdue
    if state == DueState.NORM_EXCEEDED:
        return running & models.Q(due_at__lt=now) & ~overdue
    if state == DueState.AT_RISK:
        return running & models.Q(at_risk_at__lte=now, due_at__gte=now) & ~overdue
    if state == DueState.ON_TRACK:
        return running & models.Q(at_risk_at__gt=now) & ~overdue
    if state == DueState.SUSPENDED:
        return models.Q(closed_at__isnull=True, suspended_at__isnull=False)
    if state == DueState.CLOSED:
        return models.Q(closed_at__isnull=False)
    raise ValueError(f"unknown due state {state!r}")


class Confidentiality(models.TextChoices):
    """ZGW vertrouwelijkheidaanduiding, the levels a municipality uses for cases."""

    PUBLIC = "openbaar", _("public")
    CASE_SENSITIVE = "zaakvertrouwelijk", _("case-confidential")
    CONFIDENTIAL = "vertrouwelijk", _("confidential")


class Case(TenantOwned):
    partner_scope = "partner"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    identification = models.CharField(
        _("reference"), max_length=40, help_text=_("ZAAK-2026-0000123; never changes")
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="cases")
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="cases")
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    initiator_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    initiator_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    channel = models.CharField(_("intake channel"), max_length=20, choices=Channel.choices)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.CASE_SENSITIVE,
    )
    started_at = models.DateTimeField(_("registered"))
    received_on = models.DateField(
        _("received on"),
        help_text=_(
            "The date stamp: the day the request reached the municipality, from which its terms "
            "run (Awb art. 4:13 lid 1), not the day it was registered"
        ),
    )
    contested_decision = models.ForeignKey(
        "cases.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections",
        verbose_name=_("contested decision"),
        help_text=_("For an objection to a decision made in Loket"),
    )
    contested_decision_on = models.DateField(
        _("contested decision sent on"),
        null=True,
        blank=True,
        help_text=_(
            "An objection's term runs from the end of the objection period (Awb 6:7, 7:10)"
        ),
    )
    due_at = models.DateTimeField(
        _("promised date"),
        help_text=_(
            "The service norm, or the date announced in an extension; what the applicant is "
            "told to expect"
        ),
    )
    service_norm = models.CharField(
        _("own service norm"),
        max_length=10,
        blank=True,
        validators=[validate_term],
        help_text=_(
            "Where the case's kind sets its norm, not the product (a report's category, "
            "issue 15); empty: the product's"
        ),
    )
    norm_due_at = models.DateTimeField(
        _("service norm"), help_text=_("The product's service norm, suspensions included")
    )
    legal_due_at = models.DateTimeField(
        _("statutory term"),
        null=True,
        blank=True,
        help_text=_("The law's decision term (Awb 4:13, 7:10, 9:11); empty where none applies"),
    )
    at_risk_at = models.DateTimeField(_("at risk from"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    suspended_at = models.DateTimeField(
        _("suspended since"), null=True, blank=True, help_text=_("Awb art. 4:15")
    )
    extended_at = models.DateTimeField(
        _("extended on"),
        null=True,
        blank=True,
        help_text=_("The first extension or notice (Awb 4:14, 7:10 lid 3, 9:11 lid 2)"),
    )
    awaiting_until = models.DateField(
        _("applicant to respond before"),
        null=True,
        blank=True,
        help_text=_("Awb art. 4:5: the term the applicant gets to complete the request"),
    )
    submission_key = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("Set by an online application; the same key never makes a second case"),
    )
    form_data = models.JSONField(_("application answers"), default=dict, blank=True)
    custom_handling = models.BooleanField(_("custom handling (maatwerk)"), default=False)
    custom_handling_reason = models.TextField(_("why custom handling"), blank=True)
    status = models.ForeignKey(
        StatusStep, on_delete=models.PROTECT, related_name="+", verbose_name=_("current step")
    )
    result = models.ForeignKey(
        ResultType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    version = models.PositiveIntegerField(default=1, help_text=_("Raised on every change"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "identification"], name="case_identification_unique"
            ),
            models.UniqueConstraint(
                fields=["municipality", "submission_key"],
                condition=~models.Q(submission_key=""),
                name="case_submission_once",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "closed_at", "due_at"]),
            models.Index(fields=["team", "closed_at", "due_at"]),
            models.Index(fields=["partner", "closed_at", "due_at"]),
            models.Index(fields=["assignee", "closed_at", "due_at"]),
            models.Index(fields=["municipality", "closed_at", "legal_due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.identification} {self.subject}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def days_objected_late(self) -> int:
        """For an objection: the days it arrived after the objection period (Awb 6:7, 6:8);
        0 when in time or unknown. A late objection is received all the same (Awb 6:11)."""
        if self.contested_decision_on is None:
            return 0
        from loket.cases.terms import objection_period_end

        return max((self.received_on - objection_period_end(self.contested_decision_on)).days, 0)

    @property
    def expires_at(self) -> datetime:
        """When the case becomes overdue: the statutory term, else the service norm."""
        return self.legal_due_at or self.due_at

    def due_state(self, now: datetime | None = None) -> DueState:
        """The one rule, for one case; ``due_filter`` is the same rule for a queryset."""
        if self.closed_at is not None:
            return DueState.CLOSED
        if self.suspended_at is not None:
            return DueState.SUSPENDED
        now = now or timezone.now()
        if now > self.expires_at:
            return DueState.OVERDUE
        if now > self.due_at:
            return DueState.NORM_EXCEEDED
        if now >= self.at_risk_at:
            return DueState.AT_RISK
        return DueState.ON_TRACK


class CaseStatus(models.Model):
    """Append-only history of a case's steps; ``Case.status`` is the latest."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="statuses")
    step = models.ForeignKey(StatusStep, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set at"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("explanation"), blank=True)

    class Meta:
        verbose_name = _("case status")
        verbose_name_plural = _("case statuses")
        ordering = ["set_at", "pk"]

    def __str__(self) -> str:
        return f"{self.step} ({self.set_at:%d-%m-%Y})"


class CaseSequence(models.Model):
    """The last number handed out per municipality and year, claimed under a row lock."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="case_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class CaseNote(models.Model):
    """An internal note; never shown to the resident."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("written"))
    text = models.TextField(_("note"))

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


def document_path(instance: CaseDocument, filename: str) -> str:
    # No resident-supplied name in the storage path: the case uuid and a fresh uuid only.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"cases/{instance.case.uuid}/{uuid.uuid4()}.{suffix}"


class CaseDocument(models.Model):
    """A file in a case, stored through Django's storage API (local disk or S3-compatible)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=document_path)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField(_("added"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_applicant = models.BooleanField(_("sent by the applicant"), default=False)
    shared_with_applicant = models.BooleanField(
        _("shared with the applicant"),
        default=False,
        help_text=_("The applicant sees it in Mijn Loket"),
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class CaseEvent(models.Model):
    """What happened to a case besides its steps: deadline changes, routing, custom handling.

    Append-only, like ``CaseStatus``; together with statuses, notes, documents and contacts it
    makes the case's one timeline.
    """

    class Kind(models.TextChoices):
        SUSPENDED = "suspended", _("suspended")
        RESUMED = "resumed", _("resumed")
        EXTENDED = "extended", _("extended")
        ASSIGNED = "assigned", _("assigned")
        HANDED_OVER = "handed_over", _("handed over")
        CUSTOM = "custom", _("custom handling")
        RESULT = "result", _("result set")
        REOPENED = "reopened", _("reopened")
        RECEIPT = "receipt", _("date of receipt corrected")
        DEFAULT_NOTICE = "default_notice", _("notice of default received")
        DECISION = "decision", _("decision")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    due_before = models.DateTimeField(null=True, blank=True)
    due_after = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    effective_on = models.DateField(
        _("legal date"),
        null=True,
        blank=True,
        help_text=_(
            "The day that counts in law: the invitation to supplement, the day the information "
            "arrived, the new date of receipt"
        ),
    )
    until = models.DateField(
        _("until"),
        null=True,
        blank=True,
        help_text=_("The response date, the agreed delay's last day, or the date announced"),
    )
    basis = models.CharField(_("legal basis"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d-%m-%Y}"


class Decision(models.Model):
    """A decision (besluit, Awb 1:3) on a case: its type, reasoning (Awb 3:46), legal ground,
    when it takes effect and ends, and who decided. Made as a draft; once sent it is never
    changed, only withdrawn or replaced by a new decision, both recorded
    (``loket.cases.decisions``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SENT = "sent", _("sent")
        WITHDRAWN = "withdrawn", _("withdrawn")
        REPLACED = "replaced", _("replaced")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    identification = models.CharField(_("reference"), max_length=50)
    decision_type = models.ForeignKey(
        DecisionType, on_delete=models.PROTECT, related_name="+", verbose_name=_("decision type")
    )
    reasoning = models.TextField(_("reasoning"), help_text=_("Awb art. 3:46"))
    legal_ground = models.CharField(_("legal ground"), max_length=300, blank=True)
    effective_on = models.DateField(
        _("takes effect on"),
        null=True,
        blank=True,
        help_text=_("Empty: the day it is sent (Awb art. 3:40)"),
    )
    expires_on = models.DateField(_("ends on"), null=True, blank=True)
    mandate = models.CharField(
        _("decided on behalf of"),
        max_length=200,
        help_text=_("The body in whose name it is decided, e.g. the college, in mandate"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    document = models.ForeignKey(
        CaseDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    withdrawn_reason = models.TextField(_("why withdrawn"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "identification"], name="decision_ref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.identification} {self.decision_type}"

    @property
    def objection_last_day(self) -> date | None:
        """The last day to object (Awb 6:7, 6:8; Atw art. 1), once sent and open to it."""
        if self.sent_on is None or not self.decision_type.appealable:
            return None
        from loket.cases.terms import objection_period_end

        return objection_period_end(self.sent_on)


class DefaultNotice(models.Model):
    """A written notice of default (ingebrekestelling, Awb art. 4:17 lid 3) the applicant sent
    because the statutory term expired; the penalty is computed from it (``penalty``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="default_notices")
    received_on = models.DateField(_("received on"))
    registered_at = models.DateTimeField(_("registered"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("notice of default")
        verbose_name_plural = _("notices of default")
        ordering = ["received_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case.identification} {self.received_on:%d-%m-%Y}"


class CaseMessage(models.Model):
    """A message between the applicant (in Mijn Loket) and the people handling the case."""

    class Sender(models.TextChoices):
        APPLICANT = "applicant", _("applicant")
        STAFF = "staff", _("municipality")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=10, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("message"))
    sent_at = models.DateTimeField(_("sent"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["case", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.get_sender_display()} {self.sent_at:%d-%m-%Y}: {self.text[:40]}"


class LetterTemplate(TenantOwned):
    """How a municipality words its decision letters (issue 13): opening and closing, who signs
    and on whose behalf, where objections go, which court gives a provisional ruling, and the
    footer. One per municipality and optional: without one, or where a field is empty, the
    letter uses Loket's own text. The objection clause itself (Awb 3:45, 6:7, 6:8, 6:5, 8:81)
    stays in the code; this only fills in to whom and where (``loket.cases.letters``)."""

    opening_nl = models.TextField(
        _("opening (Dutch)"),
        blank=True,
        help_text=_("After the salutation. Empty: the standard opening."),
    )
    opening_en = models.TextField(
        _("opening (English)"),
        blank=True,
        help_text=_("For applicants who chose English. Empty: the standard English opening."),
    )
    closing_nl = models.TextField(
        _("closing (Dutch)"), blank=True, help_text=_("Before the greeting. Empty: none.")
    )
    closing_en = models.TextField(
        _("closing (English)"), blank=True, help_text=_("Empty: none in English letters.")
    )
    mandate = models.CharField(
        _("decided on behalf of"),
        max_length=200,
        blank=True,
        help_text=_("Empty: Namens het college van burgemeester en wethouders"),
    )
    signatory_name = models.CharField(
        _("signed by"),
        max_length=200,
        blank=True,
        help_text=_("Empty: the colleague who sends the decision"),
    )
    signatory_function = models.CharField(
        _("function of the signatory"), max_length=200, blank=True
    )
    objection_addressee = models.CharField(
        _("objections are addressed to"),
        max_length=200,
        blank=True,
        help_text=_("Empty: the Municipal Executive (college van burgemeester en wethouders)"),
    )
    objection_address = models.TextField(
        _("postal address for objections"),
        blank=True,
        help_text=_("One line each. Empty: the municipality's postal address"),
    )
    objection_url = models.URLField(
        _("where to object online"), blank=True, help_text=_("Empty: Mijn Loket")
    )
    court = models.CharField(
        _("district court"),
        max_length=200,
        blank=True,
        help_text=_("For a provisional ruling (Awb 8:81), e.g. rechtbank Gelderland"),
    )
    footer = models.TextField(_("footer"), blank=True, help_text=_("At most three lines"))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="letter_template_unique")
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.municipality_id}"


class ReasoningBlocks(TenantOwned):
    """A municipality's own text blocks for the reasoning (Awb 3:46) of one decision type, in
    place of the catalogue's (``DecisionType.reasoning_blocks``, shared by all municipalities):
    ``[{"title": …, "text": …}, …]``. No row: the catalogue's blocks apply."""

    decision_type = models.ForeignKey(
        DecisionType, on_delete=models.CASCADE, related_name="+", verbose_name=_("decision type")
    )
    blocks = models.JSONField(_("reasoning text blocks"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("reasoning text blocks")
        verbose_name_plural = _("reasoning text blocks")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "decision_type"], name="reasoning_blocks_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision_type_id} ({self.municipality_id})"
