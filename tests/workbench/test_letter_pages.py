"""The workbench pages of a municipality's letters (issue 13): an administrator words the
decision letter and previews a sample PDF, edits the reasoning text blocks; a case worker is
refused (403, nothing changed); malformed input is a 400 that says what is wrong. On the case
page: a text block inserted into a draft without JavaScript, and a sent decision replaced, end
to end into Mijn Loket. Real URLs, real POSTs, real PDFs."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from loket.accounts.models import Role
from loket.cases.letters import reasoning_blocks_for
from loket.cases.models import Decision, LetterTemplate, ReasoningBlocks
from loket.catalogue.models import DecisionType
from loket.history.models import ChangeRecord
from loket.lib.calendar import AMSTERDAM
from tests.factories import PersonFactory, StaffFactory, make_case

pytestmark = pytest.mark.django_db

FORM = {
    "version": "0",
    "opening_nl": "Hartelijk dank voor uw aanvraag voor {product}.",
    "closing_nl": "Bel ons gerust: 14 0999.",
    "mandate": "Namens het college van Aadorp",
    "signatory_name": "drs. K. Bakker",
    "signatory_function": "Afdelingshoofd Publiekszaken",
    "objection_addressee": "het college van burgemeester en wethouders van Aadorp",
    "objection_address": "Postbus 77\n9999 AA Aadorp",
    "objection_url": "https://aadorp.example/bezwaar-maken",
    "court": "rechtbank Midden-Nederland",
    "footer": "Gemeente Aadorp — Markt 1 — 9999 AA Aadorp",
}


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=AMSTERDAM)


def pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(content)).pages
    )


def in_dutch(message: str, **values: Any) -> str:
    """A message as the Dutch page shows it (the English text until it is translated)."""
    with translation.override("nl"):
        text = translation.gettext(message)
    return text % values if values else text


@pytest.fixture
def admin_a(municipality_a: Any) -> Any:
    return StaffFactory.create(
        username="admin-a", role=Role.ADMINISTRATOR, municipalities=[municipality_a]
    )


@pytest.fixture
def worker_a(municipality_a: Any) -> Any:
    return StaffFactory.create(
        username="plain-a", role=Role.CASE_WORKER, municipalities=[municipality_a]
    )


def _url(name: str, municipality: Any, *args: Any) -> str:
    return reverse(f"workbench:{name}", args=[municipality.slug, *args])


def test_an_administrator_words_the_letter_and_previews_it(
    client: Client, catalogue: None, municipality_a: Any, admin_a: Any
) -> None:
    client.force_login(admin_a)
    overview = client.get(reverse("workbench:letter_templates"))
    assert overview.status_code == 200
    html = overview.content.decode()
    assert "Aadorp" in html and _url("letter_template", municipality_a) in html
    assert (
        reverse("workbench:letter_templates")
        in client.get(reverse("workbench:dashboard")).content.decode()
    )
    page = client.get(_url("letter_template", municipality_a))
    assert page.status_code == 200 and 'name="opening_nl"' in page.content.decode()
    typed = client.post(_url("letter_preview", municipality_a), FORM)  # "preview", not saved
    assert typed.status_code == 200 and typed["Content-Type"] == "application/pdf"
    assert "drs. K. Bakker" in pdf_text(typed.content)
    assert not LetterTemplate.objects.exists()
    saved = client.post(_url("letter_template", municipality_a), FORM)
    assert saved.status_code == 302
    template = LetterTemplate.objects.get(municipality=municipality_a)
    assert template.objection_address == "Postbus 77\n9999 AA Aadorp" and template.version == 1
    preview = client.get(_url("letter_preview", municipality_a))
    text = pdf_text(preview.content)
    for value in (
        "Hartelijk dank voor uw aanvraag voor",
        "Bel ons gerust: 14 0999.",
        "Afdelingshoofd Publiekszaken",
        "Postbus 77, 9999 AA Aadorp",
        "https://aadorp.example/bezwaar-maken",
        "rechtbank Midden-Nederland",
        "Gemeente Aadorp — Markt 1 — 9999 AA Aadorp",
    ):
        assert value in text, value
    again = client.post(
        _url("letter_template", municipality_a), {**FORM, "court": "rechtbank Oost"}
    )
    assert again.status_code == 409  # the form still says version 0: someone saved since
    assert LetterTemplate.objects.get().court == "rechtbank Midden-Nederland"


def test_a_case_worker_is_refused_and_nothing_changes(
    client: Client, catalogue: None, municipality_a: Any, worker_a: Any
) -> None:
    client.force_login(worker_a)
    assert (
        reverse("workbench:letter_templates")
        not in client.get(reverse("workbench:dashboard")).content.decode()
    )  # not offered
    kind = DecisionType.objects.get(case_type__code="vergunning", code="geweigerd")
    refused_message = in_dutch(
        "You may not %(action)s.", action=in_dutch("manage message templates")
    )
    for method, url, data in (
        ("get", reverse("workbench:letter_templates"), {}),
        ("get", _url("letter_template", municipality_a), {}),
        ("post", _url("letter_template", municipality_a), FORM),
        ("get", _url("letter_preview", municipality_a), {}),
        ("post", _url("letter_preview", municipality_a), FORM),
        ("get", _url("reasoning_blocks", municipality_a), {}),
        ("post", _url("reasoning_blocks_edit", municipality_a, kind.pk), _blocks_form(["Eigen"])),
    ):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, url
        assert refused_message in response.content.decode(), url
    assert not LetterTemplate.objects.exists() and not ReasoningBlocks.objects.exists()
    assert not ChangeRecord.objects.filter(
        object_type__in=["cases.lettertemplate", "cases.reasoningblocks"]
    ).exists()


def test_another_municipalitys_letters_are_not_found(
    client: Client, catalogue: None, municipality_a: Any, municipality_b: Any
) -> None:
    client.force_login(
        StaffFactory.create(
            username="admin-b", role=Role.ADMINISTRATOR, municipalities=[municipality_b]
        )
    )
    assert client.get(_url("letter_template", municipality_a)).status_code == 404
    assert client.post(_url("letter_template", municipality_a), FORM).status_code == 404
    assert not LetterTemplate.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message", "values"),
    [
        (
            "opening_nl",
            "<script>alert('x')</script>",
            "Write plain text: “%(found)s” looks like HTML, which a letter does not use. "
            "The letter prints exactly what you type.",
            {"found": "<script"},
        ),
        (
            "closing_nl",
            "Groeten van {afdeling}",
            "Unknown placeholder {%(name)s}. You can use %(known)s.",
            {"name": "afdeling", "known": "{product}, {datum_ontvangst}, {zaaknummer}"},
        ),
        (
            "footer",
            "1\n2\n3\n4",
            "Use at most %(lines)s lines; this text has %(count)s.",
            {"lines": 3, "count": 4},
        ),
        (
            "objection_url",
            "ftp://aadorp.example",
            "Give a web address that starts with https://, for example https://www.example.nl/bezwaar.",
            {},
        ),
    ],
)
def test_malformed_wording_is_a_400_that_says_why(
    client: Client,
    catalogue: None,
    municipality_a: Any,
    admin_a: Any,
    field: str,
    value: str,
    message: str,
    values: dict[str, Any],
) -> None:
    client.force_login(admin_a)
    for name in ("letter_template", "letter_preview"):
        response = client.post(_url(name, municipality_a), {**FORM, field: value})
        assert response.status_code == 400
        html = response.content.decode()
        from django.utils.html import escape

        assert escape(in_dutch(message, **values)) in html
        assert "<script>alert" not in html  # shown back escaped, never as markup
    too_long = client.post(_url("letter_template", municipality_a), {**FORM, "court": "x" * 201})
    assert too_long.status_code == 400 and "200" in too_long.content.decode()
    assert not LetterTemplate.objects.exists()


def _blocks_form(titles: list[str], version: int = 0) -> dict[str, str]:
    data = {
        "version": str(version),
        "blocks-TOTAL_FORMS": str(len(titles)),
        "blocks-INITIAL_FORMS": "0",
        "blocks-MIN_NUM_FORMS": "0",
        "blocks-MAX_NUM_FORMS": "30",
    }
    for n, title in enumerate(titles):
        data[f"blocks-{n}-title"] = title
        data[f"blocks-{n}-text"] = f"{title}: de tekst van dit blok." if title else ""
        data[f"blocks-{n}-ORDER"] = str(len(titles) - n)  # the last one first
    return data


def _refusal(municipality: Any, actor: Any) -> Any:
    person = PersonFactory.create(
        municipality=municipality, surname="Visser", email="e@example.org"
    )
    with time_machine.travel(at(1, 19), tick=False):
        return make_case(
            municipality=municipality, product_slug="evenementenvergunning", person=person
        )


def test_own_text_blocks_are_edited_and_inserted_into_a_draft_without_javascript(
    client: Client, catalogue: None, municipality_a: Any, admin_a: Any, worker_a: Any
) -> None:
    kind = DecisionType.objects.get(case_type__code="vergunning", code="geweigerd")
    client.force_login(admin_a)
    listing = client.get(_url("reasoning_blocks", municipality_a)).content.decode()
    assert _url("reasoning_blocks_edit", municipality_a, kind.pk) in listing
    edit = client.get(_url("reasoning_blocks_edit", municipality_a, kind.pk)).content.decode()
    assert "Uw aanvraag voldoet niet aan die regels" in edit  # starts from the catalogue's
    bad = client.post(
        _url("reasoning_blocks_edit", municipality_a, kind.pk),
        {**_blocks_form(["Drukte"]), "blocks-0-text": ""},
    )
    assert bad.status_code == 400 and not ReasoningBlocks.objects.exists()
    assert in_dutch("A text block needs a title and a text.") in bad.content.decode()
    saved = client.post(
        _url("reasoning_blocks_edit", municipality_a, kind.pk),
        _blocks_form(["Drukte", "Veiligheid", ""]),
    )
    assert saved.status_code == 302
    assert [b["title"] for b in reasoning_blocks_for(kind, municipality_a)] == [
        "Veiligheid",
        "Drukte",
    ]

    case = _refusal(municipality_a, worker_a)
    client.force_login(worker_a)
    page = reverse("workbench:case_detail", args=[case.uuid])
    with time_machine.travel(at(3, 2), tick=False):
        assert (
            client.post(
                reverse("workbench:case_action", args=[case.uuid, "decide"]),
                {"decide-version": case.version, "decide-decision_type": kind.pk},
            ).status_code
            == 302
        )
        decision = Decision.objects.get(case=case)
        assert decision.reasoning.startswith("Veiligheid: de tekst")  # the own blocks
        html = client.get(page).content.decode()
        insert = reverse("workbench:decision_action", args=[case.uuid, decision.uuid, "invoegen"])
        assert f'formaction="{insert}"' in html and ">Drukte</option>" in html
        prefix = f"decision-{decision.pk}"
        done = client.post(
            insert,
            {
                f"{prefix}-reasoning": "Wat ik zelf schreef.",
                f"{prefix}-legal_ground": "APV 2:25",
                f"{prefix}-block": "1",
            },
        )
        assert done.status_code == 302 and done["Location"].endswith(f"#{prefix}")
        decision.refresh_from_db()
        assert decision.reasoning == "Wat ik zelf schreef.\n\nDrukte: de tekst van dit blok."
        assert decision.legal_ground == "APV 2:25"  # what was typed in the form is kept
        wrong = client.post(insert, {f"{prefix}-reasoning": "Anders.", f"{prefix}-block": "9"})
        assert wrong.status_code == 400
        assert (
            in_dutch("Choose one of the text blocks of this kind of decision.")
            in wrong.content.decode()
        )
        decision.refresh_from_db()
        assert decision.reasoning.startswith("Wat ik zelf schreef.")

    client.force_login(admin_a)
    reset = client.post(_url("reasoning_blocks_edit", municipality_a, kind.pk), {"reset": "1"})
    assert reset.status_code == 302 and not ReasoningBlocks.objects.exists()


def test_a_sent_decision_is_replaced_from_the_case_page_and_mijn_loket_follows(
    client: Client, catalogue: None, municipality_a: Any, worker_a: Any, settings: Any
) -> None:
    settings.LOKET_DEMO_LOGIN = True
    resident = PersonFactory.create(
        municipality=municipality_a, surname="Smit", email="s@example.org"
    )
    with time_machine.travel(at(1, 19), tick=False):
        case = make_case(
            municipality=municipality_a, product_slug="evenementenvergunning", person=resident
        )
    refusal = DecisionType.objects.get(case_type=case.case_type, code="geweigerd")
    granted = DecisionType.objects.get(case_type=case.case_type, code="verleend")
    client.force_login(worker_a)
    page = reverse("workbench:case_detail", args=[case.uuid])

    def action(decision: Decision, name: str) -> str:
        return reverse("workbench:decision_action", args=[case.uuid, decision.uuid, name])

    with time_machine.travel(at(3, 2), tick=False):
        client.post(
            reverse("workbench:case_action", args=[case.uuid, "decide"]),
            {"decide-version": case.version, "decide-decision_type": refusal.pk},
        )
        first = Decision.objects.get(case=case)
        assert client.post(action(first, "versturen")).status_code == 302
        html = client.get(page).content.decode()
        assert action(first, "vervangen") in html  # offered on the sent decision
        bad = client.post(
            action(first, "vervangen"), {f"replace-{first.pk}-decision_type": "99999999"}
        )
        assert bad.status_code == 400 and Decision.objects.filter(case=case).count() == 1
    with time_machine.travel(at(3, 9), tick=False):
        made = client.post(
            action(first, "vervangen"), {f"replace-{first.pk}-decision_type": granted.pk}
        )
        assert made.status_code == 302
        second = Decision.objects.get(case=case, replaces=first)
        assert (second.status, second.decision_type, second.reasoning) == (
            "draft",
            granted,
            first.reasoning,
        )
        twice = client.post(action(first, "vervangen"), {})
        assert twice.status_code == 409  # one replacement at a time
        html = client.get(page).content.decode()
        assert 'data-testid="replaces"' in html and first.identification in html
        first.refresh_from_db()
        assert first.status == "sent"
        assert client.post(action(second, "versturen")).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("replaced", "sent")
    html = client.get(page).content.decode()
    assert 'data-testid="replaced-by"' in html and second.identification in html
    assert f"{first.identification}: vervangen door {second.identification}" in html  # timeline

    from tests.portal.conftest import login

    resident_client = Client()
    login(resident_client, municipality_a, resident)
    mine = resident_client.get(
        reverse("portal:mijn_case", kwargs={"municipality": municipality_a.slug, "uuid": case.uuid})
    ).content.decode()
    # Both letters are there, the old one said to be replaced; only the decision in force can
    # be objected to.
    assert mine.count('data-testid="decision-letter"') == 2
    assert mine.count("vervangen door een nieuw besluit") == 1
    assert (
        f"/besluiten/{second.uuid}/bezwaar" in mine
        and f"/besluiten/{first.uuid}/bezwaar" not in mine
    )
