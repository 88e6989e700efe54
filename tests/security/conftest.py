"""Reuse the headless Chromium fixtures of the browser tests (for the CSP test)."""

from tests.browser.conftest import browser_context, chromium, page  # noqa: F401
