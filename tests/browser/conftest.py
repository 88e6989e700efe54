"""Headless Chromium (Debian's ``chromium``) driven by Playwright, for the browser tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# axe-core checks the markup, which is the same on either database: the SQLite lane runs these
# checks, the PostgreSQL lane does not (it keeps ``make test`` within its 15 minutes; the
# journeys, which do depend on the database, run on both).
MARKUP_ONLY = pytest.mark.skipif(
    connections["default"].vendor == "postgresql",
    reason="axe-core checks markup, the same on both databases; run on the SQLite lane",
)


@pytest.fixture
def chromium(live_server: Any, monkeypatch: Any) -> Any:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # still plain synchronous code (the approach pytest-playwright documents for Django).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            yield browser
        finally:
            # Playwright's sync API runs the test inside its own greenlet, and Django keeps
            # database connections per context (asgiref.local), so a connection the test
            # opened belongs to a context that ends with ``sync_playwright``: nothing would
            # close it, and PostgreSQL could not drop the test database at the end ("being
            # accessed by other users"). Close it here, still in the test's context.
            connections.close_all()
            browser.close()


@pytest.fixture
def browser_context(chromium: Any, live_server: Any) -> Callable[[], Any]:
    """A new, separate browser profile (its own cookies), e.g. for a second user."""
    return lambda: chromium.new_context(base_url=live_server.url)


@pytest.fixture
def page(browser_context: Callable[[], Any]) -> Any:
    return browser_context().new_page()
