"""Tenancy: municipalities, the service organisation some of them share, and packages.

Seed 002: several municipalities share one service organisation with a *standard* package every
member takes and *additional* packages each municipality may choose. A municipality on its own
simply has no service organisation.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.lib.i18n import localized
from loket.tenancy.hours import validate_opening_hours

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from loket.tenancy.face import Face


class StaffMember(Protocol):
    """What tenancy reads of a staff user (``loket.accounts.models.User``): a protocol, not an
    import, because accounts builds on tenancy (a user works for municipalities), not the reverse
    (bin/check-layers)."""

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def is_superuser(self) -> bool: ...

    @property
    def is_partner_worker(self) -> bool: ...

    @property
    def partner_id(self) -> int | None: ...

    @property
    def municipality_ids(self) -> list[int]: ...

    @property
    def viewable_municipality_ids(self) -> list[int]: ...


# Path prefixes the resident side can never use as a municipality slug (see loket/urls.py).
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "werkplek",
        "open311",
        "static",
        "media",
        "i18n",
        "beheer",
        "health",
        "favicon.ico",
        "mijn-loket",
    }
)


def validate_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("“%(slug)s” is reserved for the system."), params={"slug": value})


LOGO_MAX_BYTES = 512 * 1024


def validate_logo_size(value: Any) -> None:
    if value and value.size > LOGO_MAX_BYTES:
        raise ValidationError(_("A logo can be at most 512 KB."))


class PublicFace(models.Model):
    """How residents reach us: shown in the footer of every resident page, on the contact page
    and with the channels of every product. A municipality without a value uses its service
    organisation's (``loket.tenancy.face``)."""

    phone = models.CharField(
        _("public phone number"),
        max_length=30,
        blank=True,
        validators=[
            RegexValidator(r"^\+?[0-9][0-9 \-()]{1,28}$", _("Digits and spaces, e.g. 14 0123."))
        ],
        help_text=_("As residents dial it, for example 14 0123 (14 + area code)."),
    )
    email = models.EmailField(_("public e-mail address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    visiting_address = models.TextField(
        _("visiting address"),
        blank=True,
        help_text=_("One line each: building, street and number, postcode and place."),
    )
    postal_address = models.TextField(
        _("postal address"), blank=True, help_text=_("For letters; one line each.")
    )
    opening_hours = models.JSONField(
        _("opening hours"),
        default=dict,
        blank=True,
        validators=[validate_opening_hours],
        help_text=_("Per channel (phone, counter) and weekday; edit them in the fields below."),
    )
    counter_by_appointment = models.BooleanField(_("counter by appointment only"), default=False)
    logo = models.ImageField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        validators=[
            FileExtensionValidator(["png", "jpg", "jpeg", "webp"]),
            validate_logo_size,
        ],
        help_text=_("PNG, JPEG or WebP, at most 512 KB; shown at 48 pixels high."),
    )
    contact_text_nl = models.TextField(_("contact page text (Dutch)"), blank=True)
    contact_text_en = models.TextField(_("contact page text (English)"), blank=True)

    class Meta:
        abstract = True


class ServiceOrganisation(PublicFace):
    """A shared service organisation ("werkorganisatie") serving several municipalities. Its
    contact details are the defaults of the municipalities it serves."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("service organisation")
        verbose_name_plural = _("service organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Package(models.Model):
    """A set of products offered together: the standard package or an additional one."""

    class Kind(models.TextChoices):
        STANDARD = "standard", _("standard (every municipality)")
        ADDITIONAL = "additional", _("additional (chosen per municipality)")

    code = models.SlugField(unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Municipality(PublicFace):
    """The tenant. Every record residents or staff create belongs to exactly one municipality."""

    slug = models.SlugField(
        unique=True,
        validators=[validate_not_reserved],
        help_text=_("Used in the resident-side address: /<slug>/"),
    )
    name = models.CharField(_("name"), max_length=200)
    cbs_code = models.CharField(
        _("CBS municipality code"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("Four digits, for example 0505."))],
    )
    service_organisation = models.ForeignKey(
        ServiceOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        verbose_name=_("service organisation"),
    )
    additional_packages = models.ManyToManyField(
        Package,
        blank=True,
        limit_choices_to={"kind": Package.Kind.ADDITIONAL},
        related_name="municipalities",
        verbose_name=_("additional packages"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def face(self) -> Face:
        """Its contact details, with the service organisation's where it has none."""
        from loket.tenancy.face import face_of

        return face_of(self)


# The model of a tenant-owned queryset: ``Case.objects.visible_to(user)`` gives cases.
_M = TypeVar("_M", bound=models.Model)


class TenantQuerySet(models.QuerySet[_M]):
    """Queries on tenant-owned records. Views start from ``visible_to`` or ``in_municipality``.

    ``visible_to(user)`` is the one place that decides what a staff user may see: only the
    municipalities they work for where their role may ``view`` (a municipality can refuse it in
    the role table, ``loket.accounts.permissions``) and, for a partner worker, only what was handed to their partner
    (the model names the path to its partner in ``partner_scope``). Anything else sees nothing.
    """

    def in_municipality(self, municipality: Municipality) -> Self:
        return self.filter(municipality=municipality)

    def visible_to(self, user: StaffMember | AnonymousUser | None) -> Self:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        # The municipalities they work for where their role may ``view`` (the role table).
        qs = self.filter(municipality_id__in=user.viewable_municipality_ids)
        if user.is_partner_worker:
            scope: str | None = getattr(self.model, "partner_scope", None)
            if scope is None or user.partner_id is None:
                return self.none()
            qs = qs.filter(**{scope: user.partner_id})
            if "__" in scope:
                qs = qs.distinct()
        return qs


class TenantOwned(models.Model):
    """Abstract base of every tenant-owned record."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )

    # Lookup from this model to the partner it was handed to; None: partners never see it.
    partner_scope: str | None = None

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True
