"""Admin pages reached through the role table (``loket.accounts.permissions``) instead of
Django's model permissions: who may manage the catalogue or the message templates is a row of
that table (``catalogue``, ``templates``), the same one the workbench and the services ask, so a
municipality that changes the table changes the admin too. ``is_staff`` still decides whether
someone reaches the admin at all."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from loket.accounts.permissions import Action, permitted

_M = TypeVar("_M", bound=models.Model)
_P = TypeVar("_P", bound=models.Model)


def _may(request: HttpRequest, action: Action, municipality: Any = None) -> bool:
    return request.user.is_staff and permitted(request.user, action, municipality)


class RoleTableAdmin(admin.ModelAdmin[_M]):
    """A model admin whose every permission is ``permitted(user, action)``; ``municipality_of``
    names the municipality of a record that has one (then the row of that municipality)."""

    action: ClassVar[Action]

    def municipality_of(self, obj: _M | None) -> Any:
        return None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may(request, self.action)

    def has_view_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return _may(request, self.action, self.municipality_of(obj))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _may(request, self.action)

    def has_change_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return _may(request, self.action, self.municipality_of(obj))

    def has_delete_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return _may(request, self.action, self.municipality_of(obj))


class RoleTableInline(admin.TabularInline[_M, _P]):
    """The rows shown inside a ``RoleTableAdmin`` page, under the same row of the table."""

    action: ClassVar[Action]

    def has_view_permission(self, request: HttpRequest, obj: _P | None = None) -> bool:
        return _may(request, self.action)

    def has_add_permission(self, request: HttpRequest, obj: _P | None = None) -> bool:
        return _may(request, self.action)

    def has_change_permission(self, request: HttpRequest, obj: _P | None = None) -> bool:
        return _may(request, self.action)

    def has_delete_permission(self, request: HttpRequest, obj: _P | None = None) -> bool:
        return _may(request, self.action)
