from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from loket.catalogue.models import Product
from loket.lib.i18n import current_language
from loket.lib.identifiers import format_phone

register = template.Library()


@register.filter
def service_norm_sentence(product: Product) -> str:
    """ "You will get an answer within 5 working days." — the promise, in plain words."""
    return _("You will get an answer within %(term)s.") % {
        "term": product.term.describe(current_language())
    }


@register.filter
def extension_sentence(product: Product) -> str:
    extension = product.extension
    if extension is None:
        return ""
    return _(
        "Sometimes we need more time. We will then tell you, and we take at most %(term)s longer."
    ) % {"term": extension.describe(current_language())}


@register.filter
def phone(value: str) -> str:
    """``+31612345678`` -> ``06 12345678``: stored in E.164, shown as people write it."""
    return format_phone(value) if value else ""


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``{{ uploaded|get_item:name }}``: a dictionary value in a template."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
