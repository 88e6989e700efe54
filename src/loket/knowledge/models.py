"""The knowledge base: what the front office says on first contact (seed 003: the municipality
as the resident's guide; seed 002: an organised first contact).

An article belongs to a product. It has an answer residents may read or hear and instructions
only staff see. It is valid from a date and, optionally, until a date; an article of one
municipality takes precedence over the shared article of the same product.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.catalogue.models import Product
from loket.lib.i18n import localized
from loket.tenancy.models import Municipality


class ArticleQuerySet(models.QuerySet["Article"]):
    def current(self, on: datetime.date) -> ArticleQuerySet:
        """Articles valid on ``on``: valid_from <= on and (no end or on <= valid_until)."""
        return self.filter(valid_from__lte=on).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=on)
        )

    def for_municipality(self, municipality: Municipality) -> ArticleQuerySet:
        """Shared articles and the municipality's own, for the products it offers."""
        return self.filter(
            models.Q(municipality__isnull=True) | models.Q(municipality=municipality),
            product__in=Product.objects.offered_in(municipality),
        )


class Article(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="articles")
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the article holds for every municipality that offers the product."),
    )
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    answer_nl = models.TextField(_("answer for residents (Dutch)"))
    answer_en = models.TextField(_("answer for residents (English)"))
    instructions_nl = models.TextField(_("instructions for staff (Dutch)"), blank=True)
    instructions_en = models.TextField(_("instructions for staff (English)"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        ordering = ["title_nl"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="article_valid_until_after_valid_from",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def answer(self) -> str:
        return localized(self, "answer")

    @property
    def instructions(self) -> str:
        return localized(self, "instructions")
