"""Wegwijzer: the resident's words in, the right products of their municipality out."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import RequestFactory

from loket.catalogue.models import Product
from loket.catalogue.services import DEFAULT_PRODUCTS, CatalogueError, catalogue_load
from loket.tenancy.models import Package
from loket.wegwijzer import services
from loket.wegwijzer.services import index_rebuild, wegwijzer_search
from loket.wegwijzer.text import Vocabulary, distance, fold
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything(catalogue: None) -> Any:
    municipality = MunicipalityFactory.create(slug="alles", name="Alles")
    municipality.additional_packages.set(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    return municipality


@pytest.fixture
def standard_only(catalogue: None) -> Any:
    return MunicipalityFactory.create(slug="basis", name="Basis")


def _top(question: str, municipality: Any) -> list[str]:
    return [hit.product.slug for hit in wegwijzer_search(question, municipality=municipality)]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("ik ben verhuisd", "verhuizing"),  # the brief's own example
        ("we krijgen een baby", "geboorteaangifte"),
        ("paspoord verlopen", "paspoort"),  # typo
        ("grofvul ophalen", "grofvuil"),  # typo
        ("de lantaarnpaal bij ons voor de deur doet het niet", "melding-openbare-ruimte"),
        ("I lost my wallet in town", "gevonden-voorwerp"),  # English
        ("ik kan mijn rekeningen niet meer betalen", "schuldhulp"),
        ("bel me terug", "terugbelverzoek"),
    ],
)
def test_finds_the_product_in_the_residents_words(
    everything: Any, question: str, expected: str
) -> None:
    assert _top(question, everything)[0] == expected


def test_only_products_of_the_municipality(everything: Any, standard_only: Any) -> None:
    question = "ik wil mijn auto voor de deur parkeren in de binnenstad"
    assert _top(question, everything)[0] == "parkeervergunning"
    assert "parkeervergunning" not in _top(question, standard_only)
    assert not Product.objects.offered_in(standard_only).filter(slug="parkeervergunning").exists()


def test_results_are_ranked_scored_and_limited(everything: Any) -> None:
    hits = wegwijzer_search("paspoort kwijt op vakantie", municipality=everything)
    assert 1 <= len(hits) <= 5
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 for score in scores)
    assert hits[0].product.slug == "paspoort"


@pytest.mark.parametrize("question", ["", "   ", "de het een", "?!", "xqzwv"])
def test_meaningless_questions_find_nothing(everything: Any, question: str) -> None:
    assert wegwijzer_search(question, municipality=everything) == []


def test_index_follows_the_catalogue(everything: Any) -> None:
    assert "parkeervergunning" not in _top("zeppelinhaven", everything)
    product = Product.objects.get(slug="parkeervergunning")
    product.keywords += "\nzeppelinhaven"
    product.save()
    index_rebuild()  # in production the product's service or admin does this after the commit
    assert _top("zeppelinhaven", everything)[0] == "parkeervergunning"


class _RolledBackError(Exception):
    pass


def _rolled_back(change: Callable[[], object]) -> None:
    """Make ``change`` in a transaction that is then rolled back."""
    with suppress(_RolledBackError), transaction.atomic():
        change()
        raise _RolledBackError


@pytest.fixture
def fresh_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget the search model an earlier test cached: each test rolls the index generation
    back, so a cached model can carry the same generation as this test's rebuild."""
    monkeypatch.setattr(services, "_model", None)


def _admin_save(product: Product, keyword: str) -> None:
    product.keywords += f"\n{keyword}"
    request = RequestFactory().post("/beheer/")
    site.get_model_admin(Product).save_model(request, product, form=None, change=True)


def _products_with(tmp_path: Path, slug: str, keyword: str) -> Path:
    """The shipped products file with a keyword added to one product."""
    rows = list(csv.reader(DEFAULT_PRODUCTS.open(encoding="utf-8", newline="")))
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("slug")] == slug:
            row[header.index("keywords")] += f";{keyword}"
    target = tmp_path / f"products-{keyword}.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return target


def test_a_rolled_back_admin_change_does_not_stop_later_rebuilds(
    everything: Any, fresh_model: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """Once a signal with a per-thread "already scheduled" flag: after a rollback the flag stayed
    set and no later change in that thread rebuilt the index."""
    parking = Product.objects.get(slug="parkeervergunning")
    with django_capture_on_commit_callbacks(execute=True) as rebuilds:
        _rolled_back(lambda: _admin_save(parking, "ballonhangar"))
    assert rebuilds == []
    with django_capture_on_commit_callbacks(execute=True) as rebuilds:
        _admin_save(Product.objects.get(slug="parkeervergunning"), "luchtschiphaven")
    assert len(rebuilds) == 1
    assert _top("luchtschiphaven", everything)[0] == "parkeervergunning"
    assert "parkeervergunning" not in _top("ballonhangar", everything)


def test_a_rolled_back_catalogue_load_does_not_stop_later_rebuilds(
    everything: Any,
    fresh_model: None,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as rebuilds:
        # A load that was written, then rolled back with the transaction around it ...
        _rolled_back(
            lambda: catalogue_load(
                products_path=_products_with(tmp_path, "grofvuil", "ballonhangar")
            )
        )
        # ... and one refused before writing anything.
        with pytest.raises(CatalogueError):
            catalogue_load(products_path=tmp_path / "missing.csv")
    assert rebuilds == []
    with django_capture_on_commit_callbacks(execute=True) as rebuilds:
        catalogue_load(products_path=_products_with(tmp_path, "grofvuil", "luchtschiphaven"))
    assert len(rebuilds) == 1  # one rebuild for the whole load, not one per product
    assert _top("luchtschiphaven", everything)[0] == "grofvuil"
    assert "grofvuil" not in _top("ballonhangar", everything)


def test_inactive_products_are_not_offered(everything: Any) -> None:
    Product.objects.filter(slug="grofvuil").update(is_active=False)
    index_rebuild()
    assert "grofvuil" not in _top("grofvuil ophalen bank en matras", everything)


def test_typo_correction_and_compounds() -> None:
    vocabulary = Vocabulary()
    for word in ("parkeer", "plek", "paspoort", "afval", "container"):
        vocabulary.add(word)
    assert vocabulary.correct("paspoord") == "paspoort"
    assert vocabulary.correct("pasport") == "paspoort"
    assert vocabulary.correct("xyz") is None  # short words are never "corrected"
    assert vocabulary.split("parkeerplek") == ["parkeer", "plek"]
    assert vocabulary.split("afvalscontainer") == ["afval", "container"]  # linking s
    assert distance("paspoort", "pasoport", 2) == 1  # a swap is one typo
    assert fold("Café's") == "cafes"


def test_command_writes_one_json_line_per_question(everything: Any) -> None:
    out = io.StringIO()
    stdin = io.StringIO("ik ben verhuisd\n\nmy bin is broken\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", stdin)
        call_command("wegwijzer", "--municipality", "alles", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["question"] for line in lines] == ["ik ben verhuisd", "my bin is broken"]
    assert lines[0]["results"][0]["slug"] == "verhuizing"
    assert lines[1]["results"][0]["slug"] == "afvalcontainer"
    for line in lines:
        assert 1 <= len(line["results"]) <= 5
        assert set(line["results"][0]) == {"slug", "score"}


def test_command_defaults_to_the_first_municipality(everything: Any, standard_only: Any) -> None:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO("parkeervergunning bewoners\n"))
        call_command("wegwijzer", stdout=out)
    assert json.loads(out.getvalue())["results"][0]["slug"] == "parkeervergunning"


def test_command_refuses_an_unknown_municipality(everything: Any) -> None:
    with pytest.raises(CommandError, match="alles"):
        call_command("wegwijzer", "--municipality", "nergens", stdout=io.StringIO())


def test_model_is_reloaded_when_the_index_changes(everything: Any) -> None:
    wegwijzer_search("paspoort", municipality=everything)
    first = services._model
    index_rebuild()
    wegwijzer_search("paspoort", municipality=everything)
    assert services._model is not first
