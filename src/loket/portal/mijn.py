"""Kept only for the root URL map: ``src/loket/urls.py`` imports the OpenID Connect callback from
here. Mijn Loket's pages live by domain since issue 13: ``login.py`` (logging in and out),
``my_cases.py`` (the overview and a case's pages), ``apply.py`` (applying online, with the draft
in ``drafts.py``) and ``preferences.py``. Remove this module once the root URL map imports
``loket.portal.login.oidc_callback`` itself."""

from __future__ import annotations

from loket.portal.login import oidc_callback

__all__ = ["oidc_callback"]
