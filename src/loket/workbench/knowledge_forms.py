"""The knowledge base's article form. It collects and checks input;
``loket.knowledge.services.article_save`` decides (who may edit, where)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from loket.catalogue.models import Product
from loket.knowledge.models import Article
from loket.knowledge.services import TEXT_LIMITS
from loket.tenancy.models import Municipality


class ArticleForm(forms.ModelForm[Article]):
    class Meta:
        model = Article
        fields = [
            "product",
            "municipality",
            "title_nl",
            "answer_nl",
            "instructions_nl",
            "title_en",
            "answer_en",
            "instructions_en",
            "valid_from",
            "valid_until",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "answer_nl": forms.Textarea(attrs={"rows": 6}),
            "answer_en": forms.Textarea(attrs={"rows": 6}),
            "instructions_nl": forms.Textarea(attrs={"rows": 3}),
            "instructions_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, limit in TEXT_LIMITS.items():
            text = cast(forms.CharField, self.fields[name])
            text.max_length = limit
            text.validators.append(MaxLengthValidator(limit))
            text.widget.attrs["maxlength"] = str(limit)
        product = cast("forms.ModelChoiceField[Product]", self.fields["product"])
        product.queryset = Product.objects.filter(is_active=True).order_by("name_nl")
        field = cast("forms.ModelChoiceField[Municipality]", self.fields["municipality"])
        field.queryset = municipalities
        field.empty_label = str(_("every municipality that offers the product"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end date cannot be before the start date."))
        return data
