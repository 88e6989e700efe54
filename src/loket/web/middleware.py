from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class LanguageMiddleware:
    """Dutch unless the visitor chose English with the language switch.

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not used for pages: a
    municipality speaks Dutch by default, and English is offered, not imposed by a browser
    setting. The API does honour Accept-Language, the way a client program states its language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if request.path.startswith("/api/") and not chosen:
            # Systems and scripts say which language they want in the header.
            chosen = translation.get_language_from_request(request)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# Pages that can show personal data: the staff side, the admin, the API and Mijn Loket of every
# municipality (including its login pages, which carry a resident's address or next page).
PRIVATE_PATHS = re.compile(r"^/(werkplek|admin|api|mijn-loket)(/|$)|^/[^/]+/mijn(/|$)")


class PrivatePagesMiddleware:
    """``Cache-Control: no-store`` (with ``private`` and ``max-age=0``) on every response of a page
    that can show personal data, so no browser cache, shared computer's history or proxy keeps a
    copy (AVG art. 32). Public pages (product texts, the municipality home) stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if PRIVATE_PATHS.match(request.path):
            add_never_cache_headers(response)
        return response
