"""Logging in without the demo: an e-mailed link (received by a real SMTP server) and OpenID
Connect against a small but real provider (HTTP, signed ID token, PKCE, nonce)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import requests
import time_machine
from django.urls import reverse

from loket.cases.models import Case
from loket.lib.calendar import AMSTERDAM
from loket.portal.models import LoginLink
from tests.factories import PersonFactory, make_case

pytestmark = pytest.mark.django_db


def url(name: str, town: Any, **kwargs: Any) -> str:
    return reverse(f"portal:{name}", kwargs={"municipality": town.slug, **kwargs})


# --- e-mail link ----------------------------------------------------------------------------


def _link_from(inbox: Any) -> str:
    body = inbox.messages[-1].get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://testserver(\S+)", body)[1]  # type: ignore[index]


def test_email_link_logs_in_once(client: Any, town: Any, smtp_server: Any) -> None:
    reporter = PersonFactory.create(
        municipality=town, bsn="", email="lamp@example.org", surname="Melder"
    )
    report = make_case(municipality=town, person=reporter, product_slug="melding-openbare-ruimte")
    target = url("mijn_case", town, uuid=report.uuid)
    response = client.post(url("email_login", town), {"email": "Lamp@Example.org", "next": target})
    assert "Kijk in uw e-mail" in response.content.decode()
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert mail["To"] == "Lamp@Example.org"
    assert "Inloggen bij Mijn Loket Stad" in mail["Subject"]
    link = _link_from(smtp_server)
    # Opening the link (or a mail scanner doing so) does not log in; the button does.
    assert "Nu inloggen" in client.get(link).content.decode()
    assert client.get(target).status_code == 302
    assert client.post(link)["Location"] == target
    assert report.identification in client.get(target).content.decode()
    client.post(url("logout", town))
    used = client.post(link)
    assert used["Location"] == url("login", town)
    assert client.get(target).status_code == 302


def test_email_login_never_reaches_a_digid_persons_cases(
    client: Any, town: Any, resident: Any, smtp_server: Any
) -> None:
    """Same e-mail address as a resident known by BSN: the lower assurance level of an e-mail
    link does not open their requests."""
    permit = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    client.post(url("email_login", town), {"email": resident.email})
    client.post(_link_from(smtp_server))
    home = client.get(url("mijn", town)).content.decode()
    assert permit.identification not in home
    assert client.get(url("mijn_case", town, uuid=permit.uuid)).status_code == 404


def test_expired_link_and_bad_address(client: Any, town: Any, smtp_server: Any) -> None:
    bad = client.post(url("email_login", town), {"email": "geen-adres"})
    assert bad.status_code == 400
    assert (
        "Voer een geldig e-mailadres in" in bad.content.decode() or "geldig" in bad.content.decode()
    )
    start = dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)
    with time_machine.travel(start, tick=False):
        client.post(url("email_login", town), {"email": "laat@example.org"})
    link = _link_from(smtp_server)
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        assert client.post(link)["Location"] == url("login", town)
    assert LoginLink.objects.get().used_at is None


# --- OpenID Connect -------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Provider:
    """A minimal OpenID Connect provider: authorize (auto-consent), token, userinfo.
    ID tokens are HS256 JWTs signed with the client secret; PKCE S256 is enforced."""

    def __init__(self, client_id: str, secret: str, claims: dict[str, Any]) -> None:
        self.client_id, self.secret, self.claims = client_id, secret, claims
        self.codes: dict[str, dict[str, str]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.server = make_server("127.0.0.1", 0, self.app, handler_class=_Quiet)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _jwt(self, payload: dict[str, Any]) -> str:
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        body = _b64(json.dumps(payload).encode())
        signature = hmac.new(self.secret.encode(), f"{header}.{body}".encode(), hashlib.sha256)
        return f"{header}.{body}.{_b64(signature.digest())}"

    def app(self, environ: dict[str, Any], start: Any) -> list[bytes]:
        path = environ["PATH_INFO"]
        if path == "/authorize":
            query = {k: v[0] for k, v in parse_qs(environ["QUERY_STRING"]).items()}
            code = secrets.token_urlsafe(16)
            self.codes[code] = query
            target = (
                query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
            )
            start("302 Found", [("Location", target)])
            return [b""]
        if path == "/token":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
            request = self.codes.pop(form.get("code", ""), None)
            challenge = _b64(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
            if (
                request is None
                or form.get("client_secret") != self.secret
                or challenge != request.get("code_challenge")
            ):
                start("400 Bad Request", [("Content-Type", "application/json")])
                return [b'{"error": "invalid_grant"}']
            now = int(time.time())
            access = secrets.token_urlsafe(16)
            self.tokens[access] = self.claims
            id_token = self._jwt(
                {
                    "iss": self.base,
                    "aud": self.client_id,
                    "sub": "resident-1",
                    "nonce": request["nonce"],
                    "iat": now,
                    "exp": now + 300,
                }
            )
            start("200 OK", [("Content-Type", "application/json")])
            return [
                json.dumps(
                    {"access_token": access, "id_token": id_token, "token_type": "Bearer"}
                ).encode()
            ]
        if path == "/userinfo":
            token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
            start("200 OK", [("Content-Type", "application/json")])
            return [json.dumps({"sub": "resident-1", **self.tokens.get(token, {})}).encode()]
        start("404 Not Found", [])
        return [b""]


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def provider(settings: Any) -> Any:
    op = Provider("loket", "geheim-" + "x" * 40, {"bsn": "111222333", "name": "Emma Visser"})
    settings.LOKET_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "loket"
    settings.OIDC_RP_CLIENT_SECRET = op.secret
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = op.base + "/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = op.base + "/token"
    settings.OIDC_OP_USER_ENDPOINT = op.base + "/userinfo"
    yield op
    op.server.shutdown()


def _digid(client: Any, town: Any, next_url: str = "") -> Any:
    start = client.get(url("oidc_start", town), {"next": next_url} if next_url else {})
    assert start["Location"].startswith(settings_base(start))
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    back = urlparse(at_provider.headers["Location"])
    return client.get(back.path + "?" + back.query)


def settings_base(response: Any) -> str:
    from django.conf import settings

    return str(settings.OIDC_OP_AUTHORIZATION_ENDPOINT)


def test_digid_login_takes_the_bsn_from_the_claim(
    client: Any, town: Any, resident: Any, provider: Any
) -> None:
    permit = make_case(municipality=town, person=resident, product_slug="parkeervergunning")
    assert "Inloggen met DigiD" in client.get(url("login", town)).content.decode()
    target = url("mijn_case", town, uuid=permit.uuid)
    response = _digid(client, town, target)
    assert response["Location"] == target
    assert permit.identification in client.get(target).content.decode()


def test_configurable_claim(
    client: Any, town: Any, resident: Any, provider: Any, settings: Any
) -> None:
    provider.claims = {"urn:nl:bsn": "111222333"}
    settings.LOKET_OIDC_BSN_CLAIM = "urn:nl:bsn"
    _digid(client, town)
    assert "Emma" in client.get(url("mijn", town)).content.decode()


def test_tampered_or_replayed_callback_does_not_log_in(
    client: Any, town: Any, resident: Any, provider: Any
) -> None:
    start = client.get(url("oidc_start", town))
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    back = urlparse(at_provider.headers["Location"])
    forged = client.get(back.path + "?" + back.query.replace("state=", "state=x"))
    assert forged["Location"] == url("login", town)
    assert client.get(url("mijn", town)).status_code == 302
    replay = client.get(back.path + "?" + back.query)  # the real state, but once only
    assert replay["Location"] == url("mijn", town)
    again = client.get(back.path + "?" + back.query)
    assert again["Location"] == url("login", town) or again.status_code == 404


def test_claims_without_a_bsn_are_refused(client: Any, town: Any, provider: Any) -> None:
    provider.claims = {"bsn": "123456789"}  # fails the 11-test
    response = _digid(client, town)
    assert response["Location"] == url("login", town)
    assert "BSN of KvK-nummer" in client.get(response["Location"]).content.decode()
    assert Case.objects.count() == 0


def test_digid_is_hidden_when_not_configured(client: Any, town: Any) -> None:
    assert "Inloggen met DigiD" not in client.get(url("login", town)).content.decode()
    assert client.get(url("oidc_start", town)).status_code == 404
