"""Staff accounts and their roles.

A staff user works for one or more municipalities and sees only their records. The role decides
what they may do; a partner worker belongs to one partner organisation and sees only what was
handed to it.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.accounts.permissions import Action
from loket.organisation.models import Partner, Team
from loket.tenancy.models import Municipality


class Role(models.TextChoices):
    FRONT_OFFICE = "front_office", _("front office")
    CASE_WORKER = "case_worker", _("case worker")
    TEAM_LEAD = "team_lead", _("team lead")
    PARTNER_WORKER = "partner_worker", _("partner worker")
    ADMINISTRATOR = "administrator", _("administrator")


class User(AbstractUser):
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.CASE_WORKER
    )
    municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="staff",
        verbose_name=_("works for"),
        help_text=_("The municipalities whose records this person may see."),
    )
    teams = models.ManyToManyField(
        Team, blank=True, related_name="members", verbose_name=_("teams")
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workers",
        verbose_name=_("partner organisation"),
    )

    class Meta:
        verbose_name = _("staff user")
        verbose_name_plural = _("staff users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="partner_worker", partner__isnull=False)
                | ~models.Q(role="partner_worker"),
                name="partner_worker_has_partner",
            )
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == Role.PARTNER_WORKER and self.partner_id is None:
            raise ValidationError({"partner": _("A partner worker must belong to a partner.")})

    @property
    def is_partner_worker(self) -> bool:
        return self.role == Role.PARTNER_WORKER

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == Role.ADMINISTRATOR

    @cached_property
    def municipality_ids(self) -> list[int]:
        """Cached for the request: ``visible_to`` asks for it on every query."""
        return list(self.municipalities.values_list("pk", flat=True))

    @property
    def viewable_municipality_ids(self) -> list[int]:
        """The municipalities whose records ``visible_to`` shows: those worked for where the
        role may ``view`` (the role table, one query per user object)."""
        from loket.accounts.permissions import Action, permitted

        return [pk for pk in self.municipality_ids if permitted(self, Action.VIEW, pk)]

    @cached_property
    def team_ids(self) -> list[int]:
        return list(self.teams.values_list("pk", flat=True))


class RolePermission(models.Model):
    """One cell of the role-by-action table (``loket.accounts.permissions``): whether ``role`` may
    do ``action``. Without a municipality the row is the default for every municipality; a
    municipality's own row takes precedence over it there."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
        help_text=_("Empty: the default for every municipality without a row of its own."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    allowed = models.BooleanField(_("allowed"), default=False)

    class Meta:
        verbose_name = _("role permission")
        verbose_name_plural = _("role permissions")
        ordering = ["municipality__name", "role", "action"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "role", "action"], name="role_permission_unique"
            ),
            # NULLs are distinct in a unique index, so the default rows need their own
            # (partial) one; ``nulls_distinct=False`` would do it on PostgreSQL 15+ only.
            models.UniqueConstraint(
                fields=["role", "action"],
                condition=models.Q(municipality__isnull=True),
                name="role_permission_unique_default",
            ),
        ]

    def __str__(self) -> str:
        where = self.municipality.name if self.municipality is not None else _("default")
        verdict = _("allowed") if self.allowed else _("refused")
        return f"{where}: {self.get_role_display()} · {self.get_action_display()} · {verdict}"
