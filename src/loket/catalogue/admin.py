from django.contrib import admin

from loket.catalogue.models import (
    CaseType,
    EquatedDecree,
    EquatedDecreeDay,
    Product,
    ResultType,
    StatusStep,
)


class StatusStepInline(admin.TabularInline):
    model = StatusStep
    extra = 0


class ResultTypeInline(admin.TabularInline):
    model = ResultType
    extra = 0


@admin.register(CaseType)
class CaseTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "allows_suspension", "allows_extension"]
    inlines = [StatusStepInline, ResultTypeInline]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "slug", "domain", "service_norm", "package", "team", "partner"]
    list_filter = ["domain", "package", "is_active"]
    search_fields = ["name_nl", "name_en", "slug", "keywords"]


class EquatedDecreeDayInline(admin.TabularInline):
    model = EquatedDecreeDay
    extra = 1


@admin.register(EquatedDecree)
class EquatedDecreeAdmin(admin.ModelAdmin):
    list_display = ("title", "first_year", "last_year")
    inlines = [EquatedDecreeDayInline]
