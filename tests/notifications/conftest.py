"""Reuse the Mijn Loket fixtures: a municipality with every package and a resident. The SMTP
server of these tests can also answer DATA the way a real one sometimes does."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest

from tests.conftest import _Inbox
from tests.portal.conftest import demo_login_on, neighbour, resident, town  # noqa: F401

HANG_UP = "hang up"


class Inbox(_Inbox):
    """``on_data(message)`` is called (in a thread of its own, so it may use the database
    through its own connection) when a message's data has arrived. It returns None to accept
    it, an SMTP reply such as ``"451 ..."`` to refuse it, or ``HANG_UP`` to keep the message
    but close the connection before answering (the client cannot know it was accepted)."""

    def __init__(self) -> None:
        super().__init__()
        self.on_data: Callable[[EmailMessage], str | None] | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        # Stored first: a client that dies now cancels this handler, but the data is here.
        self.messages.append(message)
        reply = None
        if self.on_data is not None:
            reply = await asyncio.to_thread(self._call_hook, message)
        if reply == HANG_UP:
            server.transport.close()
        elif reply is not None:
            self.messages.remove(message)  # refused: not received
            return reply
        return "250 OK"

    def _call_hook(self, message: EmailMessage) -> str | None:
        from django.db import connection

        assert self.on_data is not None
        try:
            return self.on_data(message)
        finally:
            connection.close()  # the hook's own connection, in the hook's own thread


@pytest.fixture
def smtp_server(smtp_server: Any) -> Iterator[Inbox]:
    """The shared SMTP server fixture (Django's mail settings point at its port), with an
    ``Inbox`` that can also refuse DATA or hang up."""
    smtp_server.stop()
    inbox = Inbox()
    inbox.port = smtp_server.port
    inbox.start()
    try:
        yield inbox
    finally:
        inbox.stop()
