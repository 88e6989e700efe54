"""The front-office screen: one search box, the resident's single view, answering from the
knowledge base and registering the contact in one click."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from loket.accounts.models import Role
from loket.catalogue.models import Product
from loket.contacts.models import Contact
from loket.knowledge.models import Article
from loket.parties.models import Organisation
from tests.factories import MunicipalityFactory, PersonFactory, StaffFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(municipality_a: Any) -> Any:
    return StaffFactory.create(
        username="kcc", role=Role.FRONT_OFFICE, municipalities=[municipality_a]
    )


@pytest.fixture
def resident(catalogue: None, municipality_a: Any) -> Any:
    return PersonFactory.create(
        municipality=municipality_a,
        bsn="111222333",
        first_name="Mila",
        surname="Koster",
        birth_date=dt.date(1988, 4, 9),
        street="Lindelaan",
        house_number="14a",
        postcode="3311 AB",
        email="mila.koster@example.org",
        phone="+31612345678",
    )


@pytest.fixture
def articles(catalogue: None, municipality_a: Any) -> dict[str, Article]:
    product = Product.objects.get(slug="verhuizing")

    def article(**kwargs: Any) -> Article:
        return Article.objects.create(
            product=product,
            title_en=kwargs["title_nl"],
            answer_en=kwargs["answer_nl"],
            valid_from=kwargs.pop("valid_from", dt.date(2020, 1, 1)),
            **kwargs,
        )

    return {
        "current": article(
            title_nl="Verhuizing doorgeven",
            answer_nl="Geef uw verhuizing binnen 5 dagen door via Mijn Loket.",
            instructions_nl="Controleer of de inwoner een huurcontract heeft.",
        ),
        "expired": article(
            title_nl="Verhuizing (oud)",
            answer_nl="Oude regeling met formulier op papier.",
            valid_until=dt.date(2021, 1, 1),
        ),
    }


@pytest.mark.parametrize(
    ("query", "opens_directly"),
    [
        ("3311 AB 14a", True),
        ("3311ab 14", True),
        ("111222333", True),
        ("111 222 333", True),
        ("mila.koster@example.org", True),
        ("06 12345678", True),
        ("9-4-1988", False),
        ("Koster", False),
        ("mila koster", False),
    ],
)
def test_one_box_finds_the_resident(
    client: Any, agent: Any, resident: Any, municipality_a: Any, query: str, opens_directly: bool
) -> None:
    """An identifying key that matches one resident opens their view at once; a name or birth
    date gives a list."""
    for number in ("2", "140"):  # same postcode, other house numbers
        PersonFactory.create(
            municipality=municipality_a, surname="Anders", postcode="3311 AB", house_number=number
        )
    client.force_login(agent)
    response = client.post(reverse("workbench:front_office"), {"q": query})
    detail = reverse("workbench:person_detail", kwargs={"uuid": resident.uuid})
    if opens_directly:
        assert response.status_code == 302
        assert response["Location"] == detail
    else:
        page = response.content.decode()
        assert detail in page
        assert "Anders" not in page


def test_postcode_alone_lists_everyone_at_it(
    client: Any, agent: Any, resident: Any, municipality_a: Any
) -> None:
    PersonFactory.create(
        municipality=municipality_a, surname="Buurman", postcode="3311 AB", house_number="16"
    )
    client.force_login(agent)
    page = client.post(reverse("workbench:front_office"), {"q": "3311 AB"}).content.decode()
    assert "Koster" in page
    assert "Buurman" in page


def test_one_box_finds_organisations_cases_and_articles(
    client: Client, agent: Any, resident: Any, municipality_a: Any, articles: dict[str, Article]
) -> None:
    Organisation.objects.create(
        municipality=municipality_a, kvk_number="12345678", name="Bakkerij Bol"
    )
    case = make_case(municipality=municipality_a, person=resident)
    client.force_login(agent)

    def search(q: str) -> str:
        return client.post(reverse("workbench:front_office"), {"q": q}).content.decode()

    assert "Bakkerij Bol" in search("12345678")
    assert "Bakkerij Bol" in search("bakkerij")
    assert reverse("workbench:case_detail", kwargs={"uuid": case.uuid}) in search(
        case.identification
    )
    page = search("ik ga verhuizen naar een andere straat")
    assert "Verhuizing doorgeven" in page
    assert "Oude regeling" not in page


def test_other_municipality_is_never_found(client: Any, resident: Any, municipality_b: Any) -> None:
    other = StaffFactory.create(
        username="kcc-b", role=Role.FRONT_OFFICE, municipalities=[municipality_b]
    )
    client.force_login(other)
    for query in ("111222333", "Koster", "3311 AB 14a", "mila.koster@example.org"):
        page = client.post(reverse("workbench:front_office"), {"q": query}).content.decode()
        assert str(resident.uuid) not in page
        assert "Lindelaan" not in page
        assert "Mila" not in page


def test_single_view_shows_everything_about_the_resident(
    client: Any, agent: Any, resident: Any, municipality_a: Any
) -> None:
    case = make_case(municipality=municipality_a, person=resident, product_slug="rijbewijs")
    Contact.objects.create(
        municipality=municipality_a,
        occurred_at=case.started_at,
        channel="balie",
        subject="Rijbewijs verlengen",
        person=resident,
        outcome="answered",
    )
    client.force_login(agent)
    page = client.get(
        reverse("workbench:person_detail", kwargs={"uuid": resident.uuid})
    ).content.decode()
    for expected in (
        "Mila Koster",
        "111222333",
        "Lindelaan 14a",
        case.identification,
        "Rijbewijs verlengen",
    ):
        assert expected in page


def test_answer_from_the_knowledge_base_in_one_click(
    client: Any, agent: Any, resident: Any, articles: dict[str, Article]
) -> None:
    client.force_login(agent)
    url = reverse("workbench:person_detail", kwargs={"uuid": resident.uuid})
    page = client.get(url, {"vraag": "ik ga verhuizen"}).content.decode()
    assert "Geef uw verhuizing binnen 5 dagen door" in page
    assert "Controleer of de inwoner een huurcontract heeft" in page  # staff instructions
    assert "Oude regeling" not in page  # no longer valid
    response = client.post(
        reverse("workbench:person_answer", kwargs={"uuid": resident.uuid}),
        {"article": articles["current"].uuid, "channel": "balie", "vraag": "ik ga verhuizen"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (
        contact.person,
        contact.article,
        contact.channel,
        contact.outcome,
        contact.resolved_on_first_contact,
        contact.registered_by,
    ) == (resident, articles["current"], "balie", "answered", True, agent)
    assert contact.product is not None and contact.product.slug == "verhuizing"
    # The channel is remembered for the next contact of this agent.
    assert 'value="balie" selected' in client.get(url, {"vraag": "verhuizen"}).content.decode()


def test_article_of_another_municipality_cannot_be_used(
    client: Any, agent: Any, resident: Any, catalogue: None
) -> None:
    elsewhere = MunicipalityFactory.create(slug="elders")
    foreign = Article.objects.create(
        product=Product.objects.get(slug="verhuizing"),
        municipality=elsewhere,
        title_nl="Alleen elders",
        title_en="Elsewhere only",
        answer_nl="x",
        answer_en="x",
        valid_from=dt.date(2020, 1, 1),
    )
    client.force_login(agent)
    response = client.post(
        reverse("workbench:person_answer", kwargs={"uuid": resident.uuid}),
        {"article": foreign.uuid, "channel": "balie"},
    )
    assert response.status_code == 404
    assert Contact.objects.count() == 0
    assert (
        client.get(reverse("workbench:article_detail", kwargs={"uuid": foreign.uuid})).status_code
        == 404
    )


def test_knowledge_base_search(client: Any, agent: Any, articles: dict[str, Article]) -> None:
    client.force_login(agent)
    page = client.get(reverse("workbench:knowledge"), {"q": "nieuw adres"}).content.decode()
    assert "Verhuizing doorgeven" in page
    assert "Verhuizing (oud)" not in page


def test_contact_form_prefills_what_is_known(
    client: Any, agent: Any, resident: Any, articles: dict[str, Article]
) -> None:
    client.force_login(agent)
    page = client.get(
        reverse("workbench:contact_new"),
        {"persoon": resident.uuid, "artikel": articles["current"].uuid},
    ).content.decode()
    assert 'value="+31612345678"' in page  # the phone number to call back
    assert 'value="Verhuizing doorgeven"' in page  # the subject from the article


def test_contact_form_errors_keep_what_was_typed(
    client: Any, agent: Any, resident: Any, municipality_a: Any
) -> None:
    client.force_login(agent)
    response = client.post(
        reverse("workbench:contact_new"),
        {
            "persoon": resident.uuid,
            "municipality": municipality_a.pk,
            "channel": "telefoon",
            "direction": "in",
            "subject": "Vraag over de kapvergunning",
            "outcome": "callback",
            "callback_phone": "12",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"receiver", "callback_phone"}
    assert 'value="Vraag over de kapvergunning"' in response.content.decode()
    assert Contact.objects.count() == 0


def test_editors_write_articles_others_may_not(
    client: Any, agent: Any, municipality_a: Any, catalogue: None
) -> None:
    # Who may edit is the role table's (loket.accounts.permissions, action "knowledge"): an
    # administrator may, a case worker may not.
    editor = StaffFactory.create(
        username="beheer", role=Role.ADMINISTRATOR, municipalities=[municipality_a]
    )
    worker = StaffFactory.create(
        username="behandelaar", role=Role.CASE_WORKER, municipalities=[municipality_a]
    )
    data = {
        "product": Product.objects.get(slug="hondenbelasting").pk,
        "municipality": municipality_a.pk,
        "title_nl": "Hond aanmelden",
        "answer_nl": "Meld uw hond binnen een maand aan.",
        "title_en": "Register a dog",
        "answer_en": "Register your dog within a month.",
        "valid_from": "2026-01-01",
        "valid_until": "2025-12-31",
    }
    client.force_login(worker)  # a case worker reads, does not write
    assert client.get(reverse("workbench:article_new")).status_code == 403
    client.force_login(editor)
    bad = client.post(reverse("workbench:article_new"), data)
    assert bad.status_code == 400
    assert list(bad.context["form"].errors) == ["valid_until"]
    assert not Article.objects.filter(title_nl="Hond aanmelden").exists()
    ok = client.post(reverse("workbench:article_new"), {**data, "valid_until": ""})
    article = Article.objects.get(title_nl="Hond aanmelden")
    assert ok["Location"] == reverse("workbench:article_detail", kwargs={"uuid": article.uuid})
    assert article.municipality == municipality_a
    client.force_login(agent)
    page = client.get(reverse("workbench:knowledge"), {"q": "hond"}).content.decode()
    assert "Hond aanmelden" in page


def test_unknown_bsn_offers_a_prefilled_new_resident(client: Any, agent: Any) -> None:
    client.force_login(agent)
    page = client.post(reverse("workbench:front_office"), {"q": "111222333"}).content.decode()
    link = re.search(r'href="(/werkplek/personen/nieuw\?[^"]*)"', page)
    assert link is not None and "111222333" not in link.group(1)
    form = client.get(html.unescape(link.group(1))).content.decode()
    assert 'value="111222333"' in form


def test_a_letter_opens_a_case_from_its_date_stamp(
    client: Any, agent: Any, resident: Any, municipality_a: Any
) -> None:
    """Awb 4:13 lid 1: a letter received Friday 6 March 2026 and registered on Monday 9 March
    runs from the Friday: 8 weeks end Friday 1 May (evenementenvergunning, no special law)."""
    import datetime as dt

    import time_machine

    from loket.cases.models import Case
    from loket.catalogue.models import Product
    from loket.lib.calendar import AMSTERDAM

    client.force_login(agent)
    post = {
        "persoon": resident.uuid,
        "municipality": municipality_a.pk,
        "channel": "brief",
        "direction": "in",
        "subject": "",
        "product": Product.objects.get(slug="evenementenvergunning").pk,
        "outcome": "case_created",
    }
    with time_machine.travel(dt.datetime(2026, 3, 9, 10, tzinfo=AMSTERDAM), tick=False):
        future = client.post(
            reverse("workbench:contact_new"), {**post, "received_on": "2026-03-10"}
        )
        assert future.status_code == 400
        assert "received_on" in future.context["form"].errors
        assert "10 maart 2026 ligt in de toekomst" in future.content.decode()
        assert (Case.objects.count(), Contact.objects.count()) == (0, 0)
        response = client.post(
            reverse("workbench:contact_new"), {**post, "received_on": "2026-03-06"}
        )
        assert response.status_code == 302
    case = Case.objects.get()
    assert case.received_on == dt.date(2026, 3, 6) and case.channel == "brief"
    assert case.legal_due_at is not None
    assert case.legal_due_at.astimezone(AMSTERDAM).date() == dt.date(2026, 5, 1)
