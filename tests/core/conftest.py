"""Reuse the Mijn Loket fixtures (a municipality and a resident) for the notification link test."""

from tests.portal.conftest import resident, town  # noqa: F401
