"""Who handles the work: the departments and teams of the (shared) organisation, and partner
organisations ("verbonden partijen", "ketenpartners") to which tasks are handed (seed 000)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    """A department or a team within one; products are routed to it."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("department")
        TEAM = "team", _("team")

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TEAM)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    email = models.EmailField(_("e-mail address"), blank=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """An organisation outside the municipality that handles some products for it.

    Its workers only ever see what was handed to it (``TenantQuerySet.visible_to``).
    """

    class Kind(models.TextChoices):
        AFFILIATED = "affiliated", _("affiliated body (verbonden partij)")
        CHAIN = "chain", _("chain partner (ketenpartner)")

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CHAIN)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
