"""Loading the catalogue: the shipped files load; a bad file reports file and line and loads
nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from loket.catalogue.models import CaseType, Product, StatusStep
from loket.catalogue.services import (
    DEFAULT_CASE_TYPES,
    DEFAULT_PRODUCTS,
    CatalogueError,
    catalogue_load,
)
from loket.organisation.models import Partner, Team
from loket.tenancy.models import Package

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_catalogue")]

SHIPPED_SLUGS = [
    row["slug"] for row in csv.DictReader(DEFAULT_PRODUCTS.open(encoding="utf-8", newline=""))
]


def test_shipped_catalogue_loads_completely() -> None:
    report = catalogue_load()
    assert report.products == 40 and len(report.created) == 40
    assert sorted(Product.objects.values_list("slug", flat=True)) == sorted(SHIPPED_SLUGS)

    passport = Product.objects.get(slug="paspoort")
    assert passport.name_nl == "Paspoort aanvragen"
    assert passport.name_en == "Apply for a passport"
    assert passport.service_norm == "5wd"
    assert passport.team is not None and passport.team.name == "Publiekszaken"
    assert passport.appointment_minutes == 15
    assert passport.channels == ["balie"]
    assert passport.package.kind == Package.Kind.STANDARD

    woz = Product.objects.get(slug="woz-bezwaar")
    assert (woz.service_norm, woz.extension_term) == ("6w", "6w")
    assert woz.partner == Partner.objects.get(name="Belastingsamenwerking")
    assert woz.case_type is not None and woz.case_type.allows_extension

    parking = Product.objects.get(slug="parkeervergunning")
    assert parking.package.kind == Package.Kind.ADDITIONAL
    assert parking.online_request


def test_every_case_type_ends_in_a_final_step_and_has_results() -> None:
    catalogue_load()
    assert CaseType.objects.count() >= 5
    for case_type in CaseType.objects.all():
        steps = case_type.ordered_steps
        assert len(steps) >= 2
        # A public-space report starts "gemeld" (issue 15, as in Signalen); the rest "ontvangen".
        first = "gemeld" if case_type.code == "melding-openbare-ruimte" else "ontvangen"
        assert steps[0].code == first
        assert [s.number for s in steps] == list(range(1, len(steps) + 1))
        assert case_type.results.count() >= 2
    # Products with an extension term sit on a case type that allows extension (Awb 4:14).
    for product in Product.objects.exclude(extension_term=""):
        assert product.case_type is not None and product.case_type.allows_extension, product.slug


def test_loading_twice_changes_nothing() -> None:
    catalogue_load()
    counts = (Product.objects.count(), StatusStep.objects.count(), Team.objects.count())
    report = catalogue_load()
    assert report.created == []
    assert (Product.objects.count(), StatusStep.objects.count(), Team.objects.count()) == counts


def _copy_with(tmp_path: Path, line_number: int, column: str, value: str) -> Path:
    """The shipped products file with one field of one physical line replaced."""
    rows = list(csv.reader(DEFAULT_PRODUCTS.open(encoding="utf-8", newline="")))
    header = rows[0]
    rows[line_number - 1][header.index(column)] = value
    target = tmp_path / "products.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return target


def test_bad_row_reports_file_and_line_and_loads_nothing(tmp_path: Path) -> None:
    bad = _copy_with(tmp_path, 7, "service_norm", "5 days")
    with pytest.raises(CatalogueError) as caught:
        catalogue_load(products_path=bad)
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith("products.csv, line 7: service_norm")
    assert Product.objects.count() == 0
    assert CaseType.objects.count() == 0
    assert Team.objects.count() == 0


def test_bad_row_does_not_touch_an_existing_catalogue(tmp_path: Path) -> None:
    catalogue_load()
    bad = _copy_with(tmp_path, 2, "name_nl", "Nieuwe naam")
    bad_rows = list(csv.reader(bad.open(encoding="utf-8", newline="")))
    bad_rows[30][bad_rows[0].index("case_type")] = "bestaat-niet"
    with bad.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(bad_rows)
    with pytest.raises(CatalogueError) as caught:
        catalogue_load(products_path=bad)
    assert caught.value.problems == ["products.csv, line 31: unknown case_type “bestaat-niet”"]
    # Line 2 was valid but is not written either: all or nothing.
    assert Product.objects.get(slug=SHIPPED_SLUGS[0]).name_nl != "Nieuwe naam"


def test_every_problem_is_reported(tmp_path: Path) -> None:
    bad = _copy_with(tmp_path, 3, "channels", "duif")
    rows = list(csv.reader(bad.open(encoding="utf-8", newline="")))
    rows[9][rows[0].index("creates_case")] = "misschien"
    rows.append(rows[4])  # a duplicate slug on line 42
    with bad.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(CatalogueError) as caught:
        catalogue_load(products_path=bad)
    problems = caught.value.problems
    assert problems[0] == "products.csv, line 3: unknown or no channels: “duif”"
    assert problems[1] == "products.csv, line 10: creates_case must be yes or no, not “misschien”"
    assert problems[2].startswith("products.csv, line 42: slug")
    assert "already on line 5" in problems[2]


def test_missing_column_and_broken_json(tmp_path: Path) -> None:
    products = tmp_path / "products.csv"
    products.write_text("slug,name_nl\npaspoort,Paspoort\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        catalogue_load(products_path=products)
    assert caught.value.problems[0].startswith("products.csv, line 1: missing columns: name_en")

    broken = tmp_path / "case_types.json"
    broken.write_text('[{"code": "x",\n "steps": [}]', encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        catalogue_load(case_types_path=broken)
    assert caught.value.problems[0].startswith("case_types.json, line 2: not valid JSON")


def test_case_type_without_final_step_is_refused(tmp_path: Path) -> None:
    data = json.loads(DEFAULT_CASE_TYPES.read_text(encoding="utf-8"))
    data[0]["steps"] = data[0]["steps"][:1]
    target = tmp_path / "case_types.json"
    target.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        catalogue_load(case_types_path=target)
    assert "needs at least two status steps" in caught.value.problems[0]
    assert CaseType.objects.count() == 0


def test_command_reports_problems_and_exits_nonzero(tmp_path: Path) -> None:
    bad = _copy_with(tmp_path, 12, "domain", "ruimtevaart")
    with pytest.raises(CommandError) as caught:
        call_command("load_catalogue", products=bad)
    assert "nothing changed" in str(caught.value)
    assert "products.csv, line 12: unknown domain “ruimtevaart”" in str(caught.value)
    assert Product.objects.count() == 0


# --- the kind of product (issue 11, defect 9) -----------------------------------------------


def test_every_product_has_a_kind_from_the_file_or_its_case_type() -> None:
    catalogue_load()
    kinds = dict(Product.objects.values_list("slug", "kind"))
    assert kinds["melding-openbare-ruimte"] == "report"
    assert kinds["gevonden-voorwerp"] == "report"
    assert kinds["paspoort"] == "application"
    assert kinds["parkeervergunning"] == "application"
    # On the "melding" case type, but residents ask for a bin or a pick-up: an application.
    assert kinds["grofvuil"] == "application"
    assert kinds["klacht"] == "complaint"
    assert kinds["woz-bezwaar"] == "objection"
    assert kinds["algemene-vraag"] == "question"
    assert CaseType.objects.get(code="melding").kind == "report"
    assert CaseType.objects.get(code="vergunning").kind == "application"


def test_an_empty_or_missing_kind_follows_the_case_type(tmp_path: Path) -> None:
    line = SHIPPED_SLUGS.index("gevonden-voorwerp") + 2
    catalogue_load(products_path=_copy_with(tmp_path, line, "kind", ""))
    assert Product.objects.get(slug="gevonden-voorwerp").kind == "report"  # case type melding
    # A file without the column (the format before kinds) still loads.
    rows = list(csv.reader(DEFAULT_PRODUCTS.open(encoding="utf-8", newline="")))
    column = rows[0].index("kind")
    older = tmp_path / "older.csv"
    with older.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([row[:column] + row[column + 1 :] for row in rows])
    catalogue_load(products_path=older)
    assert Product.objects.get(slug="melding-openbare-ruimte").kind == "report"
    assert Product.objects.get(slug="klacht").kind == "complaint"


def test_an_unknown_kind_is_reported_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as caught:
        catalogue_load(products_path=_copy_with(tmp_path, 2, "kind", "wens"))
    assert caught.value.problems == [
        "products.csv, line 2: unknown kind “wens” (one of application, report, question,"
        " complaint, objection, request)"
    ]
    data = json.loads(DEFAULT_CASE_TYPES.read_text(encoding="utf-8"))
    data[0]["kind"] = "wens"
    target = tmp_path / "case_types.json"
    target.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        catalogue_load(case_types_path=target)
    assert caught.value.problems[0].startswith("case_types.json, case type 1 (reisdocument)")
    assert "unknown kind “wens”" in caught.value.problems[0]
    assert Product.objects.count() == 0
