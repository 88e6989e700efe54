"""The resident side resolves its municipality from the path prefix."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from loket.tenancy.models import Package
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard_only(catalogue: None) -> Any:
    return MunicipalityFactory.create(slug="klein", name="Kleindorp")


@pytest.fixture
def with_additional(catalogue: None) -> Any:
    municipality = MunicipalityFactory.create(slug="groot", name="Grootstad")
    municipality.additional_packages.set(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    return municipality


def test_home_lists_offered_products(client: Any, standard_only: Any, with_additional: Any) -> None:
    small = client.get("/klein/").content.decode()
    big = client.get("/groot/").content.decode()
    assert "Kleindorp" in small and "Paspoort aanvragen" in small
    # Parkeervergunning voor bewoners is in the additional package only (seed 002).
    assert "Parkeervergunning voor bewoners" not in small
    assert "Parkeervergunning voor bewoners" in big


def test_product_page_states_the_service_norm_in_words(client: Any, with_additional: Any) -> None:
    page = client.get(reverse("portal:product", args=["groot", "paspoort"])).content.decode()
    assert "U krijgt binnen 5 werkdagen antwoord." in page
    page = client.get(reverse("portal:product", args=["groot", "woz-bezwaar"])).content.decode()
    assert "U krijgt binnen 6 weken antwoord." in page
    assert "hoogstens 6 weken langer" in page or "6 weken" in page


def test_product_page_in_english(client: Any, with_additional: Any) -> None:
    client.cookies["django_language"] = "en"
    page = client.get(reverse("portal:product", args=["groot", "paspoort"])).content.decode()
    assert "Apply for a passport" in page
    assert "You will get an answer within 5 working days." in page


def test_product_not_in_package_is_404(client: Any, standard_only: Any) -> None:
    response = client.get(reverse("portal:product", args=["klein", "parkeervergunning"]))
    assert response.status_code == 404


def test_unknown_municipality_is_a_friendly_404(client: Any, catalogue: None) -> None:
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We kunnen deze pagina niet vinden" in body
    assert 'href="/"' in body


def test_inactive_municipality_is_404(client: Any, standard_only: Any) -> None:
    standard_only.is_active = False
    standard_only.save()
    assert client.get("/klein/").status_code == 404


def test_search_finds_products_by_everyday_words(client: Any, with_additional: Any) -> None:
    page = client.get("/groot/", {"q": "verhuisd"}).content.decode()
    assert "Verhuizing doorgeven" in page


def test_home_page_links_both_sides(client: Any, with_additional: Any) -> None:
    page = client.get("/").content.decode()
    assert 'href="/groot/"' in page
    assert 'href="/werkplek/"' in page


def test_dutch_by_default_even_for_an_english_browser(client: Any, with_additional: Any) -> None:
    page = client.get("/groot/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert "Waarmee kunnen we u helpen?" in page
    assert '<html lang="nl">' in page


def test_language_switch_keeps_the_page(client: Any, with_additional: Any) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/groot/"})
    assert response.status_code == 302
    assert response["Location"] == "/groot/"
    page = client.get("/groot/").content.decode()
    assert "What can we help you with?" in page
    assert '<html lang="en">' in page
