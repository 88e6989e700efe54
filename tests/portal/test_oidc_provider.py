"""DigiD/eHerkenning login as production does it: against a real OpenID Connect provider
(IdentityPython's pyop, see ``tests/portal/oidc_provider.py``) that signs ID tokens with RS256
and publishes its keys at a JWKS endpoint. Every test is a whole code flow: the Django test
client goes to Loket, follows the redirect to the provider over HTTP, and comes back with the
code; Loket exchanges it (with the PKCE verifier), fetches the JWKS and verifies the ID token."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import requests
from django.test import override_settings
from django.urls import reverse
from mozilla_django_oidc.utils import import_from_settings

from loket.cases.models import Case
from loket.contacts.models import Contact
from loket.parties.models import Person
from loket.portal.identity import SESSION_KEY, WAS_LOGGED_IN_COOKIE
from tests.factories import make_case
from tests.portal.oidc_provider import Broker

pytestmark = pytest.mark.django_db

EMMA = {"sub": "digid-7f3a", "bsn": "111222333", "name": "Emma Visser"}
BAS = {"sub": "digid-09c2", "bsn": "123456782", "name": "Bas Buur"}
REFUSED = "We konden niet vaststellen wie u bent. Probeer het opnieuw."


def url(name: str, town: Any, **kwargs: Any) -> str:
    return reverse(f"portal:{name}", kwargs={"municipality": town.slug, **kwargs})


@pytest.fixture
def broker() -> Iterator[Broker]:
    """The provider, and Loket configured from its discovery document (as an operator would)."""
    op = Broker(
        client_id="loket",
        client_secret="broker-geheim-" + "x" * 32,
        redirect_uri="http://testserver" + reverse("portal_oidc_callback"),
        users={"emma": EMMA, "bas": BAS},
    )
    try:
        discovery = requests.get(
            f"{op.base}/.well-known/openid-configuration", verify=op.ca_file, timeout=5
        ).json()
        with override_settings(
            LOKET_OIDC_ENABLED=True,
            OIDC_RP_CLIENT_ID="loket",
            OIDC_RP_CLIENT_SECRET=op.client_secret,
            OIDC_RP_SIGN_ALGO="RS256",
            OIDC_OP_AUTHORIZATION_ENDPOINT=discovery["authorization_endpoint"],
            OIDC_OP_TOKEN_ENDPOINT=discovery["token_endpoint"],
            OIDC_OP_USER_ENDPOINT=discovery["userinfo_endpoint"],
            OIDC_OP_JWKS_ENDPOINT=discovery["jwks_uri"],
            OIDC_VERIFY_SSL=op.ca_file,
        ):
            yield op
    finally:
        op.stop()


def log_in(client: Any, town: Any, next_url: str = "") -> Any:
    """Loket → provider (HTTP, automatic consent) → Loket's callback; the callback's answer."""
    start = client.get(url("oidc_start", town), {"next": next_url} if next_url else {})
    assert start.status_code == 302
    request = parse_qs(urlparse(start["Location"]).query)
    assert request["code_challenge_method"] == ["S256"]
    # The provider's certificate, as Loket's backend reads it (the broker fixture sets it).
    verify = import_from_settings("OIDC_VERIFY_SSL", True)
    at_provider = requests.get(start["Location"], allow_redirects=False, verify=verify, timeout=5)
    assert at_provider.status_code == 302, at_provider.text
    back = urlparse(at_provider.headers["Location"])
    assert "code" in parse_qs(back.query)
    return client.get(f"{back.path}?{back.query}")


def header_of_last_token(broker: Broker) -> dict[str, Any]:
    return dict(jwt.get_unverified_header(broker.issued[-1]))


def assert_not_logged_in(client: Any, town: Any, response: Any) -> None:
    """Refused: back to the login page with a message, no session, no cookie, no tokens."""
    assert response.status_code == 302
    assert response["Location"] == url("login", town)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert REFUSED in page.content.decode()
    assert SESSION_KEY not in client.session
    assert not any(key.startswith("oidc_") and "token" in key for key, _ in client.session.items())
    assert WAS_LOGGED_IN_COOKIE not in response.cookies
    assert client.get(url("mijn", town)).status_code == 302


def test_rs256_login_verifies_the_id_token_with_the_jwks(
    client: Any, town: Any, resident: Any, broker: Broker
) -> None:
    permit = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    other = make_case(municipality=town, product_slug="parkeervergunning")
    target = url("mijn_case", town, uuid=permit.uuid)

    response = log_in(client, town, target)

    assert response["Location"] == target
    header = header_of_last_token(broker)
    assert header["alg"] == "RS256"
    assert header["kid"] == "key-1"
    assert broker.requests.count("/jwks") == 1  # the key came from OIDC_OP_JWKS_ENDPOINT
    assert client.session[SESSION_KEY]["bsn"] == "111222333"
    assert client.session[SESSION_KEY]["method"] == "digid"
    home = client.get(url("mijn", town)).content.decode()
    assert permit.identification in home
    assert other.identification not in home
    assert "Emma" in home
    assert permit.identification in client.get(target).content.decode()


def test_the_provider_enforces_pkce(broker: Broker) -> None:
    """The test provider is as strict as a broker: no S256 challenge, no code."""
    plain = requests.get(
        f"{broker.base}/authorize",
        params={
            "client_id": "loket",
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": broker.redirect_uri,
            "state": "s",
            "nonce": "n",
        },
        allow_redirects=False,
        verify=broker.ca_file,
        timeout=5,
    )
    answer = parse_qs(urlparse(plain.headers["Location"]).query)
    assert answer["error"] == ["invalid_request"]
    assert "code" not in answer


def test_login_survives_key_rotation(client: Any, town: Any, resident: Any, broker: Broker) -> None:
    permit = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    log_in(client, town)
    assert header_of_last_token(broker)["kid"] == "key-1"
    client.post(url("logout", town))

    broker.rotate("key-2")  # the new key appears in the JWKS next to the old one
    assert [key["kid"] for key in broker.jwks()["keys"]] == ["key-1", "key-2"]
    response = log_in(client, town)
    assert response["Location"] == url("mijn", town)
    assert header_of_last_token(broker)["kid"] == "key-2"
    assert permit.identification in client.get(url("mijn", town)).content.decode()
    client.post(url("logout", town))

    broker.published = broker.published[1:]  # the old key is retired
    response = log_in(client, town)
    assert response["Location"] == url("mijn", town)
    assert permit.identification in client.get(url("mijn", town)).content.decode()
    # Loket keeps no JWKS of its own: each verification read the provider's current set.
    assert broker.requests.count("/jwks") == 3


@pytest.mark.parametrize(
    ("kid", "reason"),
    [("forged", "Could not find a valid JWKS"), ("key-1", "JWS token verification failed")],
    ids=["unknown-kid", "known-kid-wrong-key"],
)
def test_token_signed_with_an_unknown_key_is_refused(
    client: Any, town: Any, resident: Any, broker: Broker, caplog: Any, kid: str, reason: str
) -> None:
    make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    counts = (Person.objects.count(), Case.objects.count(), Contact.objects.count())
    broker.sign_with_unknown_key(kid)

    response = log_in(client, town)

    assert header_of_last_token(broker)["alg"] == "RS256"
    assert header_of_last_token(broker)["kid"] == kid
    assert "/jwks" in broker.requests
    assert_not_logged_in(client, town, response)
    assert (Person.objects.count(), Case.objects.count(), Contact.objects.count()) == counts
    # The operator can tell a key problem from a resident who gave up.
    assert f"OpenID Connect login refused: SuspiciousOperation: {reason}" in caplog.text


def test_hs256_token_is_refused_when_rs256_is_configured(
    client: Any, town: Any, resident: Any, broker: Broker
) -> None:
    """Algorithm confusion: an HS256 token keyed with the published RSA public key."""
    broker.sign_with_hs256_of_public_key()

    response = log_in(client, town)

    assert header_of_last_token(broker)["alg"] == "HS256"
    assert_not_logged_in(client, town, response)


def test_token_for_another_client_is_refused(
    client: Any, town: Any, resident: Any, broker: Broker, caplog: Any
) -> None:
    """Correctly signed by the broker, but issued to another municipality's app (``aud``)."""
    broker.issue_to_other_client()

    response = log_in(client, town)

    assert jwt.decode(broker.issued[-1], options={"verify_signature": False})["aud"] == [
        "andere-gemeente"
    ]
    assert_not_logged_in(client, town, response)
    assert "ID token is for ['andere-gemeente'], not for this client" in caplog.text


def test_userinfo_about_another_person_is_refused(
    client: Any, town: Any, resident: Any, neighbour: Any, broker: Broker, caplog: Any
) -> None:
    """Emma logs in; the broker's userinfo answers about Bas. Loket must not log in as Bas."""
    bas_case = make_case(municipality=town, person=neighbour, product_slug="parkeervergunning")
    broker.userinfo_of = "bas"

    response = log_in(client, town)

    assert_not_logged_in(client, town, response)
    assert bas_case.identification not in client.get(url("mijn", town)).content.decode()
    assert "userinfo is about another subject than the ID token" in caplog.text
