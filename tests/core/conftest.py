"""The residents of Mijn Loket's tests, for the checks here that go through the portal."""

from tests.portal.conftest import demo_login_on, resident, town  # noqa: F401 (fixtures)
