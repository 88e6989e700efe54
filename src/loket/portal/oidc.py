"""OpenID Connect login for residents (DigiD, eHerkenning) through the municipality's broker.

mozilla-django-oidc does the protocol: the authorisation request with state, nonce and PKCE,
the code exchange, and the signature and nonce checks of the ID token (RS256 keys from
``OIDC_OP_JWKS_ENDPOINT``, read on every login, so a rotated key is found at once). Two checks of
OpenID Connect Core that the library leaves out are added here: the ID token must be meant for
Loket (``aud``, section 3.1.3.7) and userinfo must be about the same person (``sub``, section
5.3.2). We do not let it create a Django user: a resident is not staff.
``resident_from_callback`` takes the BSN or KvK number from the claims named in
``LOKET_OIDC_BSN_CLAIM`` / ``LOKET_OIDC_KVK_CLAIM``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from loket.lib.identifiers import bsn_is_valid, kvk_is_valid
from loket.portal.identity import Resident

logger = logging.getLogger(__name__)


class OIDCRefused(Exception):  # noqa: N818
    pass


# mozilla-django-oidc ships no types: its backend is ``Any`` to mypy.
class ResidentClaims(OIDCAuthenticationBackend):  # type: ignore[misc]
    """The library's backend, returning the claims instead of a user."""

    def verify_token(self, token: str, **kwargs: Any) -> Any:
        """The library checks signature and nonce but not the audience (OIDC Core 3.1.3.7
        step 3): a token the broker issued to another client is refused."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation(f"ID token is for {audience!r}, not for this client")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload.get("sub"):  # OIDC Core 5.3.2
                raise SuspiciousOperation("userinfo is about another subject than the ID token")
            claims.update(userinfo)
        return claims

    def store_tokens(self, access_token: str, id_token: str) -> None:
        """Residents' tokens are not kept: the session only holds who they are."""


def resident_from_callback(request: HttpRequest) -> Resident:
    state = request.GET.get("state", "")
    if request.GET.get("error"):
        raise OIDCRefused(_("Logging in was cancelled or failed. Please try again."))
    states = request.session.get("oidc_states") or {}
    if not state or state not in states:
        raise OIDCRefused(_("This login attempt has expired. Please try again."))
    entry = states.pop(state)
    request.session["oidc_states"] = states
    try:
        claims = ResidentClaims().authenticate(
            request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
        )
    except Exception as error:  # any failure of the protocol: no login
        logger.warning("OpenID Connect login refused: %s: %s", type(error).__name__, error)
        raise OIDCRefused(_("We could not confirm who you are. Please try again.")) from error
    if not claims:
        logger.warning("OpenID Connect login refused: no claims (see mozilla_django_oidc log)")
        raise OIDCRefused(_("We could not confirm who you are. Please try again."))
    bsn = str(claims.get(settings.LOKET_OIDC_BSN_CLAIM, "") or "")
    kvk = str(claims.get(settings.LOKET_OIDC_KVK_CLAIM, "") or "")
    name = str(claims.get("name", "") or "")
    if bsn and bsn_is_valid(bsn):
        return Resident(method="digid", bsn=bsn, name=name)
    if kvk and kvk_is_valid(kvk):
        return Resident(method="eherkenning", kvk=kvk, name=name)
    raise OIDCRefused(_("The login did not tell us your BSN or KvK number."))
