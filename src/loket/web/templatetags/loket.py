from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.accounts.permissions import permitted
from loket.catalogue.models import Product
from loket.lib.i18n import current_language
from loket.lib.identifiers import format_phone
from loket.tenancy.models import Municipality

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


def _user(value: object) -> User | AnonymousUser | None:
    """The template's ``user``; anything else (a missing variable is "") is nobody."""
    return value if isinstance(value, User | AnonymousUser) else None


@register.filter
def may(user: object, action: str) -> bool:
    """``{% if user|may:"figures" %}``: whether the user's role may do ``action``
    (``loket.accounts.permissions``) in a municipality they work for. The same rule the service
    enforces, so a page offers only what will be accepted. An unknown action is an error."""
    return permitted(_user(user), action)


@register.simple_tag
def may_at(user: object, action: str, municipality: Municipality | int | None) -> bool:
    """``{% may_at user "decide" case.municipality as may_decide %}``: the same, for one
    municipality (a record's), where that municipality's own row counts; a filter takes one
    argument, so this is a tag."""
    return permitted(_user(user), action, municipality)
