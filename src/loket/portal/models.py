"""What Mijn Loket keeps of its own: single-use login links and files of unsent applications."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.tenancy.models import Municipality


class LoginLink(models.Model):
    """An e-mailed login link for people without DigiD. Only a hash of the secret is stored; a
    link works once and for ``LOKET_MAGIC_LINK_MINUTES``."""

    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField()
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    next_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("login link")
        verbose_name_plural = _("login links")
        indexes = [models.Index(fields=["email", "created_at"])]

    def __str__(self) -> str:
        return f"{self.email} {self.created_at:%d-%m-%Y %H:%M}"


def draft_path(instance: DraftUpload, filename: str) -> str:
    return f"drafts/{instance.uuid}/{filename}"


class DraftUpload(models.Model):
    """A file attached to an application that has not been sent yet. It belongs to the login
    session that uploaded it (``owner``: a hash of the resident's identity) and moves into the
    case when the application is sent."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.CharField(max_length=64, db_index=True)
    field = models.CharField(max_length=100)
    file = models.FileField(upload_to=draft_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("draft upload")
        verbose_name_plural = _("draft uploads")

    def __str__(self) -> str:
        return self.name
