"""Response headers: no copy of a page with personal data in any cache, a Content-Security-Policy
without inline script or style on every page, and HTTPS only in production (HSTS, redirect)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from loket.catalogue.models import Product
from loket.tenancy.models import Package
from tests.factories import MunicipalityFactory, PersonFactory, StaffFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(catalogue: None, settings: Any) -> Any:
    settings.LOKET_DEMO_LOGIN = True
    town = MunicipalityFactory.create(slug="stad", name="Stad")
    town.additional_packages.set(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    return town


def _private_urls(client: Any, town: Any) -> list[tuple[str, dict[str, str]]]:
    """Pages and API answers that show personal data, each as the person allowed to see it."""
    resident = PersonFactory.create(municipality=town, bsn="111222333", email="emma@example.org")
    case = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    staff = StaffFactory.create(municipalities=[town], is_staff=True, is_superuser=True)
    token = Token.objects.create(user=staff).key
    client.force_login(staff)
    client.post(
        reverse("portal:demo_login", kwargs={"municipality": "stad"}), {"person": resident.uuid}
    )
    api = {"HTTP_AUTHORIZATION": f"Token {token}"}
    return [
        ("/werkplek/", {}),
        ("/werkplek/zaken", {}),
        (f"/werkplek/zaken/{case.uuid}", {}),
        ("/werkplek/inloggen", {}),
        ("/admin/", {}),
        ("/admin/login/", {}),
        ("/admin/accounts/user/", {}),
        ("/api/v1/cases", api),
        (f"/api/v1/cases/{case.uuid}", api),
        ("/api/v1/cases/not-a-uuid", api),
        ("/stad/mijn/", {}),
        ("/stad/mijn/inloggen", {}),
        (f"/stad/mijn/zaken/{case.uuid}", {}),
        ("/stad/mijn/voorkeuren", {}),
    ]


def test_pages_with_personal_data_are_never_stored(client: Any, town: Any) -> None:
    for path, headers in _private_urls(client, town):
        response = client.get(path, **headers)
        assert response.status_code < 500, path
        cache_control = response.get("Cache-Control", "")
        assert "no-store" in cache_control, (path, cache_control)
        assert "private" in cache_control, (path, cache_control)


def test_public_pages_stay_cacheable(client: Any, town: Any) -> None:
    product = Product.objects.filter(slug="paspoort").get()
    for path in ("/", "/stad/", f"/stad/producten/{product.slug}", "/health"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response.get("Cache-Control", ""), path


def test_every_page_has_a_content_security_policy_without_inline_code(
    client: Any, town: Any
) -> None:
    paths = [p for p, _headers in _private_urls(client, town)] + ["/", "/stad/", "/nergens"]
    for path in paths:
        policy = client.get(path)["Content-Security-Policy"]
        directives = dict(
            [*part.split(" ", 1), ""][:2] for part in (p.strip() for p in policy.split(";"))
        )
        assert directives["default-src"] == "'self'", path
        assert directives["script-src"] == "'self'", path
        assert directives["style-src"] == "'self'", path
        assert directives["frame-ancestors"] == "'none'", path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path


def test_the_server_error_page_has_no_inline_style(client: Any, town: Any) -> None:
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "style=" not in page and "<style" not in page
    assert '<link rel="stylesheet" href="/static/loket/error.css">' in page
    assert client.get("/static/loket/error.css").status_code == 200


def test_production_redirects_to_https_and_sends_hsts(
    client: Any, town: Any, settings: Any
) -> None:
    """The production defaults (see tests/core/test_settings.py), applied to real requests."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    plain = client.get("/stad/mijn/inloggen")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/stad/mijn/inloggen"
    assert client.get("/health").status_code == 200  # a load balancer may probe over HTTP
    secure = client.get("/stad/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
