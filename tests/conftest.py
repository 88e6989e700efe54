"""Shared fixtures: personas for access tests and the loaded catalogue."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytest_django import DjangoDbBlocker, Settings

from loket.accounts.models import User
from loket.tenancy.models import Municipality
from tests.factories import MunicipalityFactory, StaffFactory

if TYPE_CHECKING:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP, Envelope, Session


def _offering_everything(municipality: Municipality) -> Municipality:
    """The standard package and every additional one, so tests can open a case for any shipped
    product (``case_create`` refuses a product the municipality does not offer)."""
    from loket.tenancy.models import Package

    municipality.additional_packages.set(Package.objects.filter(kind=Package.Kind.ADDITIONAL))
    return municipality


@pytest.fixture
def municipality_a(db: None) -> Municipality:
    return _offering_everything(MunicipalityFactory.create(slug="aadorp", name="Aadorp"))


@pytest.fixture
def municipality_b(db: None) -> Municipality:
    return _offering_everything(MunicipalityFactory.create(slug="beedorp", name="Beedorp"))


@pytest.fixture
def staff_a(municipality_a: Municipality) -> User:
    """A team lead of municipality A only: handles cases like a case worker and may also
    extend, reopen and assign (the default role table, ``loket.accounts.permissions``). Tests
    of what a plain case worker may not do make one of their own."""
    from loket.accounts.models import Role

    return StaffFactory.create(
        username="worker-a", role=Role.TEAM_LEAD, municipalities=[municipality_a]
    )


@pytest.fixture
def staff_b(municipality_b: Municipality) -> User:
    return StaffFactory.create(username="worker-b", municipalities=[municipality_b])


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> None:
    """The shipped catalogue is loaded once per test database; each test rolls back on top."""
    from loket.catalogue.services import catalogue_load

    with django_db_blocker.unblock():
        catalogue_load()


@pytest.fixture
def catalogue(db: None) -> None:
    """The real catalogue the product ships with (already loaded by django_db_setup)."""


@pytest.fixture
def empty_catalogue(db: None) -> None:
    """No catalogue at all, for tests of loading one (rolled back after the test)."""
    from loket.catalogue.models import CaseType, Product
    from loket.organisation.models import Partner, Team
    from loket.tenancy.models import Package

    for model in (Product, CaseType, Team, Partner, Package):
        model.objects.all().delete()


@pytest.fixture(autouse=True)
def _media_root(settings: Settings, tmp_path: Path) -> None:
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_throttles() -> Iterator[None]:
    """Throttle counters live in the cache: every test starts with none (lockouts of django-axes
    are database rows, rolled back with the test)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    yield
    for cache in caches.all(initialized_only=True):
        if isinstance(cache, LocMemCache):  # never flush a Redis a test pointed at
            cache.clear()


class _Inbox:
    """Messages a real SMTP server (aiosmtpd) received during one test. Addresses in ``refuse``
    get a permanent 550; ``on_rcpt`` is called for every recipient (fault tests)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self.on_rcpt: Callable[[str], object] | None = None
        self.controller: Controller | None = None
        self.port = 0

    async def handle_RCPT(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.on_rcpt is not None:
            self.on_rcpt(address)
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        from email import message_from_bytes, policy

        content = envelope.content
        assert isinstance(content, bytes)  # aiosmtpd gives the raw bytes (decode_data=False)
        message = message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)  # the default policy builds EmailMessage
        self.messages.append(message)
        return "250 OK"


@pytest.fixture
def smtp_server(settings: Settings) -> Iterator[_Inbox]:
    """A real SMTP server on a free local port; Django's mail goes to it over SMTP."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    inbox.port = port
    inbox.start()
    import django

    backend = "django.core.mail.backends.smtp.EmailBackend"
    if django.VERSION >= (6, 1):
        settings.MAILERS = {
            "default": {"BACKEND": backend, "OPTIONS": {"host": "127.0.0.1", "port": port}}
        }
    else:
        settings.EMAIL_BACKEND = backend
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        inbox.stop()


@pytest.fixture(autouse=True)
def _fresh_template_cache() -> None:
    """Message templates are cached per process; a rolled-back test must not leave one behind."""
    from loket.notifications.services import clear_template_cache

    clear_template_cache()


@pytest.fixture(autouse=True)
def _fresh_catalogue_cache() -> None:
    """Case lists cache catalogue rows per process; a rolled-back test must not leave any."""
    from loket.cases.selectors import clear_catalogue_cache

    clear_catalogue_cache()
