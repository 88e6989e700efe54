"""The resident's case page leads with where the case is, what happened and the messages; the
upload form sits with the information request when we asked for something, and is otherwise a
small "Document toevoegen" at the end (issue 11, defect 7)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loket.cases.services import case_suspend
from tests.factories import make_case
from tests.portal.conftest import PDF, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_login_on")]


def page_of(client: Any, town: Any, case: Any) -> str:
    url = reverse("portal:mijn_case", kwargs={"municipality": town.slug, "uuid": case.uuid})
    return str(client.get(url).content.decode())


def test_nothing_asked_the_upload_comes_last_and_is_not_a_request(
    client: Any, town: Any, resident: Any
) -> None:
    case = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    login(client, town, resident)
    page = page_of(client, town, case)
    upload = page.index("/document")
    assert page.index('id="where-heading"') < page.index('id="timeline-heading"')
    assert page.index('id="timeline-heading"') < page.index('id="berichten"') < upload
    assert page.index('id="add-document-heading"') < upload
    assert "Document toevoegen" in page
    assert "Stuur wat we u vroegen" not in page
    assert 'data-testid="upload-asked"' not in page
    assert page.count('enctype="multipart/form-data"') == 1


def test_when_we_asked_the_upload_sits_with_the_question(
    client: Any, town: Any, resident: Any
) -> None:
    case = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    case_suspend(case=case, reason="Stuur ons een foto van uw kentekenbewijs.", actor=None)
    login(client, town, resident)
    page = page_of(client, town, case)
    asked = page.index("Stuur ons een foto van uw kentekenbewijs.")
    upload = page.index('data-testid="upload-asked"')
    assert asked < upload < page.index('id="timeline-heading"') < page.index('id="berichten"')
    assert "Stuur wat we u vroegen" in page
    assert "Document toevoegen" not in page  # one upload form, where it belongs
    assert page.count('enctype="multipart/form-data"') == 1


def test_an_upload_with_an_error_opens_the_small_section(
    client: Any, town: Any, resident: Any
) -> None:
    case = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    login(client, town, resident)
    url = reverse("portal:mijn_case_upload", kwargs={"municipality": town.slug, "uuid": case.uuid})
    response = client.post(url, {"note": "zonder bestand"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<details open>" in page
    ok = client.post(url, {"file": SimpleUploadedFile("extra.pdf", PDF), "note": ""})
    assert ok.status_code == 302
    assert case.documents.get().name == "extra.pdf"
