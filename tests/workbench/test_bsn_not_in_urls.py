"""Issue 11, security: a BSN never appears in a URL the workbench makes or accepts for a
search (access logs, browser history and Referer headers keep URLs). The front-office search
is a POST with CSRF; the "new resident" link carries an opaque key to the session."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from loket.accounts.models import Role
from tests.factories import PersonFactory, StaffFactory

pytestmark = pytest.mark.django_db

KNOWN, UNKNOWN = "111222333", "123456782"


@pytest.fixture
def agent(catalogue: None, municipality_a: Any) -> Any:
    return StaffFactory.create(
        username="kcc", role=Role.FRONT_OFFICE, municipalities=[municipality_a]
    )


@pytest.fixture
def resident(municipality_a: Any) -> Any:
    return PersonFactory.create(municipality=municipality_a, bsn=KNOWN, surname="Koster")


def _urls(page: str) -> list[str]:
    return [html.unescape(u) for u in re.findall(r'(?:href|action|src)="([^"]*)"', page)]


def test_search_by_bsn_is_a_post_and_opens_the_person(
    client: Any, agent: Any, resident: Any
) -> None:
    client.force_login(agent)
    page = client.get(reverse("workbench:front_office")).content.decode()
    form = re.search(r'<form class="search"[^>]*>', page)
    assert form is not None and 'method="post"' in form.group(0)
    assert "csrfmiddlewaretoken" in page
    response = client.post(reverse("workbench:front_office"), {"q": KNOWN})
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:person_detail", args=[resident.uuid])
    assert KNOWN not in response["Location"]
    detail = client.get(response["Location"]).content.decode()
    assert KNOWN in detail  # shown on the page ...
    assert not [url for url in _urls(detail) if KNOWN in url]  # ... never in a link


def test_the_search_needs_the_csrf_token(agent: Any, resident: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(agent)
    assert strict.post(reverse("workbench:front_office"), {"q": KNOWN}).status_code == 403


def test_a_get_with_a_bsn_does_not_search_or_echo_it(
    client: Any, agent: Any, resident: Any
) -> None:
    client.force_login(agent)
    response = client.get(reverse("workbench:front_office"), {"q": KNOWN})
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:front_office")
    page = client.get(response["Location"]).content.decode()
    assert KNOWN not in page and "Koster" not in page


def test_an_unknown_bsn_reaches_the_new_person_form_by_an_opaque_key(
    client: Any, agent: Any
) -> None:
    client.force_login(agent)
    page = client.post(reverse("workbench:front_office"), {"q": UNKNOWN}).content.decode()
    assert not [url for url in _urls(page) if UNKNOWN in url]
    link = next(url for url in _urls(page) if "/personen/nieuw?gegevens=" in url)
    form = client.get(link).content.decode()
    assert f'value="{UNKNOWN}"' in form
    assert not [url for url in _urls(form) if UNKNOWN in url]
    # The key is this agent's: in another session it prefills nothing.
    other = Client()
    other.force_login(StaffFactory.create(username="kcc2", role=Role.FRONT_OFFICE))
    assert UNKNOWN not in other.get(link).content.decode()
    # A BSN put in the address by hand is not taken over either.
    typed = client.get(reverse("workbench:person_new"), {"bsn": UNKNOWN}).content.decode()
    assert f'value="{UNKNOWN}"' not in typed
