from django.contrib import admin

from loket.tenancy.models import Municipality, Package, ServiceOrganisation


@admin.register(ServiceOrganisation)
class ServiceOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "kind"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "service_organisation", "is_active"]
    filter_horizontal = ["additional_packages"]
