"""Reuse the Mijn Loket fixtures: a municipality with every package and a resident."""

from tests.portal.conftest import demo_login_on, neighbour, resident, town  # noqa: F401
