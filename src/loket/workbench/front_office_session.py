"""What the front office keeps in the agent's session between pages: the channel they last
registered a contact on, and what a search for an unknown resident already said.

Shared by the search page (``search.py``), the resident's pages (``parties.py``) and the contact
pages (``contacts.py``); no view logic here, only the session's layout.
"""

from __future__ import annotations

import secrets

from django.contrib.sessions.backends.base import SessionBase

SESSION_CHANNEL = "front_office_channel"
SESSION_PREFILL = "front_office_prefill"
DEFAULT_CHANNEL = "telefoon"
# What a search may carry over to the new-resident form; anything else in the session is ignored.
PREFILL_FIELDS = ("bsn", "postcode", "house_number")
# The searches remembered at most: an agent who searches all day does not grow the session.
PREFILL_KEPT = 10


def channel_last(session: SessionBase) -> str:
    """The channel this agent last registered on: the counter stays the counter."""
    return str(session.get(SESSION_CHANNEL, DEFAULT_CHANNEL))


def channel_remember(session: SessionBase, channel: str) -> None:
    session[SESSION_CHANNEL] = channel


def prefill_store(session: SessionBase, data: dict[str, str]) -> str:
    """Keep what a search said about a resident not found, behind an opaque key for the
    new-resident link: a BSN typed in the search box never appears in a URL."""
    key = secrets.token_urlsafe(16)
    stored = dict(session.get(SESSION_PREFILL, {}))
    stored = dict(list(stored.items())[-(PREFILL_KEPT - 1) :])
    stored[key] = data
    session[SESSION_PREFILL] = stored
    return key


def prefill_read(session: SessionBase, key: str) -> dict[str, str]:
    """What the search behind ``key`` said (BSN, postcode, house number); empty when unknown."""
    stored = session.get(SESSION_PREFILL, {})
    data = stored.get(key, {})
    return {name: str(value) for name, value in data.items() if name in PREFILL_FIELDS}
