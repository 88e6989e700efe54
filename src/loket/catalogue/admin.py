from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from loket.accounts.admin_access import RoleTableAdmin, RoleTableInline
from loket.accounts.permissions import Action
from loket.catalogue.models import (
    CaseType,
    EquatedDecree,
    EquatedDecreeDay,
    Product,
    ResultType,
    StatusStep,
)
from loket.catalogue.services import products_changed


class StatusStepInline(RoleTableInline[StatusStep, CaseType]):
    action = Action.CATALOGUE
    model = StatusStep
    extra = 0


class ResultTypeInline(RoleTableInline[ResultType, CaseType]):
    action = Action.CATALOGUE
    model = ResultType
    extra = 0


@admin.register(CaseType)
class CaseTypeAdmin(RoleTableAdmin[CaseType]):
    action = Action.CATALOGUE
    list_display = ["code", "name_nl", "allows_suspension", "allows_extension"]
    inlines = [StatusStepInline, ResultTypeInline]


@admin.register(Product)
class ProductAdmin(RoleTableAdmin[Product]):
    action = Action.CATALOGUE
    list_display = ["name_nl", "slug", "domain", "service_norm", "package", "team", "partner"]
    list_filter = ["domain", "package", "is_active"]
    search_fields = ["name_nl", "name_en", "slug", "keywords"]

    # An admin save is a product change like a catalogue load: the search index follows it,
    # after the commit (the admin's views are atomic).
    def save_model(
        self, request: HttpRequest, obj: Product, form: forms.ModelForm[Product], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        products_changed()

    def delete_model(self, request: HttpRequest, obj: Product) -> None:
        super().delete_model(request, obj)
        products_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        super().delete_queryset(request, queryset)
        products_changed()


class EquatedDecreeDayInline(RoleTableInline[EquatedDecreeDay, EquatedDecree]):
    action = Action.CATALOGUE
    model = EquatedDecreeDay
    extra = 1


@admin.register(EquatedDecree)
class EquatedDecreeAdmin(RoleTableAdmin[EquatedDecree]):
    action = Action.CATALOGUE
    list_display = ("title", "first_year", "last_year")
    inlines = [EquatedDecreeDayInline]
