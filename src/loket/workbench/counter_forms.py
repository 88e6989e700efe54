"""Forms of the staff side of appointments: what the front office books for a caller, a walk-in
at the counter, and the end of a visit at the desk. They collect and check input;
``loket.appointments.services`` and ``loket.appointments.counter`` decide."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from loket.appointments.models import Location
from loket.appointments.services import MAX_PERSONS
from loket.catalogue.models import Channel, Product
from loket.parties.models import Person
from loket.tenancy.models import Municipality

# How staff book: on the phone (the default: a caller) or for someone at the counter.
BOOKING_CHANNELS = [
    (Channel.PHONE.value, Channel.PHONE.label),
    (Channel.COUNTER.value, Channel.COUNTER.label),
]
RESIDENT_MATCHES = 10


def bookable_products(municipality: Municipality) -> list[Product]:
    """The products of ``municipality`` that are booked by appointment (they have a length)."""
    return list(
        Product.objects.offered_in(municipality)
        .filter(appointment_minutes__gt=0)
        .order_by("name_nl")
    )


class BookingForm(forms.Form):
    """How many persons come for each product, and how the resident reached us. Its fields
    travel in the query string between the steps (product ids and counts, nothing personal)."""

    kanaal = forms.ChoiceField(
        label=_("Booked via"),
        choices=BOOKING_CHANNELS,
        initial=Channel.PHONE.value,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, products: list[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.products = products
        for product in products:
            self.fields[f"p{product.pk}"] = forms.IntegerField(
                label=product.name,
                required=False,
                min_value=0,
                max_value=MAX_PERSONS,
                initial=0,
                widget=forms.NumberInput(attrs={"class": "count"}),
            )

    def product_fields(self) -> list[forms.BoundField]:
        return [self[f"p{product.pk}"] for product in self.products]

    def lines(self) -> list[tuple[Product, int]]:
        """The chosen ``(product, persons)``; only valid after ``is_valid()``."""
        return [
            (product, self.cleaned_data[f"p{product.pk}"])
            for product in self.products
            if self.cleaned_data.get(f"p{product.pk}")
        ]

    def carried(self) -> list[tuple[str, str]]:
        """The chosen values as ``(name, value)`` pairs, for the hidden fields of the next step."""
        pairs = [(f"p{product.pk}", str(count)) for product, count in self.lines()]
        return [*pairs, ("kanaal", self.cleaned_data["kanaal"])]


def _residents(user: User, query: str) -> list[Person]:
    """Residents the user may see whose BSN is ``query`` or whose name has all its words."""
    persons = Person.objects.visible_to(user)
    compact = query.replace(" ", "").replace(".", "")
    if compact.isdigit() and len(compact) == 9:
        return list(persons.filter(bsn=compact)[:RESIDENT_MATCHES])
    name = Q()
    for word in query.split()[:4]:
        name &= Q(surname__icontains=word) | Q(first_name__icontains=word)
    return list(persons.filter(name).order_by("surname", "first_name")[:RESIDENT_MATCHES])


class ResidentPickMixin:
    """An optional resident: typed (BSN or name) and, when several match, chosen from a list.
    The search is a POST, so a BSN never ends up in a URL."""

    cleaned_data: dict[str, Any]
    user: User
    candidates: list[Person]

    if TYPE_CHECKING:  # given by forms.Form, which the concrete forms also inherit

        def add_error(self, field: str | None, error: Any) -> None: ...

    def resolve_resident(self) -> Person | None:
        chosen = self.cleaned_data.get("persoon")
        query = " ".join((self.cleaned_data.get("inwoner") or "").split())
        if chosen:
            person = Person.objects.visible_to(self.user).filter(uuid=chosen).first()
            if person is None:
                self.add_error("inwoner", _("This resident cannot be found."))
            return person
        if not query:
            return None
        found = _residents(self.user, query)
        if not found:
            self.add_error("inwoner", _("No resident found. Check the BSN or name."))
            return None
        if len(found) > 1:
            self.candidates = found
            self.add_error("inwoner", _("Several residents match. Choose one below."))
            return None
        return found[0]


class WalkInForm(ResidentPickMixin, forms.Form):
    """Someone without an appointment: a ticket for one product a desk here serves."""

    product = forms.ModelChoiceField(
        queryset=Product.objects.none(), label=_("Product"), empty_label=None
    )
    inwoner = forms.CharField(
        label=_("Resident (BSN or name)"),
        required=False,
        max_length=100,
        help_text=_("The ticket is then in their name."),
    )
    persoon = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, location: Location, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.candidates = []
        field = self.fields["product"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Product.objects.filter(
            pk__in=location.desks.filter(is_active=True).values("products")
        ).order_by("name_nl")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["person"] = self.resolve_resident()
        return data


class FinishForm(ResidentPickMixin, forms.Form):
    """The end of a visit: a note for the contact, and the resident when the ticket had none (a
    walk-in whose product opens a case in their name)."""

    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    inwoner = forms.CharField(
        label=_("Resident (BSN or name)"),
        required=False,
        max_length=100,
        help_text=_("Only for a visitor without an appointment whose product opens a case."),
    )
    persoon = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.candidates = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["person"] = self.resolve_resident()
        return data
