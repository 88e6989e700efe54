from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from loket.tenancy import hours as h
from loket.tenancy.models import Municipality, Package, PublicFace, ServiceOrganisation

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldOpts, _FieldsetSpec


def _hours_field(channel: str, weekday: int) -> str:
    return f"hours_{channel}_{h.DAYS[weekday]}"


class PublicFaceForm(forms.ModelForm[PublicFace]):
    """The opening hours as one text field per channel and weekday ("8.30-12.30, 13.00-17.00";
    empty = closed), stored as the structured ``opening_hours``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = (self.instance.opening_hours or {}) if self.instance else {}
        for channel in h.CHANNELS:
            for weekday in range(7):
                spans = (stored.get(channel) or {}).get(h.DAYS[weekday], [])
                self.initial.setdefault(_hours_field(channel, weekday), ", ".join(spans))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opening: dict[str, dict[str, list[str]]] = {}
        for channel in h.CHANNELS:
            for weekday in range(7):
                name = _hours_field(channel, weekday)
                try:
                    spans = h.parse_intervals(cleaned.get(name) or "")
                except ValueError as exc:
                    self.add_error(name, str(exc))
                    continue
                if spans:
                    opening.setdefault(channel, {})[h.DAYS[weekday]] = spans
        cleaned["opening_hours"] = opening
        self.instance.opening_hours = opening
        return cleaned


for _channel, _label in h.CHANNELS.items():
    for _weekday in range(7):
        PublicFaceForm.base_fields[_hours_field(_channel, _weekday)] = forms.CharField(
            label=format_lazy("{}: {}", _label, h.day_name_lazy(_weekday)),
            required=False,
            help_text=_("For example 8.30-12.30, 13.00-17.00; empty: closed")
            if _weekday == 0
            else "",
        )
        PublicFaceForm.declared_fields[_hours_field(_channel, _weekday)] = (
            PublicFaceForm.base_fields[_hours_field(_channel, _weekday)]
        )

_FACE_FIELDS = (
    "phone",
    "email",
    "website",
    "visiting_address",
    "postal_address",
    "counter_by_appointment",
    "logo",
    "contact_text_nl",
    "contact_text_en",
)


class PublicFaceAdmin(admin.ModelAdmin[PublicFace]):
    """A municipality or a service organisation: both have a public face (contact details,
    opening hours)."""

    form = PublicFaceForm
    exclude = ["opening_hours"]

    own_fields: list[str] = []

    def get_fieldsets(self, request: HttpRequest, obj: PublicFace | None = None) -> _FieldsetSpec:
        hours: list[tuple[str, _FieldOpts]] = [
            (
                _("Opening hours: %(channel)s") % {"channel": label},
                {"fields": [_hours_field(channel, weekday) for weekday in range(7)]},
            )
            for channel, label in h.CHANNELS.items()
        ]
        return [
            (None, {"fields": list(self.own_fields)}),
            (_("How residents reach us"), {"fields": list(_FACE_FIELDS)}),
            *hours,
        ]


@admin.register(ServiceOrganisation)
class ServiceOrganisationAdmin(PublicFaceAdmin):
    list_display = ["name", "slug", "phone"]
    own_fields = ["name", "slug"]


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin[Package]):
    list_display = ["code", "name_nl", "kind"]


@admin.register(Municipality)
class MunicipalityAdmin(PublicFaceAdmin):
    list_display = ["name", "slug", "service_organisation", "phone", "is_active"]
    filter_horizontal = ["additional_packages"]
    own_fields = [
        "name",
        "slug",
        "cbs_code",
        "service_organisation",
        "additional_packages",
        "is_active",
    ]
