"""The demo municipalities get a face; a member without its own values shows the service
organisation's (issue 11, defect 8)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from loket.demo.faces import load_demo_faces
from loket.tenancy.models import Municipality, ServiceOrganisation
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dutch() -> Any:
    with translation.override("nl"):
        yield


def test_demo_faces_with_the_organisation_as_default() -> None:
    from PIL import Image

    organisation = ServiceOrganisation.objects.create(slug="lindenwaard", name="Lindenwaard")
    for slug, name in (
        ("waterdal", "Waterdal"),
        ("beekveld", "Beekveld"),
        ("lindeoord", "Lindeoord"),
    ):
        MunicipalityFactory.create(slug=slug, name=name, service_organisation=organisation)
    assert load_demo_faces("lindenwaard") == 3
    faces = {m.slug: m.face for m in Municipality.objects.select_related("service_organisation")}
    assert [faces[s].phone for s in ("waterdal", "beekveld", "lindeoord")] == [
        "14 0991",
        "14 0992",
        "14 0993",
    ]
    lindeoord = faces["lindeoord"]
    assert lindeoord.phone_hours == "ma–vr 8.30–17.00"  # noqa: RUF001 - the organisation's phone line hours
    assert lindeoord.counter_hours == "di 9.00–12.00; do 13.00–16.00"  # noqa: RUF001 - its own counter
    assert lindeoord.postal_address[1] == "Postbus 99"  # the organisation's post box
    assert "Heeft u een vraag?" in lindeoord.contact_text
    assert faces["waterdal"].visiting_one_line == "Stadhuis, Markt 1, 3311 AA Waterdal"
    for municipality in Municipality.objects.all():
        with municipality.logo.open("rb") as handle:
            image = Image.open(io.BytesIO(handle.read()))
            assert image.format == "PNG" and image.size == (96, 96)
    names = sorted(Municipality.objects.values_list("logo", flat=True))
    load_demo_faces("lindenwaard")  # again: nothing new
    assert sorted(Municipality.objects.values_list("logo", flat=True)) == names


def test_stored_opening_hours_are_checked() -> None:
    municipality = MunicipalityFactory.create(slug="streng", name="Streng")
    for bad in (
        {"fax": {"mon": ["09:00-17:00"]}},
        {"balie": {"maandag": ["09:00-17:00"]}},
        {"balie": {"mon": ["17:00-09:00"]}},
        {"balie": {"mon": ["9-17"]}},
    ):
        municipality.opening_hours = bad
        with pytest.raises(ValidationError):
            municipality.full_clean()
    municipality.opening_hours = {"balie": {"mon": ["09:00-12:30", "13:00-17:00"]}}
    municipality.full_clean()
