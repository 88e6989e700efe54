"""Tenancy: municipalities, the service organisation some of them share, and packages.

Seed 002: several municipalities share one service organisation with a *standard* package every
member takes and *additional* packages each municipality may choose. A municipality on its own
simply has no service organisation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.lib.i18n import localized

if TYPE_CHECKING:
    from loket.accounts.models import User

# Path prefixes the resident side can never use as a municipality slug (see loket/urls.py).
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "werkplek",
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


class ServiceOrganisation(models.Model):
    """A shared service organisation ("werkorganisatie") serving several municipalities."""

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


class Municipality(models.Model):
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
    email = models.EmailField(_("public e-mail address"), blank=True)
    phone = models.CharField(_("public phone number"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantQuerySet(models.QuerySet[Any]):
    """Queries on tenant-owned records. Views start from ``visible_to`` or ``in_municipality``.

    ``visible_to(user)`` is the one place that decides what a staff user may see: only the
    municipalities they work for and, for a partner worker, only what was handed to their partner
    (the model names the path to its partner in ``partner_scope``). Anything else sees nothing.
    """

    def in_municipality(self, municipality: Municipality) -> Self:
        return self.filter(municipality=municipality)

    def visible_to(self, user: User | Any) -> Self:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        qs = self.filter(municipality_id__in=user.municipality_ids)
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
