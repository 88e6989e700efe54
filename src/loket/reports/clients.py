"""Open311 clients (issue 15): the apps and partners that post reports through the GeoReport v2
endpoint, each with its own ``api_key``, managed by administrators in the admin.

A key is a random secret of 32 bytes (``secrets.token_urlsafe``). Only its SHA-256 digest is
stored, like the followers' link tokens: a copy of the database does not hand out keys. The
administrator sees the key once, when it is made; afterwards only its first characters
(``key_hint``), enough to tell two clients' keys apart. A key that leaked is replaced with a
new one (``open311_client_new_key``); the old one stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.accounts.permissions import Action, require
from loket.history.services import history_record
from loket.reports.errors import ReportRefused
from loket.reports.models import Open311Client
from loket.tenancy.models import Municipality

HINT_LENGTH = 6
# Longer than any key we hand out (43 characters); a longer value is not looked up at all.
MAX_KEY_LENGTH = 200


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def open311_client_create(
    *, name: str, municipalities: Iterable[Municipality], actor: User | None
) -> tuple[Open311Client, str]:
    """A new Open311 client that may report in ``municipalities``, and its raw key (shown to the
    administrator once, never stored). The actor must manage the catalogue (the role table's
    ``catalogue`` row) in every one of them: which apps may report where is part of it."""
    name = " ".join(name.split())
    if not name:
        raise ReportRefused(_("Give the client a name."), field="name")
    towns = list(municipalities)
    if not towns:
        raise ReportRefused(
            _("Choose at least one municipality the client may report in."),
            field="municipalities",
        )
    for town in towns:
        require(actor, Action.CATALOGUE, town)
    key = _new_key()
    client = Open311Client(name=name, key_digest=_digest(key), key_hint=key[:HINT_LENGTH])
    client.full_clean()
    client.save()
    client.municipalities.set(towns)
    history_record(
        instance=client,
        action="create",
        actor=actor,
        changes={"municipalities": sorted(town.slug for town in towns)},
    )
    return client, key


@transaction.atomic
def open311_client_new_key(
    *, client: Open311Client, actor: User | None
) -> tuple[Open311Client, str]:
    """Replace the client's key (a leaked or lost one): the old key stops working at once; the
    new one is returned to be shown once. The actor must manage the catalogue in every
    municipality the client reports in."""
    client = Open311Client.objects.select_for_update().get(pk=client.pk)
    for town_id in client.municipalities.values_list("pk", flat=True):
        require(actor, Action.CATALOGUE, town_id)
    key = _new_key()
    client.key_digest = _digest(key)
    client.key_hint = key[:HINT_LENGTH]
    client.save(update_fields=["key_digest", "key_hint"])
    history_record(
        instance=client, action="update", actor=actor, changes={"key_hint": client.key_hint}
    )
    return client, key


def open311_client_for_key(key: str) -> Open311Client | None:
    """The active client whose key ``key`` is, or ``None`` (unknown, inactive, malformed). The
    lookup is by digest: the database compares digests, never the secret itself."""
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH or "\x00" in key:
        return None
    return Open311Client.objects.filter(key_digest=_digest(key), is_active=True).first()
