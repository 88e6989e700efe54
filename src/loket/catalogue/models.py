"""The catalogue of products and services (PDC) and the case types behind them.

Vocabulary follows the ZGW Catalogi model: a *case type* (zaaktype) has ordered *status steps*
(statustypen; the step with the highest number is final and closes the case) and *result types*
(resultaattypen). A *product* is what a resident asks for; it names its case type, its service
norm and the team or partner that handles it.
"""

from __future__ import annotations

from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.catalogue.kinds import Kind, Phrases, phrases
from loket.catalogue.terms import LegalBasis, StatutoryTerm, statutory_term
from loket.lib.calendar import Term
from loket.lib.i18n import localized
from loket.organisation.models import Partner, Team
from loket.tenancy.models import Municipality, Package


def validate_term(value: str) -> None:
    try:
        Term.parse(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class Channel(models.TextChoices):
    COUNTER = "balie", _("counter")
    PHONE = "telefoon", _("phone")
    WEB = "web", _("website")
    EMAIL = "e-mail", _("e-mail")
    LETTER = "brief", _("letter")
    APP = "app", _("app")
    CHAT = "chat", _("chat")
    SOCIAL = "social", _("social media")


class CaseType(models.Model):
    code = models.SlugField(unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    allows_suspension = models.BooleanField(
        _("suspension allowed"), default=False, help_text=_("Awb art. 4:15")
    )
    allows_extension = models.BooleanField(
        _("extension allowed"),
        default=False,
        help_text=_("Awb 4:14 (notice), a special law's extension, 7:10 lid 3, 9:11 lid 2"),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.APPLICATION,
        help_text=_("The default kind of its products: application, report, question, ..."),
    )
    legal_basis = models.CharField(
        _("statutory decision term"),
        max_length=20,
        choices=LegalBasis.choices,
        default=LegalBasis.NONE,
        help_text=_(
            "Which law sets the term for deciding: Awb 4:13 (application: the special law's "
            "term, else eight weeks), 7:10 (objection), 9:11 (complaint), or none"
        ),
    )
    committee = models.BooleanField(
        _("heard by a committee"),
        default=False,
        help_text=_(
            "Awb 7:13 advisory committee (12 weeks) or 9:14 complaints committee (10 weeks)"
        ),
    )
    penalty_applies = models.BooleanField(
        _("penalty for a late decision applies"),
        default=False,
        help_text=_("Awb art. 4:17 (dwangsom bij niet tijdig beslissen)"),
    )

    class Meta:
        verbose_name = _("case type")
        verbose_name_plural = _("case types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @cached_property
    def ordered_steps(self) -> list[StatusStep]:
        return list(self.steps.order_by("number"))

    @property
    def first_step(self) -> StatusStep:
        return self.ordered_steps[0]

    @property
    def final_step(self) -> StatusStep:
        return self.ordered_steps[-1]

    @cached_property
    def allowed_moves(self) -> dict[int, list[StatusStep]]:
        """``{from_step_id: [to_step, ...]}`` of the ordinary steps (``Transition.Kind.STEP``)
        from the transition table, in step order."""
        return self.moves(Transition.Kind.STEP)

    def moves(self, kind: str) -> dict[int, list[StatusStep]]:
        """``{from_step_id: [to_step, ...]}`` of one kind of move in the transition table."""
        moves: dict[int, list[StatusStep]] = {}
        for transition in (
            self.transitions.filter(kind=kind).select_related("to_step").order_by("to_step__number")
        ):
            moves.setdefault(transition.from_step_id, []).append(transition.to_step)
        return moves


class StatusStep(models.Model):
    case_type = models.ForeignKey(CaseType, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField()
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    resident_text_nl = models.CharField(_("text for residents (Dutch)"), max_length=300)
    resident_text_en = models.CharField(_("text for residents (English)"), max_length=300)
    informs_resident = models.BooleanField(_("resident is informed"), default=True)

    class Meta:
        verbose_name = _("status step")
        verbose_name_plural = _("status steps")
        ordering = ["case_type", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case_type", "number"], name="step_number_unique"),
            models.UniqueConstraint(fields=["case_type", "code"], name="step_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def resident_text(self) -> str:
        return localized(self, "resident_text")


class Transition(models.Model):
    """One allowed move between two status steps of a case type: the workflow, as data.

    ``loket.cases.services.case_set_status`` is the one place that enforces the steps. The catalogue
    loader writes them from ``case_types.json`` (a ``transitions`` list per case type) or, when
    a case type lists none, the default route: each step to the next, and any open step
    straight to the final one (a refused request closes early, with a result).

    Two moves are not steps a case worker chooses, and have a ``kind`` of their own: the
    applicant *withdraws* (any open step to the final one: an application can be withdrawn
    until the decision; only for case types with the result ``ingetrokken``) and a closed case
    is *reopened* (the final step back to the one before it). The loader writes both as data;
    ``case_withdraw`` and ``case_reopen`` consult them.
    """

    class Kind(models.TextChoices):
        STEP = "step", _("next step")
        WITHDRAW = "withdraw", _("withdrawal by the applicant")
        REOPEN = "reopen", _("reopening")

    case_type = models.ForeignKey(CaseType, on_delete=models.CASCADE, related_name="transitions")
    from_step = models.ForeignKey(StatusStep, on_delete=models.CASCADE, related_name="+")
    to_step = models.ForeignKey(StatusStep, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STEP)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["case_type", "from_step__number", "to_step__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_type", "from_step", "to_step", "kind"], name="transition_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_step} → {self.to_step}"


# The result a withdrawn request closes with; a case type without it cannot be withdrawn.
WITHDRAWN_RESULT = "ingetrokken"


class ResultType(models.Model):
    case_type = models.ForeignKey(CaseType, on_delete=models.CASCADE, related_name="results")
    code = models.SlugField()
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        verbose_name = _("result type")
        verbose_name_plural = _("result types")
        ordering = ["case_type", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case_type", "code"], name="result_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class DecisionType(models.Model):
    """A kind of decision a case type's cases end with (ZGW besluittype): its outcome, the
    result the case gets, the legal remedy the letter names, and text blocks for the reasoning.

    ``remedy``: a decision on an application can be objected to (Awb 6:4 lid 1, 7:1); a decision
    on an objection can be appealed to the court (Awb 8:1, 7:1); a plain answer has none, and
    its letter carries no objection clause (Awb 3:45 applies to decisions open to objection).
    """

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("granted")
        PARTLY = "partly", _("partly granted")
        REFUSED = "refused", _("refused")
        NOT_CONSIDERED = "not_considered", _("not considered (Awb 4:5)")
        OTHER = "other", _("other")

    class Remedy(models.TextChoices):
        OBJECTION = "objection", _("objection to the municipality (Awb 6:4, 7:1)")
        APPEAL = "appeal", _("appeal to the court (Awb 8:1)")
        NONE = "none", _("none (not a decision open to objection)")

    case_type = models.ForeignKey(CaseType, on_delete=models.CASCADE, related_name="decision_types")
    code = models.SlugField()
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    result = models.ForeignKey(
        ResultType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decision_types",
        help_text=_("The case's result once this decision is sent; that result then needs one"),
    )
    remedy = models.CharField(
        _("legal remedy"), max_length=20, choices=Remedy.choices, default=Remedy.OBJECTION
    )
    legal_ground = models.CharField(_("legal ground"), max_length=300, blank=True)
    reasoning_blocks = models.JSONField(
        _("reasoning text blocks"),
        default=list,
        blank=True,
        help_text=_("[{“title”: …, “text”: …}, …]: paragraphs staff start the reasoning from"),
    )

    class Meta:
        verbose_name = _("decision type")
        verbose_name_plural = _("decision types")
        ordering = ["case_type", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case_type", "code"], name="decision_type_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def appealable(self) -> bool:
        return self.remedy != self.Remedy.NONE


class ProductQuerySet(models.QuerySet["Product"]):
    def offered_in(self, municipality: Municipality) -> ProductQuerySet:
        """Products of the standard package plus the additional packages it chose (seed 002)."""
        return self.filter(is_active=True).filter(
            models.Q(package__kind=Package.Kind.STANDARD)
            | models.Q(package__in=municipality.additional_packages.all())
        )


class Product(models.Model):
    class Domain(models.TextChoices):
        CIVIL_AFFAIRS = "burgerzaken", _("Passports, moving and civil affairs")
        TAXES = "belastingen", _("Taxes")
        LIVING_ENVIRONMENT = "omgeving", _("Building, permits and parking")
        ECONOMY = "economie", _("Business")
        PUBLIC_SPACE = "openbare-ruimte", _("Streets, waste and public space")
        CARE = "zorg", _("Care and support")
        WORK_INCOME = "werk-en-inkomen", _("Work and income")
        EDUCATION = "onderwijs", _("Education")
        COMMUNITY = "samenleving", _("Community and grants")
        GENERAL = "algemeen", _("Questions, complaints and objections")

    slug = models.SlugField(unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    summary_nl = models.CharField(_("summary (Dutch)"), max_length=300)
    summary_en = models.CharField(_("summary (English)"), max_length=300)
    description_nl = models.TextField(_("description (Dutch)"))
    description_en = models.TextField(_("description (English)"))
    needs_nl = models.TextField(_("what you need (Dutch)"), blank=True, help_text=_("One per line"))
    needs_en = models.TextField(_("what you need (English)"), blank=True)
    costs_nl = models.CharField(_("costs (Dutch)"), max_length=300, blank=True)
    costs_en = models.CharField(_("costs (English)"), max_length=300, blank=True)
    domain = models.CharField(_("domain"), max_length=30, choices=Domain.choices)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.APPLICATION,
        help_text=_("Decides the words residents read: apply, report, ask, complain, ..."),
    )
    channels = models.JSONField(_("channels"), default=list)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="products"
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="products"
    )
    service_norm = models.CharField(
        _("service norm"),
        max_length=10,
        validators=[validate_term],
        help_text=_("“5wd” = 5 working days, “6w” = 6 weeks"),
    )
    extension_term = models.CharField(
        _("extension term"),
        max_length=10,
        blank=True,
        validators=[validate_term],
        help_text=_(
            "The longest extension a special law allows (with its source below); empty: the "
            "term can only be followed by a notice under Awb art. 4:14 lid 1"
        ),
    )
    extension_source = models.CharField(
        _("source of the extension"),
        max_length=200,
        blank=True,
        help_text=_("For example “Omgevingswet art. 16.64 lid 2”"),
    )
    legal_term = models.CharField(
        _("statutory term"),
        max_length=10,
        blank=True,
        validators=[validate_term],
        help_text=_(
            "The special law's decision term; empty: the Awb's (8 weeks for an application)"
        ),
    )
    legal_source = models.CharField(
        _("source of the statutory term"),
        max_length=200,
        blank=True,
        help_text=_("For example “Woo art. 4.4 lid 1”"),
    )
    creates_case = models.BooleanField(_("creates a case"), default=True)
    online_request = models.BooleanField(_("can be requested online"), default=False)
    appointment_minutes = models.PositiveSmallIntegerField(
        _("appointment length (minutes)"), null=True, blank=True
    )
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="products")
    case_type = models.ForeignKey(
        CaseType, on_delete=models.PROTECT, null=True, blank=True, related_name="products"
    )
    keywords = models.TextField(
        _("search words"), blank=True, help_text=_("Words residents use for this; one per line")
    )
    request_form = models.JSONField(
        _("online request form"),
        default=list,
        blank=True,
        help_text=_("The fields of the online form, as data (catalogue/data/forms.json)"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name_nl"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team__isnull=True) ^ models.Q(partner__isnull=True),
                name="product_handled_by_team_xor_partner",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (self.team_id is None) == (self.partner_id is None):
            raise ValidationError(_("A product is handled by exactly one team or one partner."))
        if self.creates_case and self.case_type_id is None:
            raise ValidationError({"case_type": _("A product that creates a case needs a type.")})

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def costs(self) -> str:
        return localized(self, "costs")

    @property
    def needs(self) -> list[str]:
        return [line for line in localized(self, "needs").splitlines() if line.strip()]

    @property
    def phrases(self) -> Phrases:
        """The words for this product's kind, in the active language."""
        return phrases(self.kind)

    @property
    def term(self) -> Term:
        return Term.parse(self.service_norm)

    @property
    def extension(self) -> Term | None:
        """The longest extension the law allows for this product's cases, if any."""
        statutory = self.statutory
        if statutory is None or statutory.extension is None:
            return None
        return statutory.extension.maximum

    @cached_property
    def statutory(self) -> StatutoryTerm | None:
        """The statutory decision term of this product's cases (``loket.catalogue.terms``)."""
        case_type = self.case_type
        if case_type is None:
            return None
        return statutory_term(
            basis=case_type.legal_basis,
            committee=case_type.committee,
            penalty_applies=case_type.penalty_applies,
            allows_extension=case_type.allows_extension,
            legal_term=self.legal_term,
            legal_source=self.legal_source,
            extension_term=self.extension_term,
            extension_source=self.extension_source,
        )

    @property
    def handler(self) -> Team | Partner:
        handler = self.team or self.partner
        assert handler is not None  # the constraint: a team or a partner, never neither
        return handler

    def channel_labels(self) -> list[str]:
        return [str(Channel(code).label) for code in self.channels if code in Channel.values]


class EquatedDecree(models.Model):
    """A royal decree equating days with a generally recognised holiday (Atw art. 3 lid 3).

    Shipped with the two decrees of 2023-2028 (data migration from ``loket.lib.equated_days``);
    administrators add the next one when it appears. Years after the last decree are predicted by
    the legal calendar and marked provisional.
    """

    title = models.CharField(_("title of the decree"), max_length=300, unique=True)
    first_year = models.PositiveIntegerField(_("first year"))
    last_year = models.PositiveIntegerField(_("last year"))

    class Meta:
        verbose_name = _("decree equating days with a holiday")
        verbose_name_plural = _("decrees equating days with a holiday")
        ordering = ["first_year"]

    def __str__(self) -> str:
        return self.title


class EquatedDecreeDay(models.Model):
    decree = models.ForeignKey(EquatedDecree, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("day"), unique=True)

    class Meta:
        verbose_name = _("equated day")
        verbose_name_plural = _("equated days")
        ordering = ["day"]

    def __str__(self) -> str:
        return self.day.isoformat()
