"""Forms of the staff side of public-space reports: the filters of the reports page (read from
the query string, each value checked against what exists) and the merge of two reports. They
collect and check input; ``loket.reports.services`` decides."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.reports.models import Category
from loket.tenancy.models import Municipality

# What "status" may say besides a step code.
OPEN, CLOSED, ALL = "open", "closed", "all"
SCOPES = [("all", _("Everything I may see")), ("team", _("My team's")), ("mine", _("Mine"))]
# A date before this is a typo, not a report (reports start with Loket's issue 15).
EARLIEST = date(2000, 1, 1)
LATEST = date(2999, 12, 31)


def _date_field(label: Any) -> forms.DateField:
    # An <input type="date"> sends ISO dates only, whatever the language.
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def category_choices(categories: list[Category]) -> list[tuple[str, str]]:
    """Main categories with their sub-categories under them, by code (the standard tree gives
    every municipality the same codes; a municipality's own name wins for the first one)."""
    mains: dict[str, str] = {}
    subs: dict[str, list[tuple[str, str]]] = {}
    seen: set[str] = set()
    for category in categories:
        if category.parent is None:
            mains.setdefault(category.code, category.name)
    for category in categories:
        if category.parent is not None and category.code not in seen:
            seen.add(category.code)
            subs.setdefault(category.parent.code, []).append(
                (category.code, f"\u2013 {category.name}")
            )
    choices: list[tuple[str, str]] = [("", str(_("All")))]
    for code, name in mains.items():
        choices.append((code, name))
        choices.extend(subs.get(code, []))
    return choices


class ReportFilterForm(forms.Form):
    """Which reports the page shows: every field is optional; an empty one does not filter
    (``status`` then means the open reports)."""

    scope = forms.ChoiceField(label=_("Whose"), choices=SCOPES, required=False)
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    since = _date_field(_("Reported from"))
    until = _date_field(_("Reported up to and including"))

    def __init__(
        self,
        *args: Any,
        municipalities: list[Municipality],
        categories: list[Category],
        steps: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._choices(
            "municipality", [("", str(_("All")))] + [(m.slug, m.name) for m in municipalities]
        )
        self._choices("category", category_choices(categories))
        self._choices(
            "status",
            [
                (OPEN, str(_("Open"))),
                (CLOSED, str(_("Closed"))),
                (ALL, str(_("Open and closed"))),
                *[(code, str(_("Step: %(step)s") % {"step": name})) for code, name in steps],
            ],
        )

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean_scope(self) -> str:
        return self.cleaned_data.get("scope") or "all"

    def clean_status(self) -> str:
        return self.cleaned_data.get("status") or OPEN

    def _in_range(self, name: str) -> date | None:
        day: date | None = self.cleaned_data.get(name)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(
                _("Give a date between %(first)s and %(last)s."),
                params={"first": EARLIEST.isoformat(), "last": LATEST.isoformat()},
            )
        return day

    def clean_since(self) -> date | None:
        return self._in_range("since")

    def clean_until(self) -> date | None:
        return self._in_range("until")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("This date is before the first date."))
        return data


INTO_OTHER, INTO_THIS = "into-other", "into-this"


class MergeForm(forms.Form):
    """Two reports about one problem: which one stays (``direction``), checked by the person
    merging (``confirm``), on the version of this report's case they saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    other = forms.UUIDField(
        label=_("The other report"),
        error_messages={"required": _("Choose the other report.")},
    )
    direction = forms.ChoiceField(
        label=_("Which report stays"),
        choices=[
            (INTO_OTHER, _("Merge this report into the chosen one (this one closes)")),
            (INTO_THIS, _("Merge the chosen report into this one (the chosen one closes)")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose which report stays.")},
    )
    confirm = forms.BooleanField(
        label=_("I have checked that both reports are about the same problem"),
        error_messages={"required": _("Confirm that both reports are about the same problem.")},
    )
    note = forms.CharField(label=_("Note for the case history"), required=False, max_length=500)
