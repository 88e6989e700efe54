"""Workbench pages where a municipality words its own decision letters and reasoning text
blocks (issue 13): the letter template with a sample letter as PDF, and the text blocks per
kind of decision. Only for a role that may ``templates`` in that municipality; anyone else gets
a page that says so (403) and nothing changes. Thin: ``loket.cases.letters`` checks and saves,
and refuses on its own (``require``) whatever reaches it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loket.accounts.models import User
from loket.accounts.permissions import Action, NotPermitted, permitted
from loket.cases import letters as service
from loket.cases.decisions import sample_letter
from loket.cases.errors import CaseRefused, InvalidInput
from loket.cases.models import LetterTemplate, ReasoningBlocks
from loket.catalogue.models import CaseType, DecisionType, Product
from loket.lib import limits
from loket.lib.params import choice_param, parse_id
from loket.tenancy.models import Municipality
from loket.tenancy.selectors import municipalities_for_staff

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _checked(name: str, value: Any) -> str:
    """One field through the service's own check, as a form error."""
    try:
        return service.check_field(name, value)
    except InvalidInput as refused:
        raise ValidationError(str(refused.message)) from None


def _text(
    label: StrOrPromise, limit: int, *, rows: int = 0, help_text: StrOrPromise = ""
) -> forms.CharField:
    widget: forms.Widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label, max_length=limit, required=False, widget=widget, help_text=help_text
    )


_PLACEHOLDER_HELP = gettext_lazy(
    "Plain text; an empty line starts a new paragraph. You can use {product}, "
    "{datum_ontvangst} (the day the request was received) and {zaaknummer}."
)


class LetterTemplateForm(forms.Form):
    """The letter template as typed. Every field is checked by ``loket.cases.letters`` (plain
    text, length, lines, placeholders), here as field errors and again when saving."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1
    )
    opening_nl = _text(
        gettext_lazy("Opening (Dutch)"), service.OPENING, rows=4, help_text=_PLACEHOLDER_HELP
    )
    opening_en = _text(
        gettext_lazy("Opening (English)"),
        service.OPENING,
        rows=4,
        help_text=gettext_lazy("For applicants who chose English. Empty: the standard opening."),
    )
    closing_nl = _text(
        gettext_lazy("Closing (Dutch)"),
        service.OPENING,
        rows=3,
        help_text=gettext_lazy("Before the greeting, for example where to ask a question."),
    )
    closing_en = _text(gettext_lazy("Closing (English)"), service.OPENING, rows=3)
    mandate = _text(
        gettext_lazy("Decided on behalf of"),
        limits.SHORT,
        help_text=gettext_lazy("Empty: “Namens het college van burgemeester en wethouders”."),
    )
    signatory_name = _text(
        gettext_lazy("Signed by"),
        limits.SHORT,
        help_text=gettext_lazy("Empty: the colleague who sends the decision."),
    )
    signatory_function = _text(gettext_lazy("Function of the signatory"), limits.SHORT)
    objection_addressee = _text(
        gettext_lazy("Objections are addressed to"),
        limits.SHORT,
        help_text=gettext_lazy(
            "For example “het college van burgemeester en wethouders van Waterdal”. "
            "Empty: the Municipal Executive."
        ),
    )
    objection_address = _text(
        gettext_lazy("Postal address for objections"),
        service.ADDRESS,
        rows=3,
        help_text=gettext_lazy("One line each. Empty: the municipality's postal address."),
    )
    objection_url = _text(
        gettext_lazy("Where to object online"),
        limits.SHORT,
        help_text=gettext_lazy("A web address. Empty: Mijn Loket."),
    )
    court = _text(
        gettext_lazy("District court"),
        limits.SHORT,
        help_text=gettext_lazy(
            "For a provisional ruling (Awb 8:81), as it reads in the letter after "
            "“voorzieningenrechter van de”: for example “rechtbank Gelderland”. Empty: the "
            "district court, unnamed."
        ),
    )
    footer = _text(
        gettext_lazy("Footer"),
        service.FOOTER,
        rows=3,
        help_text=gettext_lazy("At the bottom of every page; at most three lines."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in service.RULES:
            if name in cleaned:
                try:
                    cleaned[name] = _checked(name, cleaned[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def text(self) -> service.TemplateText:
        return service.TemplateText.from_mapping(self.cleaned_data)


class BlockRowForm(forms.Form):
    title = _text(gettext_lazy("Title"), limits.SHORT)
    text = _text(gettext_lazy("Text"), limits.TEXT, rows=4)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, limit, lines in (("title", limits.SHORT, 1), ("text", limits.TEXT, 200)):
            if name in cleaned:
                try:
                    cleaned[name] = service.check_plain_text(
                        cleaned[name], field=name, limit=limit, lines=lines
                    )
                except InvalidInput as refused:
                    self.add_error(name, str(refused.message))
        title, text = cleaned.get("title"), cleaned.get("text")
        if bool(title) != bool(text) and not self.errors:
            self.add_error(
                "text" if title else "title", _("A text block needs a title and a text.")
            )
        return cleaned


BlockFormSet = formset_factory(
    BlockRowForm,
    extra=2,
    can_delete=True,
    can_order=True,
    max_num=service.MAX_BLOCKS,
    validate_max=True,
    absolute_max=service.MAX_BLOCKS + 10,
)


class VersionForm(forms.Form):
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1
    )


# --- pages ----------------------------------------------------------------------------------


def _municipality(request: HttpRequest, slug: str) -> Municipality:
    """A municipality the user works for; any other is a 404, as for every record."""
    return get_object_or_404(municipalities_for_staff(_user(request)), slug=slug)


def _refused(request: HttpRequest, message: str, *, status: int = 403) -> HttpResponse:
    return render(request, "workbench/letter_refused.html", {"message": message}, status=status)


def _not_permitted(request: HttpRequest) -> HttpResponse:
    return _refused(request, str(NotPermitted(Action.TEMPLATES).message))


def _allowed(request: HttpRequest, municipality: Municipality) -> bool:
    return permitted(_user(request), Action.TEMPLATES, municipality)


@login_required
def letter_templates(request: HttpRequest) -> HttpResponse:
    """The municipalities whose letters and text blocks the user may word."""
    user = _user(request)
    allowed = [m for m in municipalities_for_staff(user) if permitted(user, Action.TEMPLATES, m)]
    if not allowed:
        return _not_permitted(request)
    with_template = set(
        LetterTemplate.objects.filter(municipality__in=allowed).values_list(
            "municipality_id", flat=True
        )
    )
    return render(
        request,
        "workbench/letter_index.html",
        {"rows": [(m, m.pk in with_template) for m in allowed]},
    )


def _template_page(
    request: HttpRequest,
    municipality: Municipality,
    form: LetterTemplateForm,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "workbench/letter_template.html",
        {"municipality": municipality, "form": form, "error": error},
        status=status,
    )


def _initial(template: LetterTemplate | None) -> dict[str, Any]:
    return {
        **asdict(service.TemplateText.of(template)),
        "version": template.version if template else 0,
    }


@login_required
def letter_template(request: HttpRequest, municipality: str) -> HttpResponse:
    """The letter template of one municipality: the form, and saving it."""
    place = _municipality(request, municipality)
    if not _allowed(request, place):
        return _not_permitted(request)
    template = service.letter_template_for(place)
    if request.method != "POST":
        return _template_page(request, place, LetterTemplateForm(initial=_initial(template)))
    form = LetterTemplateForm(request.POST)
    if not form.is_valid():
        return _template_page(request, place, form, error=_("Check the form below."), status=400)
    try:
        service.letter_template_save(
            municipality=place,
            text=form.text(),
            actor=_user(request),
            expected_version=form.cleaned_data["version"],
        )
    except NotPermitted as refused:
        return _refused(request, str(refused.message))
    except CaseRefused as refused:
        if refused.field in form.fields:
            form.add_error(refused.field, str(refused.message))
        return _template_page(
            request, place, form, error=str(refused.message), status=refused.status
        )
    messages.success(request, _("The letter template was saved. New letters use it."))
    return redirect("workbench:letter_template", municipality=place.slug)


@login_required
def letter_preview(request: HttpRequest, municipality: str) -> HttpResponse:
    """A sample letter as PDF: of the saved template (GET), or of the form as typed (POST,
    nothing saved). ``?taal=en`` for the English letter."""
    place = _municipality(request, municipality)
    if not _allowed(request, place):
        return _not_permitted(request)
    language = choice_param(request.GET, "taal", ("nl", "en"), "nl")
    wording = None
    if request.method == "POST":
        form = LetterTemplateForm(request.POST)
        if not form.is_valid():
            return _template_page(
                request, place, form, error=_("Check the form below."), status=400
            )
        wording = form.text()
    try:
        pdf = sample_letter(
            municipality=place, actor=_user(request), wording=wording, language=language
        )
    except NotPermitted as refused:
        return _refused(request, str(refused.message))
    except CaseRefused as refused:
        return _template_page(
            request,
            place,
            LetterTemplateForm(initial=_initial(service.letter_template_for(place))),
            error=str(refused.message),
            status=refused.status,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="voorbeeldbrief-{place.slug}.pdf"'
    return response


def _decision_types(municipality: Municipality) -> list[tuple[CaseType, list[DecisionType]]]:
    """The kinds of decision of the case types the municipality's products use."""
    case_types = (
        CaseType.objects.filter(pk__in=Product.objects.offered_in(municipality).values("case_type"))
        .prefetch_related("decision_types")
        .order_by("name_nl")
    )
    return [(c, list(c.decision_types.all())) for c in case_types if c.decision_types.all()]


@login_required
def reasoning_blocks(request: HttpRequest, municipality: str) -> HttpResponse:
    """The kinds of decision of one municipality, and whether it keeps its own blocks."""
    place = _municipality(request, municipality)
    if not _allowed(request, place):
        return _not_permitted(request)
    own = set(
        ReasoningBlocks.objects.filter(municipality=place).values_list(
            "decision_type_id", flat=True
        )
    )
    return render(
        request,
        "workbench/letter_blocks.html",
        {"municipality": place, "groups": _decision_types(place), "own": own},
    )


def _blocks_page(
    request: HttpRequest,
    place: Municipality,
    kind: DecisionType,
    formset: Any,
    version: VersionForm,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    own = service.own_blocks(kind, place)
    return render(
        request,
        "workbench/letter_blocks_edit.html",
        {
            "municipality": place,
            "kind": kind,
            "formset": formset,
            "version": version,
            "own": own,
            "catalogue": service.reasoning_blocks_for(kind, None),
            "error": error,
        },
        status=status,
    )


def _rows(formset: Any) -> list[Mapping[str, Any]]:
    """The filled-in rows in the order asked for, deleted and empty ones left out."""
    rows: list[Mapping[str, Any]] = []
    for form in formset.ordered_forms if formset.can_order else formset.forms:
        data = form.cleaned_data
        if data.get("DELETE") or not (data.get("title") or data.get("text")):
            continue
        rows.append({"title": data.get("title", ""), "text": data.get("text", "")})
    return rows


@login_required
def reasoning_blocks_edit(
    request: HttpRequest, municipality: str, decision_type: int
) -> HttpResponse:
    """The text blocks of one kind of decision in one municipality: edit, save, or go back to
    the catalogue's."""
    place = _municipality(request, municipality)
    if parse_id(decision_type) is None:
        raise Http404
    kind = get_object_or_404(DecisionType.objects.select_related("case_type"), pk=decision_type)
    if not _allowed(request, place):
        return _not_permitted(request)
    own = service.own_blocks(kind, place)
    if request.method != "POST":
        current = service.reasoning_blocks_for(kind, place)
        formset = BlockFormSet(
            prefix="blocks",
            initial=[{**block, "ORDER": n} for n, block in enumerate(current, start=1)],
        )
        version = VersionForm(initial={"version": own.version if own else 0})
        return _blocks_page(request, place, kind, formset, version)
    user = _user(request)
    try:
        if "reset" in request.POST:
            service.reasoning_blocks_reset(municipality=place, decision_type=kind, actor=user)
            messages.success(request, _("The catalogue's text blocks apply again."))
            return redirect("workbench:reasoning_blocks_edit", place.slug, kind.pk)
        formset = BlockFormSet(request.POST, prefix="blocks")
        version = VersionForm(request.POST)
        if not (formset.is_valid() and version.is_valid()):
            return _blocks_page(
                request,
                place,
                kind,
                formset,
                version,
                error=" ".join([*formset.non_form_errors(), str(_("Check the form below."))]),
                status=400,
            )
        service.reasoning_blocks_save(
            municipality=place,
            decision_type=kind,
            blocks=_rows(formset),
            actor=user,
            expected_version=version.cleaned_data["version"],
        )
    except NotPermitted as refused:
        return _refused(request, str(refused.message))
    except CaseRefused as refused:
        return _blocks_page(
            request,
            place,
            kind,
            BlockFormSet(request.POST, prefix="blocks"),
            VersionForm(request.POST),
            error=str(refused.message),
            status=refused.status,
        )
    messages.success(request, _("The text blocks were saved. New drafts start from them."))
    return redirect("workbench:reasoning_blocks_edit", place.slug, kind.pk)
