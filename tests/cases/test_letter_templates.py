"""A municipality's own decision letters (issue 13, "Decisions" items 2 and 4): its wording in
its letters and not in another's, the objection clause still the code's, only who may manage
templates changes them, plain text only; its own reasoning text blocks; inserting a block into
a draft; replacing a sent decision. Real PDFs, read back with pypdf."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.utils import translation
from pypdf import PdfReader

from loket.accounts.models import Role
from loket.accounts.permissions import NotPermitted
from loket.cases.decisions import (
    DecisionRefused,
    decision_draft,
    decision_insert_block,
    decision_letter,
    decision_replace,
    decision_send,
    decision_withdraw,
    reasoning_from_blocks,
    sample_letter,
)
from loket.cases.errors import InvalidInput
from loket.cases.letters import (
    StaleTemplate,
    TemplateText,
    letter_template_save,
    reasoning_blocks_for,
    reasoning_blocks_reset,
    reasoning_blocks_save,
)
from loket.cases.models import Decision, LetterTemplate, ReasoningBlocks
from loket.catalogue.models import DecisionType
from loket.history.models import ChangeRecord
from loket.lib.calendar import AMSTERDAM
from tests.factories import PersonFactory, StaffFactory, make_case

pytestmark = pytest.mark.django_db

WORDING = TemplateText(
    opening_nl="Wij ontvingen uw aanvraag voor {product} op {datum_ontvangst} ({zaaknummer}).",
    opening_en="We received your application for {product} on {datum_ontvangst}.",
    closing_nl="Vragen? Bel het Vergunningenloket van Aadorp.",
    mandate="Namens het college van burgemeester en wethouders van Aadorp",
    signatory_name="mr. P. de Wit",
    signatory_function="Teamleider Vergunningen",
    objection_addressee="de Commissie bezwaarschriften Aadorp",
    objection_address="Postbus 4711\n9999 ZZ Aadorp",
    objection_url="https://www.aadorp.example/bezwaar",
    court="rechtbank Noord-Oost",
    footer="Stadskantoor Aadorp · Markt 1 · www.aadorp.example",
)
OWN_TEXTS = [
    "Wij ontvingen uw aanvraag voor Evenementenvergunning op 19 januari 2026",
    "Vragen? Bel het Vergunningenloket van Aadorp.",
    "Namens het college van burgemeester en wethouders van Aadorp",
    "mr. P. de Wit",
    "Teamleider Vergunningen",
    "de Commissie bezwaarschriften Aadorp",
    "Postbus 4711, 9999 ZZ Aadorp",
    "https://www.aadorp.example/bezwaar",
    "rechtbank Noord-Oost",
    "Stadskantoor Aadorp · Markt 1 · www.aadorp.example",
]


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=AMSTERDAM)


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


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


def _refusal(municipality: Any, actor: Any, *, language: str = "nl") -> Decision:
    person = PersonFactory.create(municipality=municipality, language=language, surname="Visser")
    with time_machine.travel(at(1, 19), tick=False):
        case = make_case(
            municipality=municipality, product_slug="evenementenvergunning", person=person
        )
        kind = DecisionType.objects.get(case_type=case.case_type, code="geweigerd")
        return decision_draft(case=case, decision_type=kind, actor=actor)


def _letter_of(decision: Decision) -> str:
    assert decision.document is not None
    with decision.document.file.open("rb") as handle:
        return text_of(handle.read())


def test_the_municipalitys_wording_is_in_its_letters_and_not_in_anothers(
    catalogue: None,
    municipality_a: Any,
    municipality_b: Any,
    admin_a: Any,
    staff_a: Any,
    staff_b: Any,
) -> None:
    saved = letter_template_save(
        municipality=municipality_a, text=WORDING, actor=admin_a, expected_version=None
    )
    assert saved.version == 1 and saved.updated_by == admin_a
    ours = _refusal(municipality_a, staff_a)
    assert ours.mandate == WORDING.mandate  # the draft is decided on the template's behalf
    theirs = _refusal(municipality_b, staff_b)
    with time_machine.travel(at(3, 2), tick=False):
        ours = decision_send(decision=ours, actor=staff_a)
        theirs = decision_send(decision=theirs, actor=staff_b)
    letter, other = _letter_of(ours), _letter_of(theirs)
    for text in OWN_TEXTS:
        assert text in letter, text
        assert text not in other, text
    assert "ZAAK-" in letter and "Op 19 januari 2026 ontvingen wij" not in letter  # own opening
    # The objection clause is still the code's: the last day by Awb 6:7, 6:8 and the Atw.
    assert "uiterlijk op 13 april 2026" in letter and "uiterlijk op 13 april 2026" in other
    # The other municipality keeps the standard wording.
    assert "Op 19 januari 2026 ontvingen wij uw aanvraag" in other
    assert "college van burgemeester en wethouders van Beedorp" in other
    assert "voorzieningenrechter van de rechtbank vragen om een voorlopige voorziening" in other
    assert "Namens het college van burgemeester en wethouders" in other


def test_an_english_letter_takes_the_english_opening_and_the_same_addresses(
    catalogue: None, municipality_a: Any, admin_a: Any, staff_a: Any
) -> None:
    letter_template_save(
        municipality=municipality_a, text=WORDING, actor=admin_a, expected_version=None
    )
    decision = _refusal(municipality_a, staff_a, language="en")
    text = text_of(decision_letter(decision))
    assert "We received your application for Event permit on 19 January 2026." in text
    assert "Wij ontvingen" not in text and "Vragen? Bel" not in text  # no Dutch in English
    assert "de Commissie bezwaarschriften Aadorp" in text and "rechtbank Noord-Oost" in text


def test_without_a_template_the_letter_is_the_standard_one(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    decision = _refusal(municipality_a, staff_a)
    text = text_of(decision_letter(decision))
    assert "Op 19 januari 2026 ontvingen wij uw aanvraag voor Evenementenvergunning" in text
    assert "Maak bezwaar in Mijn Loket" in text and "CONCEPT" in text
    assert decision.mandate == "Namens het college van burgemeester en wethouders"


def test_only_a_role_that_may_manage_templates_changes_them(
    catalogue: None, municipality_a: Any, admin_a: Any, worker_a: Any, staff_a: Any
) -> None:
    kind = DecisionType.objects.get(case_type__code="vergunning", code="geweigerd")
    for refused in (worker_a, staff_a):  # a case worker, a team lead
        with pytest.raises(NotPermitted):
            letter_template_save(
                municipality=municipality_a, text=WORDING, actor=refused, expected_version=None
            )
        with pytest.raises(NotPermitted):
            reasoning_blocks_save(
                municipality=municipality_a,
                decision_type=kind,
                blocks=[{"title": "Eigen", "text": "Eigen tekst."}],
                actor=refused,
                expected_version=None,
            )
        with pytest.raises(NotPermitted):
            sample_letter(municipality=municipality_a, actor=refused)
    assert not LetterTemplate.objects.exists() and not ReasoningBlocks.objects.exists()
    assert not ChangeRecord.objects.filter(object_type="cases.lettertemplate").exists()
    letter_template_save(
        municipality=municipality_a, text=WORDING, actor=admin_a, expected_version=None
    )
    assert ChangeRecord.objects.filter(
        object_type="cases.lettertemplate", actor=admin_a, action="create"
    ).exists()


def test_an_administrator_of_another_municipality_cannot(
    catalogue: None, municipality_a: Any, municipality_b: Any
) -> None:
    other = StaffFactory.create(
        username="admin-b", role=Role.ADMINISTRATOR, municipalities=[municipality_b]
    )
    with pytest.raises(NotPermitted):
        letter_template_save(
            municipality=municipality_a, text=WORDING, actor=other, expected_version=None
        )
    assert not LetterTemplate.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "opening_nl",
            "Beste <b>inwoner</b>",
            "Write plain text: “<b” looks like HTML, which a letter does not use.",
        ),
        ("footer", "<script>alert(1)</script>", "“<script” looks like HTML"),
        ("closing_nl", "Groet {naam}", "Unknown placeholder {naam}."),
        ("closing_nl", "Groet {product", "Braces are only for placeholders"),
        ("signatory_name", "P. de Wit\nafdelingshoofd", "Write this on one line."),
        ("footer", "een\ntwee\ndrie\nvier", "Use at most 3 lines; this text has 4."),
        ("objection_url", "javascript:alert(1)", "Give a web address that starts with https://"),
        ("court", "x" * 201, "at most 200 are allowed"),
        ("opening_nl", "a\x00b", "This text contains a character that is not allowed."),
        ("opening_nl", "a\x07b", "This text contains a character that is not allowed."),
    ],
)
def test_what_is_not_plain_text_is_refused_with_its_reason(
    catalogue: None, municipality_a: Any, admin_a: Any, field: str, value: str, message: str
) -> None:
    with translation.override("en"):
        with pytest.raises(InvalidInput) as refused:
            letter_template_save(
                municipality=municipality_a,
                text=TemplateText(**{field: value}),
                actor=admin_a,
                expected_version=None,
            )
        assert refused.value.field == field and refused.value.status == 400
        assert message in str(refused.value.message)
    assert not LetterTemplate.objects.exists()


def test_a_change_by_someone_else_in_between_is_refused(
    catalogue: None, municipality_a: Any, admin_a: Any
) -> None:
    first = letter_template_save(
        municipality=municipality_a, text=WORDING, actor=admin_a, expected_version=None
    )
    letter_template_save(
        municipality=municipality_a,
        text=TemplateText(court="rechtbank Oost"),
        actor=admin_a,
        expected_version=first.version,
    )
    with pytest.raises(StaleTemplate):
        letter_template_save(
            municipality=municipality_a,
            text=TemplateText(court="rechtbank West"),
            actor=admin_a,
            expected_version=first.version,
        )
    assert LetterTemplate.objects.get().court == "rechtbank Oost"


def test_the_sample_letter_shows_typed_wording_without_saving_it(
    catalogue: None, municipality_a: Any, admin_a: Any
) -> None:
    text = text_of(sample_letter(municipality=municipality_a, actor=admin_a, wording=WORDING))
    assert "de Commissie bezwaarschriften Aadorp" in text and "mr. P. de Wit" in text
    with translation.override("nl"):
        assert str(translation.gettext("SAMPLE")) in text
    assert not LetterTemplate.objects.exists()
    english = text_of(sample_letter(municipality=municipality_a, actor=admin_a, language="en"))
    assert "Municipality of Aadorp" in english and "Maak bezwaar" not in english


def test_a_municipalitys_own_text_blocks_replace_the_catalogues_there_only(
    catalogue: None,
    municipality_a: Any,
    municipality_b: Any,
    admin_a: Any,
    staff_a: Any,
    staff_b: Any,
) -> None:
    kind = DecisionType.objects.get(case_type__code="vergunning", code="geweigerd")
    catalogue_text = reasoning_from_blocks(kind)
    assert "Uw aanvraag voldoet niet aan die regels" in catalogue_text
    own = reasoning_blocks_save(
        municipality=municipality_a,
        decision_type=kind,
        blocks=[
            {"title": "Aadorp weigert", "text": "Aadorp weigert dit evenement."},
            {"title": "Drukte", "text": "Het centrum is die week al vol.\nZie de kaart."},
        ],
        actor=admin_a,
        expected_version=None,
    )
    assert own.version == 1
    assert reasoning_from_blocks(kind, municipality_a) == (
        "Aadorp weigert dit evenement.\n\nHet centrum is die week al vol.\nZie de kaart."
    )
    assert _refusal(municipality_a, staff_a).reasoning.startswith("Aadorp weigert")
    assert _refusal(municipality_b, staff_b).reasoning == catalogue_text
    with pytest.raises(InvalidInput) as refused:
        reasoning_blocks_save(
            municipality=municipality_a,
            decision_type=kind,
            blocks=[{"title": "Leeg", "text": ""}],
            actor=admin_a,
            expected_version=own.version,
        )
    assert refused.value.field == "block-1-text"
    with pytest.raises(StaleTemplate):
        reasoning_blocks_save(
            municipality=municipality_a,
            decision_type=kind,
            blocks=[],
            actor=admin_a,
            expected_version=None,
        )
    reasoning_blocks_reset(municipality=municipality_a, decision_type=kind, actor=admin_a)
    assert reasoning_from_blocks(kind, municipality_a) == catalogue_text


def test_a_text_block_is_inserted_into_a_draft(
    catalogue: None, municipality_a: Any, admin_a: Any, staff_a: Any
) -> None:
    draft = _refusal(municipality_a, staff_a)
    blocks = reasoning_blocks_for(draft.decision_type, municipality_a)
    typed = "Mijn eigen begin."
    updated = decision_insert_block(
        decision=draft, index=len(blocks) - 1, actor=staff_a, reasoning=typed
    )
    assert updated.reasoning == f"{typed}\n\n{blocks[-1]['text']}"
    empty = decision_insert_block(decision=updated, index=0, actor=staff_a, reasoning="")
    assert empty.reasoning == blocks[0]["text"]
    with pytest.raises(InvalidInput) as refused:
        decision_insert_block(decision=draft, index=len(blocks), actor=staff_a)
    assert refused.value.field == "block"
    with pytest.raises(NotPermitted):  # an administrator does not decide (the role table)
        decision_insert_block(decision=draft, index=0, actor=admin_a)
    draft.refresh_from_db()
    assert draft.reasoning == blocks[0]["text"]


def test_a_sent_decision_is_replaced_and_both_are_in_the_history(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    first = _refusal(municipality_a, staff_a)
    with time_machine.travel(at(3, 2), tick=False):
        first = decision_send(decision=first, actor=staff_a)
    with pytest.raises(DecisionRefused):
        decision_replace(decision=_refusal_draft_of(first, staff_a), actor=staff_a)
    granted = DecisionType.objects.get(case_type=first.case.case_type, code="verleend")
    with time_machine.travel(at(3, 9), tick=False):
        second = decision_replace(decision=first, actor=staff_a, decision_type=granted)
        with pytest.raises(DecisionRefused):  # one replacement at a time
            decision_replace(decision=first, actor=staff_a)
    assert (second.status, second.replaces, second.decision_type) == ("draft", first, granted)
    assert second.reasoning == first.reasoning and second.legal_ground == first.legal_ground
    assert second.mandate == first.mandate and second.effective_on is None
    first.refresh_from_db()
    assert first.status == "sent"  # in force until the new one is sent
    with time_machine.travel(at(3, 10), tick=False):
        second = decision_send(decision=second, actor=staff_a)
    first.refresh_from_db()
    assert (first.status, second.status, second.sent_on) == ("replaced", "sent", date(2026, 3, 10))
    case = second.case
    details = list(case.events.filter(kind="decision").values_list("detail", "basis"))
    assert (
        f"{first.identification}: vervangen door {second.identification}",
        "replaced",
    ) in details
    assert any(d.startswith(second.identification) for d, _b in details)
    record = ChangeRecord.objects.filter(object_type="cases.case", object_id=str(case.pk))
    assert record.filter(changes__replaces=first.identification).count() == 2  # drafted, sent
    case.refresh_from_db()
    assert case.result is not None and case.result.code == "verleend"
    assert "uiterlijk op 21 april 2026" in _letter_of(second)  # its own six weeks


def _refusal_draft_of(decision: Decision, actor: Any) -> Decision:
    """A draft on the same case (not sent), to show that only a sent decision is replaced."""
    return decision_draft(case=decision.case, decision_type=decision.decision_type, actor=actor)


def test_a_replacement_of_a_withdrawn_decision_is_not_sent(
    catalogue: None, municipality_a: Any, staff_a: Any
) -> None:
    first = _refusal(municipality_a, staff_a)
    with time_machine.travel(at(3, 2), tick=False):
        first = decision_send(decision=first, actor=staff_a)
        second = decision_replace(decision=first, actor=staff_a)
        decision_withdraw(decision=first, reason="Verkeerde aanvrager", actor=staff_a)
        with pytest.raises(DecisionRefused):
            decision_send(decision=second, actor=staff_a)
    second.refresh_from_db()
    first.refresh_from_db()
    assert (first.status, second.status) == ("withdrawn", "draft")
