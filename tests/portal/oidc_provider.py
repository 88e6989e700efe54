"""A real OpenID Connect provider for the tests: IdentityPython's ``pyop`` behind a small HTTP
server on 127.0.0.1, standing in for a DigiD/eHerkenning broker as production meets it.

pyop does the protocol: it checks the authentication request (client, redirect URI, scope),
issues codes, checks the client secret and the PKCE code verifier at the token endpoint, and
signs ID tokens with RS256 using a ``jwkest`` RSA key. What pyop leaves to its host, this module
adds: the HTTP endpoints (discovery, authorise with automatic consent for one resident, token,
userinfo, JWKS), publishing more than one key (pyop publishes only the key it signs with), and a
rule that every authentication request carries an S256 PKCE challenge.

It speaks HTTPS with a self-signed certificate made per test (``ca_file``), as OpenID Connect
requires of an issuer. The keys are RSA keys made with ``cryptography`` per test. ``rotate`` adds a new key to the JWKS
and signs with it; ``sign_with_unknown_key`` signs with a key the JWKS does not have;
``sign_with_hs256_of_public_key`` is the algorithm-confusion attack (HS256 with the published
RSA public key as the HMAC secret).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from jwkest.jwk import Key, RSAKey, SYMKey, import_rsa_key
from pyop.authz_state import AuthorizationState
from pyop.exceptions import InvalidAuthenticationRequest, OAuthError
from pyop.message import AuthorizationRequest
from pyop.provider import Provider
from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
from pyop.userinfo import Userinfo
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

OTHER_CLIENT = "andere-gemeente"


def rsa_key(kid: str) -> RSAKey:
    """A fresh 2048-bit RSA signing key (made by ``cryptography``) as a JWK with ``kid``."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return RSAKey(key=import_rsa_key(pem), kid=kid, use="sig", alg="RS256")


def _tls_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1: the provider speaks HTTPS (OpenID Connect
    requires an https issuer) and Loket verifies it against this file (``OIDC_VERIFY_SSL``)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256())
    )
    cert_file, key_file = folder / "broker.pem", folder / "broker.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def _require_pkce_s256(request: AuthorizationRequest) -> None:
    if request.get("code_challenge_method") != "S256" or not request.get("code_challenge"):
        raise InvalidAuthenticationRequest(
            "PKCE with code_challenge_method=S256 is required", request, "invalid_request"
        )


class _Provider(Provider):  # type: ignore[misc]
    """pyop's provider; ``audience`` makes it issue ID tokens to another of its clients."""

    audience = ""

    def _create_signed_id_token(self, client_id: str, *args: Any) -> str:
        return str(super()._create_signed_id_token(self.audience or client_id, *args))


@dataclass
class Broker:
    """One OpenID Connect provider with one registered client (Loket) and its residents.

    ``users`` maps a local user id to the claims the broker knows (``sub``, ``bsn``, ``name``);
    ``logged_in`` is the user who "logs in with DigiD" at the next authorisation request.
    The ``bsn`` and ``name`` go into the signed ID token, as brokers do. A second client,
    ``OTHER_CLIENT`` (another municipality's app at the same broker), is registered too.
    """

    client_id: str
    client_secret: str
    redirect_uri: str
    users: dict[str, dict[str, str]]
    logged_in: str = ""
    published: list[Key] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)
    userinfo_of: str = ""  # a broker that mixes up users: userinfo about somebody else

    def __post_init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="broker-")
        cert_file, key_file = _tls_certificate(Path(self._folder.name))
        self.ca_file = str(cert_file)
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert_file, key_file)
        self.server = make_server(
            "127.0.0.1", 0, self.wsgi, threaded=True, request_handler=_Quiet, ssl_context=tls
        )
        self.base = f"https://127.0.0.1:{self.server.server_port}"
        first = rsa_key("key-1")
        self.published = [first]
        self.logged_in = self.logged_in or next(iter(self.users))
        registration = {
            "client_secret": self.client_secret,
            "redirect_uris": [self.redirect_uri],
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_post",
            "id_token_signed_response_alg": "RS256",
        }
        self.provider = _Provider(
            first,
            {
                "issuer": self.base,
                "authorization_endpoint": f"{self.base}/authorize",
                "token_endpoint": f"{self.base}/token",
                "userinfo_endpoint": f"{self.base}/userinfo",
                "jwks_uri": f"{self.base}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
                "code_challenge_methods_supported": ["S256"],
            },
            AuthorizationState(HashBasedSubjectIdentifierFactory("zout")),
            {
                self.client_id: registration,
                OTHER_CLIENT: {**registration, "client_secret": "andere-" + self.client_secret},
            },
            Userinfo(self.users),
            id_token_lifetime=300,
        )
        self.provider.authentication_request_validators.append(_require_pkce_s256)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    # --- keys -----------------------------------------------------------------------------

    @property
    def signing_key(self) -> Key:
        return self.provider.signing_key

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.serialize(private=False) for key in self.published]}

    def rotate(self, kid: str) -> Key:
        """Key rotation as brokers do it: publish the new key next to the old one, sign with it."""
        new = rsa_key(kid)
        self.published.append(new)
        self.provider.signing_key = new
        return new

    def sign_with_unknown_key(self, kid: str) -> Key:
        """Sign with a key that is not in the JWKS (a forger's key, or a broker's mistake)."""
        rogue = rsa_key(kid)
        self.provider.signing_key = rogue
        return rogue

    def sign_with_hs256_of_public_key(self) -> None:
        """Algorithm confusion: HS256, keyed with the published RSA public key (PEM)."""
        public = self.published[-1].key.public_key().export_key()
        self.provider.signing_key = SYMKey(key=public, kid=self.published[-1].kid, alg="HS256")
        self.provider.clients[self.client_id]["id_token_signed_response_alg"] = "HS256"

    def issue_to_other_client(self) -> None:
        """ID tokens for another client of this broker (``aud`` is not Loket)."""
        self.provider.audience = OTHER_CLIENT

    # --- HTTP -----------------------------------------------------------------------------

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
        self._folder.cleanup()

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        self.requests.append(request.path)
        try:
            response = self.handle(request)
        except OAuthError as error:
            response = Response(
                json.dumps({"error": error.oauth_error, "error_description": str(error)}),
                status=400,
                content_type="application/json",
            )
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        provider = self.provider
        if request.path == "/.well-known/openid-configuration":
            return _json_response(provider.provider_configuration.to_dict())
        if request.path == "/jwks":
            return _json_response(self.jwks())
        if request.path == "/authorize":
            try:
                auth = provider.parse_authentication_request(request.query_string.decode())
            except InvalidAuthenticationRequest as error:
                target = error.to_error_url()
                if target is None:
                    return Response(str(error), status=400)
                return Response(status=302, headers={"Location": target})
            reply = provider.authorize(auth, self.logged_in)
            return Response(status=302, headers={"Location": reply.request(auth["redirect_uri"])})
        if request.path == "/token" and request.method == "POST":
            reply = provider.handle_token_request(
                request.get_data(as_text=True),
                dict(request.headers),
                extra_id_token_claims=self._id_token_claims,
            )
            self.issued.append(reply["id_token"])
            return _json_response(reply.to_dict(), no_store=True)
        if request.path == "/userinfo":
            reply = provider.handle_userinfo_request(
                request.query_string.decode() or request.get_data(as_text=True),
                dict(request.headers),
            )
            claims = reply.to_dict()
            if self.userinfo_of:
                claims = dict(self.users[self.userinfo_of])
            return _json_response(claims)
        return Response("not found", status=404)

    def _id_token_claims(self, user_id: str, client_id: str) -> dict[str, str]:
        user = self.users[user_id]
        return {name: user[name] for name in ("bsn", "name") if name in user}


def _json_response(data: Any, *, no_store: bool = False) -> Response:
    response = Response(json.dumps(data), content_type="application/json")
    if no_store:
        response.headers["Cache-Control"] = "no-store"
    return response


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: Any) -> None:
        pass
