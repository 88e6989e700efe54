"""OpenID Connect login for residents (DigiD, eHerkenning) through the municipality's broker.

mozilla-django-oidc does the protocol: the authorisation request with state, nonce and PKCE,
the code exchange, and the signature and nonce checks of the ID token. We do not let it create a
Django user: a resident is not staff. ``resident_from_callback`` takes the BSN or KvK number
from the claims named in ``LOKET_OIDC_BSN_CLAIM`` / ``LOKET_OIDC_KVK_CLAIM``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from loket.lib.identifiers import bsn_is_valid, kvk_is_valid
from loket.portal.identity import Resident


class OIDCRefused(Exception):  # noqa: N818
    pass


class ResidentClaims(OIDCAuthenticationBackend):
    """The library's backend, returning the claims instead of a user."""

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            claims.update(self.get_userinfo(access_token, id_token, payload))
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
        raise OIDCRefused(_("We could not confirm who you are. Please try again.")) from error
    if not claims:
        raise OIDCRefused(_("We could not confirm who you are. Please try again."))
    bsn = str(claims.get(settings.LOKET_OIDC_BSN_CLAIM, "") or "")
    kvk = str(claims.get(settings.LOKET_OIDC_KVK_CLAIM, "") or "")
    name = str(claims.get("name", "") or "")
    if bsn and bsn_is_valid(bsn):
        return Resident(method="digid", bsn=bsn, name=name)
    if kvk and kvk_is_valid(kvk):
        return Resident(method="eherkenning", kvk=kvk, name=name)
    raise OIDCRefused(_("The login did not tell us your BSN or KvK number."))
