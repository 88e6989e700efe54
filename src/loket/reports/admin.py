"""For functional administrators: the report categories (main and sub) with their team or
partner, service norm and Open311 questions; each municipality's boundary and the addresses of
the offline map; and the Open311 clients that may post reports, with their keys (issue 15).

Who may is the role table's ``catalogue`` row (``loket.accounts.admin_access``), as for the
appointment locations: which reports a municipality takes and who handles them is part of its
catalogue. An administrator sees and changes only the records of the municipalities they work
for. Reports and their followers are not here: they are cases, handled in the workbench, and
followers are residents' contact details.

An Open311 client's key is made by ``open311_client_create`` and shown once, in the message
after saving; afterwards only its first characters. The action "Give a new key" replaces it
(``open311_client_new_key``): the old key stops working at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import ForeignKey, ManyToManyField, QuerySet
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loket.accounts.admin_access import RoleTableAdmin, RoleTableInline
from loket.accounts.permissions import Action, permitted
from loket.lib.errors import Refused
from loket.lib.geo import Area, Point
from loket.reports.clients import open311_client_create, open311_client_new_key
from loket.reports.models import Address, Boundary, Category, Open311Client
from loket.tenancy.models import Municipality

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups

_M = TypeVar("_M", bound=models.Model)

ACTION = Action.CATALOGUE
# The datatypes of an Open311 attribute (GeoReport v2, "GET Service Definition").
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
LISTS = ("singlevaluelist", "multivaluelist")


def _managed(request: HttpRequest) -> list[int] | None:
    """The municipalities whose catalogue the user manages; None: all (a superuser)."""
    user = request.user
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return None
    return [pk for pk in user.municipality_ids if permitted(user, ACTION, pk)]


def _own_municipalities(request: HttpRequest) -> QuerySet[Municipality]:
    ids = _managed(request)
    found = Municipality.objects.order_by("name")
    return found if ids is None else found.filter(pk__in=ids)


class _OwnMunicipality(RoleTableAdmin[_M]):
    """A record of one municipality (its ``municipality`` field): listed and changed only by the
    administrators of that municipality, who can choose only their own for a new one."""

    action = ACTION

    def municipality_of(self, obj: _M | None) -> int | None:
        return getattr(obj, "municipality_id", None) if obj is not None else None

    def get_queryset(self, request: HttpRequest) -> QuerySet[_M]:
        queryset = super().get_queryset(request)
        ids = _managed(request)
        return queryset if ids is None else queryset.filter(municipality_id__in=ids)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "municipality":
            kwargs["queryset"] = _own_municipalities(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- categories ------------------------------------------------------------------------------


def attribute_problems(value: Any) -> list[str]:
    """What is wrong with a category's extra questions, as the Open311 service definition
    needs them: a list of questions, each with a unique ``code``, a known ``datatype``, and for
    a list type the answers (``values``) with a ``key`` each."""
    if not isinstance(value, list):
        return [_("Give a list of questions: [] when there are none.")]
    problems: list[str] = []
    codes: set[str] = set()
    for number, question in enumerate(value, start=1):
        if not isinstance(question, dict):
            problems.append(_("Question %(n)d is not an object {…}.") % {"n": number})
            continue
        code = question.get("code")
        if not isinstance(code, str) or not code.strip() or any(c in code for c in "[]"):
            problems.append(
                _("Question %(n)d needs a code (text without brackets).") % {"n": number}
            )
        elif code in codes:
            problems.append(_("The code “%(code)s” is used twice.") % {"code": code})
        else:
            codes.add(code)
        datatype = question.get("datatype", "string")
        if datatype not in DATATYPES:
            problems.append(
                _("Question %(n)d: the datatype is one of %(types)s.")
                % {"n": number, "types": ", ".join(DATATYPES)}
            )
        if "required" in question and not isinstance(question["required"], bool):
            problems.append(_("Question %(n)d: required is true or false.") % {"n": number})
        answers = question.get("values", [])
        if datatype in LISTS and not answers:
            problems.append(_("Question %(n)d: a list needs its answers (values).") % {"n": number})
        if not isinstance(answers, list) or not all(
            isinstance(a, dict) and str(a.get("key", "")).strip() for a in answers
        ):
            problems.append(
                _("Question %(n)d: every answer is an object with a key.") % {"n": number}
            )
    return problems


class CategoryForm(forms.ModelForm[Category]):
    class Meta:
        model = Category
        fields = [
            "municipality",
            "parent",
            "code",
            "name_nl",
            "name_en",
            "description_nl",
            "description_en",
            "keywords",
            "team",
            "partner",
            "service_norm",
            "attributes",
            "order",
            "is_active",
        ]

    def clean_attributes(self) -> Any:
        value = self.cleaned_data.get("attributes")
        value = [] if value is None else value
        problems = attribute_problems(value)
        if problems:
            raise forms.ValidationError(problems)
        return value


class _KindFilter(admin.SimpleListFilter):
    title = gettext_lazy("kind")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("main", _("main categories")), ("sub", _("sub-categories"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "main":
            return queryset.filter(parent__isnull=True)
        if self.value() == "sub":
            return queryset.filter(parent__isnull=False)
        return queryset


class SubCategoryInline(RoleTableInline[Category, Category]):
    """A main category's sub-categories, to see and open; each is made and changed on its own
    page (its code, words and questions need the room)."""

    action = ACTION
    model = Category
    fk_name = "parent"
    fields = ["name_nl", "code", "order", "is_active"]
    readonly_fields = ["name_nl", "code", "order", "is_active"]
    show_change_link = True
    extra = 0
    verbose_name = gettext_lazy("sub-category")
    verbose_name_plural = gettext_lazy("sub-categories")

    def has_add_permission(self, request: HttpRequest, obj: Category | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Category | None = None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(_OwnMunicipality[Category]):
    form = CategoryForm
    list_display = [
        "name_nl",
        "code",
        "parent",
        "municipality",
        "team",
        "partner",
        "service_norm",
        "order",
        "is_active",
    ]
    list_filter = [
        _KindFilter,
        ("parent", admin.RelatedOnlyFieldListFilter),
        ("municipality", admin.RelatedOnlyFieldListFilter),
        "is_active",
    ]
    list_select_related = ["parent", "municipality", "team", "partner"]
    search_fields = ["name_nl", "name_en", "code", "keywords"]
    inlines = [SubCategoryInline]

    def get_inlines(self, request: HttpRequest, obj: Category | None) -> list[Any]:
        # Only a main category has sub-categories.
        return [SubCategoryInline] if obj is not None and obj.parent_id is None else []

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "parent":
            mains = Category.objects.filter(parent__isnull=True).select_related("municipality")
            ids = _managed(request)
            kwargs["queryset"] = mains if ids is None else mains.filter(municipality_id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- the map ---------------------------------------------------------------------------------


class BoundaryForm(forms.ModelForm[Boundary]):
    class Meta:
        model = Boundary
        fields = ["municipality", "geojson"]
        widgets = {"geojson": forms.Textarea(attrs={"rows": 12, "cols": 80})}
        help_texts = {
            "geojson": gettext_lazy(
                "A GeoJSON Polygon or MultiPolygon in WGS84 (longitude, latitude), or a Feature"
                " holding one, e.g. the municipality's outline from PDOK."
            )
        }

    def clean_geojson(self) -> Any:
        """A Feature is unwrapped to its geometry; anything shapely cannot read is a form
        error here (the model's ``clean`` then computes the box)."""
        value = self.cleaned_data.get("geojson")
        if isinstance(value, dict) and value.get("type") == "Feature":
            value = value.get("geometry")
        if not isinstance(value, dict) or value.get("type") not in ("Polygon", "MultiPolygon"):
            raise forms.ValidationError(_("Give a GeoJSON Polygon or MultiPolygon."))
        try:
            Area(value)
        except Exception as error:  # shapely raises several kinds on malformed coordinates
            raise forms.ValidationError(
                _("Not a valid polygon: %(error)s") % {"error": str(error)[:200]}
            ) from None
        return value


@admin.register(Boundary)
class BoundaryAdmin(_OwnMunicipality[Boundary]):
    form = BoundaryForm
    list_display = ["municipality", "south", "west", "north", "east"]
    readonly_fields = ["south", "west", "north", "east"]

    def get_fields(self, request: HttpRequest, obj: Boundary | None = None) -> _FieldGroups:
        return ["municipality", "geojson", *([] if obj is None else self.readonly_fields)]


class AddressForm(forms.ModelForm[Address]):
    class Meta:
        model = Address
        fields = ["municipality", "street", "number", "postcode", "city", "latitude", "longitude"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if latitude is not None and longitude is not None:
            try:
                Point(latitude, longitude)
            except ValueError:
                raise forms.ValidationError(
                    _("Latitude runs from -90 to 90, longitude from -180 to 180 (WGS84).")
                ) from None
        return data


@admin.register(Address)
class AddressAdmin(_OwnMunicipality[Address]):
    form = AddressForm
    list_display = ["street", "number", "postcode", "city", "municipality"]
    list_filter = [("municipality", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["street", "postcode", "city"]


# --- Open311 clients -------------------------------------------------------------------------


def _show_key(request: HttpRequest, client: Open311Client, key: str) -> None:
    messages.warning(
        request,
        format_html(
            "{} <code>{}</code> {}",
            _("The api_key of “%(name)s”:") % {"name": client.name},
            key,
            _("Copy it now and give it to the client: it is shown only this once."),
        ),
    )


@admin.register(Open311Client)
class Open311ClientAdmin(RoleTableAdmin[Open311Client]):
    """Clients are listed for the administrators of any municipality they report in, and
    changed only by one who manages all of them (a client shared with a neighbour is changed
    together). Never deleted: one that posted reports is kept with them; switch it off."""

    action = ACTION
    list_display = ["name", "towns", "key_hint", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "key_hint"]
    filter_horizontal = ["municipalities"]
    actions = ["give_new_key"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Open311Client]:
        queryset = super().get_queryset(request).prefetch_related("municipalities")
        ids = _managed(request)
        if ids is None:
            return queryset
        return queryset.filter(
            pk__in=Open311Client.objects.filter(municipalities__in=ids).values("pk")
        )

    def get_fields(self, request: HttpRequest, obj: Open311Client | None = None) -> _FieldGroups:
        if obj is None:
            return ["name", "municipalities"]  # the key is made on saving
        return ["name", "municipalities", "is_active", "key_hint", "created_at"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Open311Client | None = None
    ) -> list[str]:
        return [] if obj is None else ["key_hint", "created_at"]

    def _manages_all(self, request: HttpRequest, obj: Open311Client) -> bool:
        ids = _managed(request)
        if ids is None:
            return True
        return not obj.municipalities.exclude(pk__in=ids).exists()

    def has_change_permission(self, request: HttpRequest, obj: Open311Client | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._manages_all(request, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Open311Client | None = None) -> bool:
        return False

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if db_field.name == "municipalities":
            kwargs["queryset"] = _own_municipalities(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("may report in"))
    def towns(self, obj: Open311Client) -> str:
        return ", ".join(town.name for town in obj.municipalities.all())

    def save_model(
        self,
        request: HttpRequest,
        obj: Open311Client,
        form: forms.ModelForm[Open311Client],
        change: bool,
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        client, key = open311_client_create(
            name=form.cleaned_data["name"],
            municipalities=form.cleaned_data["municipalities"],
            actor=request.user,  # type: ignore[arg-type]  # the admin's user is a staff User
        )
        # The form's instance becomes the saved client, so the admin's log and its own
        # "added" message name it; the municipalities are set again (the same) afterwards.
        obj.pk, obj.key_digest, obj.key_hint = client.pk, client.key_digest, client.key_hint
        obj.created_at, obj._state.adding = client.created_at, False
        _show_key(request, client, key)

    @admin.action(description=gettext_lazy("Give the selected clients a new key"))
    def give_new_key(self, request: HttpRequest, queryset: QuerySet[Open311Client]) -> None:
        for client in queryset:
            if not self._manages_all(request, client):
                messages.error(
                    request,
                    _("“%(name)s” also reports in a municipality you do not manage.")
                    % {"name": client.name},
                )
                continue
            try:
                renewed, key = open311_client_new_key(
                    client=client,
                    actor=request.user,  # type: ignore[arg-type]  # a staff User
                )
            except Refused as refused:
                messages.error(request, str(refused.message))
                continue
            _show_key(request, renewed, key)
